"""MLX: ``mx.grad`` of a lambda that sums the op's output (``pip install "mlx[cpu]"`` on
Linux: plain ``mlx`` fails to import there).

>>> FRAMEWORK.label
'MLX'
"""

from . import Framework, Missing  # noqa: F401


def _grad(total: str, names: tuple) -> str:
    args = ", ".join(names)
    argnums = "" if len(names) == 1 else f", argnums={list(range(len(names)))}"
    return f"f = lambda {args}: {total}\nmx.grad(f{argnums})({args})"


FRAMEWORK = Framework(
    name="mlx", label="MLX", package="mlx", module="mlx.core",
    imports="import mlx.core as mx\nimport mlx.nn as nn",
    tensor="{name} = mx.array({value}, dtype=mx.float32)",
    constant="{name} = mx.array({value}, dtype=mx.float32)",
    total="mx.sum({expression})",
    gradient=_grad,
    home="https://ml-explore.github.io/mlx/",
    ops={
        "abs": "mx.abs(x)",
    })
