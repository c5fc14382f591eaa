"""The losses of :mod:`lossedu.maths.loss_table` as each framework's user writes them.

:func:`torch_loss` and :func:`keras_loss` are the built-ins the table names,
:func:`jax_elementwise_loss` the textbook formula in ``jax.numpy``, :func:`framework_loss` the
mean loss as a framework's user writes it (and :func:`framework_loss_text` how it reads);
:func:`loss_parameters` checks a loss's parameters; :func:`builtin_loss_and_grad` computes a
loss and its gradient in one framework, as NumPy.

>>> framework_loss_text("jax", "mae")
'jnp.mean(jnp.abs(y_pred - y_true))'
"""

from __future__ import annotations

import re

import numpy as np

from ..maths.loss_table import LOSSES, ElementwiseLoss, loss_definition
from ..maths.validation import check_choice
from .environment import FRAMEWORKS, check_framework_dtype, import_tensorflow, jax_x64


def loss_parameters(loss: str, parameters: dict) -> dict:
    """Check the keyword parameters of ``loss`` (``delta`` for huber and pseudo_huber, ``beta``
    for smooth_l1, none for the others) and fill in the defaults; see
    :meth:`lossedu.maths.loss_table.ElementwiseLoss.check_parameters`.

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
    check_framework_dtype(y_pred)
    compute = {"torch": _torch_loss_and_grad, "tensorflow": _tensorflow_loss_and_grad,
               "jax": _jax_loss_and_grad}[framework]
    return compute(loss, y_true, y_pred, call.reduction, call.parameters)
