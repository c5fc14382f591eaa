"""Reference loss functions in NumPy: the definitions the chapters derive gradients from.

Every loss takes ``(y_true, y_pred)`` of the same shape and a ``reduction``:

- ``"mean"``: the mean over *all* elements (a 5x3 array is averaged over 15 values);
- ``"sum"``: the sum over all elements;
- ``"none"``: the elementwise loss, with y_pred's shape.

Results have y_pred's floating dtype (integer inputs give float64). Reduced losses are NumPy
scalars, so ``mae(...).dtype`` tells you the precision it was computed in.

>>> mae([1.5, 0.2], [1.2, 0.5])
np.float64(0.30000000000000004)
>>> mse([1.0, 2.0], [3.0, 2.0], reduction="none")
array([4., 0.])
"""

from __future__ import annotations

import numpy as np

from .validation import check_reduction, check_result_finite, prepare_pair


def reduce_elementwise(elementwise: np.ndarray, reduction: str, dtype: np.dtype):
    """Apply ``reduction`` to an elementwise loss and return it in ``dtype``.

    >>> reduce_elementwise(np.array([1.0, 3.0]), "mean", np.dtype(np.float32))
    np.float32(2.0)
    """
    with np.errstate(over="ignore"):  # overflow is reported below, with the dtype named
        if reduction == "none":
            result = elementwise.astype(dtype, copy=False)
        else:
            accumulate = np.promote_types(elementwise.dtype, np.float32)  # float16 sums overflow
            total = (elementwise.mean(dtype=accumulate) if reduction == "mean"
                     else elementwise.sum(dtype=accumulate))
            result = dtype.type(total)
    check_result_finite(result, "loss")
    return result


def mae(y_true, y_pred, *, reduction: str = "mean"):
    r"""Mean absolute error, :math:`\frac{1}{N}\sum_i |\hat y_i - y_i|` for ``reduction="mean"``.

    >>> mae([[1.5], [0.2], [3.9]], [[1.2], [0.5], [3.2]], reduction="sum").round(6)
    np.float64(1.3)
    """
    reduction = check_reduction(reduction)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    return reduce_elementwise(np.abs(residual), reduction, y_pred.dtype)


def mse(y_true, y_pred, *, reduction: str = "mean"):
    r"""Mean squared error, :math:`\frac{1}{N}\sum_i (\hat y_i - y_i)^2` for ``reduction="mean"``.

    >>> mse([0.0, 0.0], [1.0, 3.0])
    np.float64(5.0)
    """
    reduction = check_reduction(reduction)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    with np.errstate(over="ignore"):  # reduce_elementwise reports an overflow
        squared = np.square(residual)
    return reduce_elementwise(squared, reduction, y_pred.dtype)
