"""One uniform way to ask PyTorch, TensorFlow/Keras and JAX for a loss and its gradient.

- Versions: :func:`framework_versions`, :func:`versions_line` and :func:`print_versions` say
  which NumPy and :data:`FRAMEWORKS` a result came from.
- Importing: :func:`import_tensorflow` imports TensorFlow without its start-up log lines
  (:data:`TENSORFLOW_QUIET_ENV`); :func:`jax_x64` switches JAX to 64 bits in a ``with`` block.
- Losses, found by name in :mod:`lossedu.loss_table`: :func:`torch_loss` and :func:`keras_loss`
  are the built-ins, :func:`jax_elementwise_loss` the textbook formula in ``jax.numpy``,
  :func:`framework_loss` the mean loss as a framework's user writes it (and
  :func:`framework_loss_text` how it reads); :func:`loss_parameters` checks a loss's parameters.
- :func:`builtin_loss_and_grad` computes a loss and its gradient in one framework, as NumPy;
  :func:`value_and_gradient` and :func:`gradient` do the same for any function written with a
  framework's operations.

Nothing here imports a framework until a function that needs it is called, so ``import lossedu``
stays fast and works where the frameworks are not installed.

>>> framework_versions(["numpy"])["numpy"] == np.__version__
True
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

import numpy as np

from .loss_table import LOSSES, ElementwiseLoss, loss_definition
from .validation import as_real_array, check_choice

FRAMEWORKS = ("torch", "tensorflow", "jax")

# TensorFlow reads these when it is first imported; without them it writes log lines to stderr,
# which a notebook stores as output and strict nbval then compares.
TENSORFLOW_QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def import_tensorflow():
    """Import TensorFlow without its start-up log lines on stderr, and return the module.

    Setting the variables only helps before TensorFlow's first import; if it is already imported
    they are left alone and the module is returned as it is.

    >>> import_tensorflow().__name__
    'tensorflow'
    """
    if "tensorflow" not in sys.modules:
        os.environ.update(TENSORFLOW_QUIET_ENV)
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


def jax_x64(enabled: bool = True):
    """A context manager in which JAX computes in 64 bits (``enabled=True``) or 32 bits.

    JAX 0.8 added ``jax.enable_x64`` and deprecated ``jax.experimental.enable_x64``, which later
    releases removed; Colab's JAX has only the old name, the pinned JAX only the new one. This
    uses whichever the installed JAX has.

    >>> import jax.numpy as jnp
    >>> with jax_x64():
    ...     jnp.asarray(1.0).dtype
    dtype('float64')
    """
    if not isinstance(enabled, (bool, np.bool_)):
        raise TypeError(f"enabled must be True or False, got {enabled!r}")
    import jax

    enable = getattr(jax, "enable_x64", None)
    if enable is None:
        from jax.experimental import enable_x64 as enable
    return enable(bool(enabled))


@lru_cache(maxsize=None)
def _distribution_version(module_name: str) -> str | None:
    from importlib import metadata

    # The distribution can be named differently from the module (tensorflow-cpu).
    names = metadata.packages_distributions().get(module_name, [module_name])
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def framework_versions(names=("numpy", *FRAMEWORKS)) -> dict[str, str | None]:
    """Installed version of each named package (``None`` if it is not installed).

    An already imported module reports its own ``__version__``; otherwise the version is read
    from the installed package's metadata, which does not import it (TensorFlow takes seconds).
    """
    versions = {}
    for name in names:
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None) if module else None
        versions[name] = version or _distribution_version(name)
    return versions


def versions_line(names=("numpy", *FRAMEWORKS)) -> str:
    """A one-line summary such as ``'Python 3.11.7, numpy 2.4.6, torch 2.13.0+cpu'``, for
    printing at the top of a chapter so every stated result carries the versions it came from."""
    return ", ".join(_version_parts(names))


def _version_parts(names) -> list[str]:
    return [f"Python {sys.version.split()[0]}"] + [
        f"{name} {version if version else 'not installed'}"
        for name, version in framework_versions(names).items()]


def print_versions() -> None:
    """Print :func:`versions_line` on two lines that fit a book page: Python and NumPy, then the
    frameworks. Every chapter calls it first, so each result carries the versions it came from.

    >>> print_versions()  # doctest: +ELLIPSIS
    Python 3..., numpy ...
    torch ..., tensorflow ..., jax ...
    """
    parts = _version_parts(("numpy", *FRAMEWORKS))
    print(", ".join(parts[:2]))
    print(", ".join(parts[2:]))


def loss_parameters(loss: str, parameters: dict) -> dict:
    """Check the keyword parameters of ``loss`` (``delta`` for huber and pseudo_huber, ``beta``
    for smooth_l1, none for the others) and fill in the defaults; see
    :meth:`lossedu.loss_table.ElementwiseLoss.check_parameters`.

    >>> loss_parameters("huber", {})
    {'delta': 1.0}
    """
    return loss_definition(loss).check_parameters(parameters)


def _builtin_name(framework: str, definition: ElementwiseLoss) -> str:
    title = {"torch": "PyTorch", "tensorflow": "Keras"}[framework]
    attribute = "torch" if framework == "torch" else "keras"
    name = getattr(definition, attribute)
    if name is None:
        have = tuple(n for n, d in LOSSES.items() if getattr(d, attribute) is not None)
        raise ValueError(f"{title} has no built-in {definition.name} loss; it has {have}")
    return name


def torch_loss(loss: str, **parameters):
    """PyTorch's built-in loss function for ``loss``, called as ``f(y_pred, y_true, reduction=...)``."""
    import torch.nn.functional as F

    definition = loss_definition(loss)
    parameters = definition.check_parameters(parameters)
    function = getattr(F, _builtin_name("torch", definition))
    return lambda y_pred, y_true, reduction="mean": function(y_pred, y_true, reduction=reduction,
                                                             **parameters)


