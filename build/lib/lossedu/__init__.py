"""lossedu: the reference library of the course "Gradients at the kink".

NumPy implementations of loss functions, their analytic gradients and Jacobians, finite
differences, and a uniform way to ask PyTorch, TensorFlow and JAX for the same gradients.
Every loss is one entry of :data:`lossedu.loss_table.LOSSES` (its value and derivative side by
side), from which ``lossedu.mae``, ``lossedu.mae_grad`` and the rest are made; a loss added with
:func:`register_loss` appears here too. Importing lossedu imports NumPy only; frameworks are imported when a function needs them, and
plotting lives in :mod:`lossedu.plotting` (imports matplotlib).

>>> import lossedu
>>> print(lossedu.mae([1.5, 0.2, 3.9], [1.2, 0.5, 3.2]).round(4))
0.4333
>>> lossedu.mae_grad([1.5, 0.2, 3.9], [1.2, 0.5, 3.2]).round(4)
array([-0.3333,  0.3333, -0.3333])
"""

from .frameworks import (builtin_loss_and_grad, framework_versions, import_tensorflow, jax_x64,
                         print_versions, versions_line)
from . import gradients, losses
from .gradients import (gradient_function, huber_grad, jacobian, log_cosh_grad, mae_grad,
                        mse_grad, pseudo_huber_grad, smooth_l1_grad)
from .loss_table import LOSSES, ElementwiseLoss, Parameter, loss_definition, register_loss
from .losses import huber, log_cosh, loss_function, mae, mse, pseudo_huber, smooth_l1
from .numdiff import GradientCheck, check_gradient, numerical_grad

__version__ = "0.1.0"

__all__ = [
    "mae", "mse", "huber", "smooth_l1", "pseudo_huber", "log_cosh",
    "mae_grad", "mse_grad", "huber_grad", "smooth_l1_grad", "pseudo_huber_grad", "log_cosh_grad",
    "jacobian",
    "LOSSES", "ElementwiseLoss", "Parameter", "loss_definition", "register_loss",
    "loss_function", "gradient_function",
    "numerical_grad", "check_gradient", "GradientCheck",
    "builtin_loss_and_grad", "framework_versions", "versions_line", "print_versions",
    "import_tensorflow",
    "jax_x64",
]


def __getattr__(name: str):
    """A loss registered after import: ``lossedu.<name>`` and ``lossedu.<name>_grad``."""
    for module in (losses, gradients):
        try:
            return getattr(module, name)
        except AttributeError:
            continue
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
