"""Any function written with a framework's operations, and its gradient, as NumPy arrays:
:func:`value_and_gradient` and :func:`gradient`, one call instead of each framework's own
boilerplate (``backward``, ``GradientTape``, ``jax.grad``).
"""

from __future__ import annotations

import numpy as np

from ..maths.validation import as_real_array, check_choice
from .environment import FRAMEWORKS, check_framework_dtype, import_tensorflow, jax_x64


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
    x = check_framework_dtype(as_real_array(x, "x"))
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
