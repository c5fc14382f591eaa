"""How a snippet ends: differentiate a scalar with respect to its inputs, then name the
gradient. :func:`backward` (PyTorch), :func:`gradient_tape` (TensorFlow) and :func:`jax_grad`
(JAX) serve a framework's own module and Keras on that backend.

>>> print(jax_grad("jnp.sum(jnp.abs(x))", ("x",)))
f = lambda x: jnp.sum(jnp.abs(x))
jax.grad(f)(x)
"""

from __future__ import annotations


def _names(names: tuple) -> str:
    return ", ".join(names)


def backward(total: str, names: tuple) -> str:
    """PyTorch: ``total.backward()``, then each input's ``.grad``."""
    return f"{total}.backward()\n" + _names(tuple(f"{n}.grad" for n in names))


def gradient_tape(total: str, names: tuple) -> str:
    """TensorFlow: record on a ``tf.GradientTape``, then ``tape.gradient``."""
    sources = names[0] if len(names) == 1 else f"[{_names(names)}]"
    return ("with tf.GradientTape() as tape:\n"
            f"    total = {total}\n"
            f"tape.gradient(total, {sources})")


def jax_grad(total: str, names: tuple) -> str:
    """JAX: ``jax.grad`` of a lambda, with ``argnums`` for several inputs."""
    argnums = "" if len(names) == 1 else f", argnums={tuple(range(len(names)))}"
    return f"f = lambda {_names(names)}: {total}\njax.grad(f{argnums})({_names(names)})"