def keras_loss(loss: str, dtype: str = "float32", **parameters):
    """The Keras loss object for ``loss``, computing in ``dtype``, called as ``f(y_true, y_pred)``.

    Keras losses average over the last axis and then over the batch, which equals the mean over
    all elements; they compute in their own dtype (float32 unless told otherwise).
    """
    definition = loss_definition(loss)
    parameters = definition.check_parameters(parameters)
    name = _builtin_name("tensorflow", definition)
    tf = import_tensorflow()
    return getattr(tf.keras.losses, name)(dtype=dtype, **parameters)


def jax_elementwise_loss(loss: str, **parameters):
    """The elementwise loss of a residual ``r``, written in ``jax.numpy`` (JAX has no built-in
    losses): the textbook formula of the loss's table entry, e.g. ``jnp.abs(r)``."""
    import jax.numpy as jnp

    definition = loss_definition(loss)
    parameters = definition.check_parameters(parameters)
    return lambda r: definition.textbook(jnp, r, **parameters)


def _array_module(framework: str):
    if framework == "torch":
        import torch

        return torch
    if framework == "tensorflow":
        import_tensorflow()
        import tensorflow.experimental.numpy as tnp

        return tnp
    import jax.numpy as jnp

    return jnp


def framework_loss(framework: str, loss: str, *, builtin_only: bool = False, **parameters):
    """The mean ``loss`` as a user of ``framework`` writes it, as ``f(y_pred, y_true)``: the
    built-in where the framework has one (:func:`torch_loss`, :func:`keras_loss` in float32),
    otherwise the table's textbook formula written with the framework's array functions (JAX
    always; ``builtin_only`` raises instead). :func:`framework_loss_text` says how it reads.

    >>> import torch
    >>> framework_loss("torch", "pseudo_huber")(torch.tensor([1.0]), torch.tensor([0.0]))
    tensor(0.4142)
    """
    check_choice(framework, "framework", FRAMEWORKS)
    definition = loss_definition(loss)
    parameters = definition.check_parameters(parameters)
    builtin = {"torch": definition.torch, "tensorflow": definition.keras}.get(framework)
    if builtin is not None or (builtin_only and framework != "jax"):
        if framework == "torch":
            return torch_loss(loss, **parameters)
        keras = keras_loss(loss, "float32", **parameters)
        return lambda y_pred, y_true: keras(y_true, y_pred)
    xp = _array_module(framework)
    return lambda y_pred, y_true: xp.mean(definition.textbook(xp, y_pred - y_true, **parameters))


