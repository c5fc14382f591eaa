"""PaddlePaddle: ``paddle.grad`` of the summed output with respect to tensors made with
``stop_gradient=False`` (a Paddle tensor takes no gradient by default).

>>> FRAMEWORK.label
'PaddlePaddle'
"""

from . import Framework, Missing  # noqa: F401


def _grad(total: str, names: tuple) -> str:
    return f"paddle.grad({total}, [{', '.join(names)}])"


FRAMEWORK = Framework(
    name="paddle", label="PaddlePaddle", package="paddlepaddle", module="paddle",
    imports="import paddle",
    tensor='{name} = paddle.to_tensor({value}, dtype="float32", stop_gradient=False)',
    constant='{name} = paddle.to_tensor({value}, dtype="float32")',
    total="paddle.sum({expression})",
    gradient=_grad,
    home="https://www.paddlepaddle.org.cn/documentation/docs/en/api/index_en.html",
    ops={
        "abs": "paddle.abs(x)",
    })
