"""tinygrad: ``Tensor.gradient`` of the summed output with respect to the inputs, each realised
with ``numpy()`` (tinygrad computes lazily). Its CPU device compiles kernels with ``clang``.

>>> FRAMEWORK.label
'tinygrad'
"""

from . import Framework, Missing  # noqa: F401


def _grad(total: str, names: tuple) -> str:
    return f"[g.numpy() for g in {total}.gradient({', '.join(names)})]"


FRAMEWORK = Framework(
    name="tinygrad", label="tinygrad", package="tinygrad", module="tinygrad",
    imports="from tinygrad import Tensor, dtypes",
    tensor="{name} = Tensor({value}, dtype=dtypes.float32)",
    constant="{name} = Tensor({value}, dtype=dtypes.float32)",
    total="({expression}).sum()",
    gradient=_grad,
    home="https://docs.tinygrad.org/",
    ops={
        "abs": "x.abs()",
    })
