"""The frameworks: one uniform way to ask PyTorch, TensorFlow/Keras and JAX for a loss and its
gradient.

- :mod:`lossedu.frameworks.environment`: which versions a result came from
  (:func:`print_versions`), TensorFlow imported quietly, JAX in 64 bits;
- :mod:`lossedu.frameworks.losses`: the table's losses as each framework writes them, and
  :func:`builtin_loss_and_grad`;
- :mod:`lossedu.frameworks.autodiff`: :func:`value_and_gradient` and :func:`gradient` of any
  function written with a framework's operations.

Nothing here imports a framework until a function that needs it is called, so ``import lossedu``
stays fast and works where the frameworks are not installed. The kink atlas, which asks seven
frameworks in processes of their own, is :mod:`lossedu.atlas`.

It may import: lossedu.maths, lossedu.common.

>>> framework_loss_text("jax", "mse")
'jnp.mean(jnp.square(y_pred - y_true))'
"""

from .autodiff import gradient, value_and_gradient
from .environment import (FRAMEWORKS, TENSORFLOW_QUIET_ENV, check_framework_dtype,
                          framework_versions, import_tensorflow, jax_x64, print_versions,
                          versions_line)
from .losses import (builtin_loss_and_grad, framework_loss, framework_loss_text,
                     jax_elementwise_loss, keras_loss, loss_parameters, torch_loss)

__all__ = ["gradient", "value_and_gradient", "FRAMEWORKS", "TENSORFLOW_QUIET_ENV",
           "check_framework_dtype", "framework_versions", "import_tensorflow", "jax_x64",
           "print_versions", "versions_line", "builtin_loss_and_grad", "framework_loss",
           "framework_loss_text", "jax_elementwise_loss", "keras_loss", "loss_parameters",
           "torch_loss"]