def framework_loss_text(framework: str, loss: str) -> str:
    """How :func:`framework_loss` reads in code, e.g. ``"F.l1_loss"`` or
    ``"jnp.mean(jnp.abs(y_pred - y_true))"``.

    >>> framework_loss_text("tensorflow", "smooth_l1")
    'tnp.mean(tnp.where(tnp.abs(r) < beta, r**2 / (2 * beta), tnp.abs(r) - beta / 2))'
    """
    check_choice(framework, "framework", FRAMEWORKS)
    definition = loss_definition(loss)
    if framework == "torch" and definition.torch is not None:
        return f"F.{definition.torch}"
    if framework == "tensorflow" and definition.keras is not None:
        return f"tf.keras.losses.{definition.keras}"
    xp = {"torch": "torch.", "tensorflow": "tnp.", "jax": "jnp."}[framework]
    # a formula that is one function of the residual spells it out; any other calls it r
    r = "y_pred - y_true" if re.fullmatch(r"\{xp\}\w+\(\{r\}\)", definition.formula) else "r"
    return f"{xp}mean({definition.formula_text(xp, r)})"


def _torch_loss_and_grad(loss, y_true, y_pred, reduction, parameters):
    import torch

    target = torch.from_numpy(y_true)
    prediction = torch.from_numpy(y_pred.copy()).requires_grad_(True)
    value = torch_loss(loss, **parameters)(prediction, target, reduction=reduction)
    # For "none" the loss is a vector; the gradient of its sum is the Jacobian's diagonal.
    (value if reduction != "none" else value.sum()).backward()
    return value.detach().numpy(), prediction.grad.numpy()


def _tensorflow_loss_and_grad(loss, y_true, y_pred, reduction, parameters):
    tf = import_tensorflow()

    if reduction != "mean":
        raise ValueError("Keras losses reduce per sample first, so only reduction='mean' "
                         "matches lossedu's definition; use torch for 'sum' and 'none'")
    builtin = keras_loss(loss, y_pred.dtype.name, **parameters)
    # Keras averages over the last axis, which a 0-d tensor does not have.
    prediction = tf.Variable(y_pred.reshape(y_pred.shape or (1,)))
    with tf.GradientTape() as tape:
        value = builtin(tf.constant(y_true.reshape(prediction.shape)), prediction)
    return value.numpy(), tape.gradient(value, prediction).numpy().reshape(y_pred.shape)


def _jax_loss_and_grad(loss, y_true, y_pred, reduction, parameters):
    import jax
    import jax.numpy as jnp

    elementwise = jax_elementwise_loss(loss, **parameters)
    reduce = {"mean": jnp.mean, "sum": jnp.sum, "none": jnp.sum}[reduction]

    def total(prediction):
        return reduce(elementwise(prediction - y_true))

    with jax_x64(y_pred.dtype == np.float64):
        value, grad = jax.value_and_grad(total)(y_pred)
        if reduction == "none":
            value = elementwise(y_pred - y_true)
        return np.asarray(value), np.asarray(grad)


def _check_framework_dtype(array: np.ndarray) -> np.ndarray:
    if array.dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(f"the frameworks support float16, float32 and float64, not {array.dtype}")
    return array


def builtin_loss_and_grad(framework: str, loss: str, y_true, y_pred, *, reduction: str = "mean",
                          **parameters):
    """Loss value and gradient w.r.t. ``y_pred`` as the framework computes them, as NumPy arrays.

    - torch: its built-in ``l1_loss``, ``mse_loss``, ``huber_loss``, ``smooth_l1_loss``
      (:func:`torch_loss`) and autograd;
    - tensorflow: Keras' ``MeanAbsoluteError``, ``MeanSquaredError``, ``Huber``, ``LogCosh``
      (:func:`keras_loss`) under a ``tf.GradientTape`` (``reduction="mean"`` only), built with
      ``dtype`` set to y_pred's dtype (a Keras loss otherwise computes in float32 even on float64
      data);
    - jax: the formulas of :func:`jax_elementwise_loss` (JAX has no built-in losses) and
      ``jax.grad``.

    ``parameters`` are ``delta`` (huber, pseudo_huber) or ``beta`` (smooth_l1), default 1.0.
    Inputs are validated as lossedu's own losses validate them, and must also share one dtype,
    float16, float32 or float64 (integer data becomes float64): the frameworks' losses need one
    dtype, and converting one input silently could round values into ties or overflow them.

    >>> value, grad = builtin_loss_and_grad("torch", "mae", [1.0, 2.0], [1.0, 3.0])
    >>> value, grad
    (array(0.5), array([0. , 0.5]))
    """
    check_choice(framework, "framework", FRAMEWORKS)
    call = loss_definition(loss).check_call(y_true, y_pred, reduction, parameters)
    y_true, y_pred = call.y_true, call.y_pred
    if y_true.dtype != y_pred.dtype:
        raise ValueError(f"y_true is {y_true.dtype} but y_pred is {y_pred.dtype}; the frameworks "
                         f"need one dtype, so convert one of them explicitly")
    _check_framework_dtype(y_pred)
    compute = {"torch": _torch_loss_and_grad, "tensorflow": _tensorflow_loss_and_grad,
               "jax": _jax_loss_and_grad}[framework]
    return compute(loss, y_true, y_pred, call.reduction, call.parameters)


