"""lossedu: the reference library of the course "Gradients at the kink".

``import lossedu`` gives the reference maths: every loss and its gradient (``lossedu.mae``,
``lossedu.mae_grad``, ...), their Jacobians, finite differences, and the table the losses are
made from; and a uniform way to ask PyTorch, TensorFlow and JAX for the same gradients. It
imports NumPy only; a framework is imported when a function needs it.

The library is six packages, each importing only packages listed before it:

- :mod:`lossedu.common`: one-line messages and optional dependencies, for all the others;
- :mod:`lossedu.maths`: the reference maths in NumPy (losses, gradients, numerical
  differentiation, metrics, input checks);
- :mod:`lossedu.frameworks`: the same losses and gradients in PyTorch, TensorFlow and JAX;
- :mod:`lossedu.atlas`: the kink atlas, seven frameworks asked where the maths has no
  derivative (``python -m lossedu.atlas``);
- :mod:`lossedu.chapters` (figures, training runs, data, claim checks for the chapters) and
  :mod:`lossedu.grading` (self-checks, student versions and the grader,
  ``python -m lossedu.assign``), which do not import each other.

The modules of the flat layout before version 0.2 (``lossedu.plotting``, ``lossedu.check``,
...) still import, with a DeprecationWarning naming the new place (:mod:`lossedu._moved`).

>>> import lossedu
>>> print(lossedu.mae([1.5, 0.2, 3.9], [1.2, 0.5, 3.2]).round(4))
0.4333
>>> lossedu.mae_grad([1.5, 0.2, 3.9], [1.2, 0.5, 3.2]).round(4)
array([-0.3333,  0.3333, -0.3333])
"""

from . import _moved
from .frameworks import (builtin_loss_and_grad, framework_versions, import_tensorflow, jax_x64,
                         print_versions, versions_line)
from .maths.jacobian import jacobian
from .maths.loss_table import (LOSSES, ElementwiseLoss, Parameter, gradient_function,
                               loss_definition, loss_function, register_loss)
from .maths.losses import *  # noqa: F403 (every loss and its gradient: mae, mae_grad, ...)
from .maths.losses import __all__ as _loss_functions
from .maths.numdiff import GradientCheck, check_gradient, numerical_grad

__version__ = "0.2.0"

__all__ = [
    *_loss_functions,
    "jacobian",
    "LOSSES", "ElementwiseLoss", "Parameter", "loss_definition", "register_loss",
    "loss_function", "gradient_function",
    "numerical_grad", "check_gradient", "GradientCheck",
    "builtin_loss_and_grad", "framework_versions", "versions_line", "print_versions",
    "import_tensorflow",
    "jax_x64",
]

_moved.install()
