"""Reference loss functions in NumPy: the definitions the chapters derive gradients from.

Every loss takes ``(y_true, y_pred)`` of the same shape and a ``reduction``:

- ``"mean"``: the mean over *all* elements (a 5x3 array is averaged over 15 values);
- ``"sum"``: the sum over all elements;
- ``"none"``: the elementwise loss, with y_pred's shape.

Results have y_pred's floating dtype (integer inputs give float64). Reduced losses are NumPy
scalars, so ``mae(...).dtype`` tells you the precision it was computed in.

>>> loss = mae([1.5, 0.2], [1.2, 0.5])
>>> print(loss, loss.dtype)
0.30000000000000004 float64
>>> mse([1.0, 2.0], [3.0, 2.0], reduction="none")
array([4., 0.])

The smooth approximations of MAE (:func:`huber`, :func:`smooth_l1`, :func:`pseudo_huber`,
:func:`log_cosh`) are quadratic near a residual of 0 and linear far from it.
"""

from __future__ import annotations

import numpy as np

from .validation import check_positive, check_reduction, check_result_finite, prepare_pair


def reduce_elementwise(elementwise: np.ndarray, reduction: str, dtype: np.dtype):
    """Apply ``reduction`` to an elementwise loss and return it in ``dtype``.

    >>> mean = reduce_elementwise(np.array([1.0, 3.0]), "mean", np.dtype(np.float32))
    >>> print(mean, mean.dtype)
    2.0 float32
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

    >>> print(mae([[1.5], [0.2], [3.9]], [[1.2], [0.5], [3.2]], reduction="sum").round(6))
    1.3
    """
    reduction = check_reduction(reduction)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    return reduce_elementwise(np.abs(residual), reduction, y_pred.dtype)


def mse(y_true, y_pred, *, reduction: str = "mean"):
    r"""Mean squared error, :math:`\frac{1}{N}\sum_i (\hat y_i - y_i)^2` for ``reduction="mean"``.

    >>> print(mse([0.0, 0.0], [1.0, 3.0]))
    5.0
    """
    reduction = check_reduction(reduction)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    with np.errstate(over="ignore"):  # reduce_elementwise reports an overflow
        squared = np.square(residual)
    return reduce_elementwise(squared, reduction, y_pred.dtype)


def huber(y_true, y_pred, *, delta: float = 1.0, reduction: str = "mean"):
    r"""Huber loss: :math:`r^2/2` where :math:`|r| \le \delta`, :math:`\delta(|r| - \delta/2)` beyond.

    Quadratic (like MSE) for small residuals, linear with slope :math:`\delta` (like MAE) for
    large ones, with a continuous derivative at :math:`|r| = \delta`. The same function as
    ``torch.nn.functional.huber_loss`` and ``tf.keras.losses.Huber``. ``delta`` must be positive.

    >>> huber([0.0, 0.0], [0.5, 3.0], reduction="none")
    array([0.125, 2.5  ])
    """
    reduction = check_reduction(reduction)
    delta = check_positive(delta, "delta")
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    size = np.abs(residual)
    with np.errstate(over="ignore"):  # reduce_elementwise reports an overflow
        elementwise = np.where(size <= delta, 0.5 * residual * residual, delta * (size - 0.5 * delta))
    return reduce_elementwise(elementwise, reduction, y_pred.dtype)


def smooth_l1(y_true, y_pred, *, beta: float = 1.0, reduction: str = "mean"):
    r"""Smooth L1 loss: :math:`r^2 / (2\beta)` where :math:`|r| < \beta`, :math:`|r| - \beta/2` beyond.

    PyTorch's ``smooth_l1_loss``; it equals ``huber(delta=beta) / beta``, so its linear part has
    slope 1 like MAE. ``beta`` must be positive: PyTorch reads ``beta=0`` as plain L1, but that
    is :func:`mae`, and lossedu keeps one name per function rather than a special case.

    >>> smooth_l1([0.0, 0.0], [0.5, 3.0], reduction="none")
    array([0.125, 2.5  ])
    """
    reduction = check_reduction(reduction)
    beta = check_positive(beta, "beta")
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    size = np.abs(residual)
    with np.errstate(over="ignore"):
        elementwise = np.where(size < beta, 0.5 * residual * residual / beta, size - 0.5 * beta)
    return reduce_elementwise(elementwise, reduction, y_pred.dtype)


def pseudo_huber(y_true, y_pred, *, delta: float = 1.0, reduction: str = "mean"):
    r"""Pseudo-Huber loss :math:`\delta^2 (\sqrt{1 + (r/\delta)^2} - 1)`: a Huber loss that is
    smooth everywhere (all derivatives continuous).

    Computed as :math:`\delta^2 t^2 / (\sqrt{1 + t^2} + 1)` with :math:`t = r / \delta`, which
    has no cancellation for small residuals and no overflow for large ones.

    >>> print(pseudo_huber([0.0], [1.0]).round(6))
    0.414214
    """
    reduction = check_reduction(reduction)
    delta = check_positive(delta, "delta")
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    with np.errstate(over="ignore"):
        t = np.abs(residual) / delta
        elementwise = delta * delta * t * (t / (np.hypot(1.0, t) + 1.0))
    return reduce_elementwise(elementwise, reduction, y_pred.dtype)


def log_cosh(y_true, y_pred, *, reduction: str = "mean"):
    r"""Log-cosh loss :math:`\log\cosh r`: about :math:`r^2/2` for small residuals and
    :math:`|r| - \log 2` for large ones.

    ``np.log(np.cosh(r))`` overflows for :math:`|r| > 710` in float64 (89 in float32), so
    lossedu computes :math:`|r| + \log(1 + e^{-2|r|}) - \log 2` for :math:`|r| \ge 1` and
    :math:`\log(1 + 2\sinh^2(r/2))` below, which keeps full precision for tiny residuals too.

    >>> log_cosh([0.0, 0.0], [1e-8, 1e4], reduction="none")
    array([5.00000000e-17, 9.99930685e+03])
    """
    reduction = check_reduction(reduction)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    size = np.abs(residual)
    with np.errstate(over="ignore"):  # sinh overflows where the other branch is used
        near = np.log1p(2 * np.sinh(size / 2) ** 2)
    far = size + np.log1p(np.exp(-2 * size)) - np.log(2.0).astype(size.dtype)
    return reduce_elementwise(np.where(size < 1, near, far), reduction, y_pred.dtype)