def value_and_gradient(framework: str, f, x, *, upstream=None):
    """``f(x)`` and its gradient with respect to ``x``, as ``framework``'s autodiff computes them,
    as NumPy arrays: one call instead of each framework's own boilerplate.

    ``f`` is written with the framework's operations (``torch.abs``, ``tf.abs``, ``jnp.abs``,
    a custom-gradient function, ...) and takes one tensor of ``x``'s shape and dtype (float16,
    float32 or float64; integer data becomes float64). For an output that is not a single
    number, the gradient is that of its sum; ``upstream`` (of the output's shape) replaces the
    ones of that sum, the incoming gradient of the backward pass, which makes the result a
    vector-Jacobian product. JAX computes in 64 bits when ``x`` is float64 (:func:`jax_x64`).

    The frameworks' own answers where there is no gradient path are kept, not papered over:
    PyTorch raises (the output has no ``grad_fn``), TensorFlow's gradient is ``None``, JAX's
    gradient is zeros.

    >>> import torch
    >>> value, grad = value_and_gradient("torch", torch.abs, [-2.0, 0.0, 3.0])
    >>> value, grad
    (array([2., 0., 3.]), array([-1.,  0.,  1.]))
    >>> value_and_gradient("jax", lambda v: v ** 2, 3.0, upstream=0.5)[1]
    array(3.)
    """
    check_choice(framework, "framework", FRAMEWORKS)
    if not callable(f):
        raise TypeError(f"f must be a function of one tensor, written with {framework}'s "
                        f"operations, got {f!r}")
    x = _check_framework_dtype(as_real_array(x, "x"))
    if upstream is not None:
        upstream = as_real_array(upstream, "upstream")
    compute = {"torch": _torch_value_and_gradient, "tensorflow": _tensorflow_value_and_gradient,
               "jax": _jax_value_and_gradient}[framework]
    return compute(f, x, upstream)


def gradient(framework: str, f, x, *, upstream=None):
    """The gradient part of :func:`value_and_gradient`: the gradient of ``f`` at ``x`` in
    ``framework`` (the gradient of the sum for an output that is not one number), a NumPy
    array, or ``None`` where TensorFlow finds no gradient path.

    >>> gradient("tensorflow", import_tensorflow().abs, [-2.0, 0.0, 3.0])
    array([-1.,  0.,  1.])
    """
    return value_and_gradient(framework, f, x, upstream=upstream)[1]


def _upstream_like(upstream, output_shape, output_dtype):
    """The incoming gradient of the backward pass: ``upstream`` in the output's dtype, or ones."""
    if upstream is None:
        return np.ones(output_shape, dtype=output_dtype)
    if upstream.shape != tuple(output_shape):
        raise ValueError(f"upstream has shape {upstream.shape} but f's output has shape "
                         f"{tuple(output_shape)}; give one incoming gradient per output entry")
    return upstream.astype(output_dtype)


def _torch_value_and_gradient(f, x, upstream):
    import torch

    tensor = torch.tensor(x, requires_grad=True)
    output = f(tensor)
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"f must return a torch tensor, got {type(output).__name__}")
    incoming = torch.from_numpy(_upstream_like(upstream, output.shape,
                                               str(output.dtype).removeprefix("torch.")))
    (grad,) = torch.autograd.grad(output, tensor, grad_outputs=incoming)
    return output.detach().numpy(), grad.numpy()


def _tensorflow_value_and_gradient(f, x, upstream):
    tf = import_tensorflow()
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        output = tf.convert_to_tensor(f(tensor))
    incoming = tf.constant(_upstream_like(upstream, output.shape, output.dtype.as_numpy_dtype))
    grad = tape.gradient(output, tensor, output_gradients=incoming)
    return output.numpy(), None if grad is None else grad.numpy()


def _jax_value_and_gradient(f, x, upstream):
    import jax
    import jax.numpy as jnp

    with jax_x64(x.dtype == np.float64):
        output, backward = jax.vjp(f, jnp.asarray(x))
        (grad,) = backward(jnp.asarray(_upstream_like(upstream, output.shape, output.dtype)))
        return np.asarray(output), np.asarray(grad)
