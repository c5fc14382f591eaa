"""PyTorch: ``backward()`` on the summed output, then ``x.grad``.

Ops are written with ``torch.`` and ``torch.nn.functional.`` in full, so that a snippet needs
only ``import torch``.

>>> FRAMEWORK.label
'PyTorch'
"""

from . import Framework, Missing  # noqa: F401  (Missing: ops a framework lacks)
from ._gradients import backward

FRAMEWORK = Framework(
    name="torch", label="PyTorch", package="torch", module="torch",
    imports="import torch",
    tensor="{name} = torch.tensor({value}, dtype=torch.float32, requires_grad=True)",
    constant="{name} = torch.tensor({value}, dtype=torch.float32)",
    total="({expression}).sum()",
    gradient=backward,
    home="https://pytorch.org/docs/stable/",
    ops={
        "abs": "torch.abs(x)",
    })
