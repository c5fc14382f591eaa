"""JAX: ``jax.grad`` of a lambda that sums the op's output.

>>> FRAMEWORK.label
'JAX'
"""

from . import Framework, Missing  # noqa: F401
from ._gradients import jax_grad

FRAMEWORK = Framework(
    name="jax", label="JAX", package="jax", module="jax",
    imports="import jax\nimport jax.numpy as jnp",
    tensor="{name} = jnp.array({value}, dtype=jnp.float32)",
    constant="{name} = jnp.array({value}, dtype=jnp.float32)",
    total="jnp.sum({expression})",
    gradient=jax_grad,
    home="https://docs.jax.dev/en/latest/",
    ops={
        "abs": "jnp.abs(x)",
    })
