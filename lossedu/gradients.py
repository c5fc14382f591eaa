r"""Analytic gradients of the reference losses with respect to ``y_pred``, and their Jacobians.

For a reduced loss (``"mean"`` or ``"sum"``) the gradient has y_pred's shape: entry ``i`` is
:math:`\partial L / \partial \hat y_i`. For ``reduction="none"`` the loss is a vector, its
Jacobian is diagonal, and the functions return that diagonal (the elementwise derivative);
:func:`jacobian` builds the full matrix when you want to see it.

Results have y_pred's floating dtype (integer inputs give float64).

>>> mae_grad([1.0, 2.0, 3.0], [2.0, 2.0, 0.0])
array([ 0.33333333,  0.        , -0.33333333])
>>> mae_grad([1.0, 2.0, 3.0], [2.0, 2.0, 0.0], subgradient=1.0, reduction="sum")
array([ 1.,  1., -1.])
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import (as_real_array, check_positive, check_real_number, check_reduction,
                         check_result_finite, prepare_pair)


def scale_by_reduction(elementwise_grad: np.ndarray, reduction: str, dtype: np.dtype) -> np.ndarray:
    """Turn the elementwise derivative into the gradient of the reduced loss, in ``dtype``.

    Only ``"mean"`` changes anything: every element's derivative is divided by N, the number of
    elements of y_pred (all of them, whatever the shape). The array may be updated in place.
    The division runs in at least float32: N itself overflows float16 beyond 65504.

    >>> scale_by_reduction(np.array([1.0, -1.0]), "mean", np.dtype(np.float64))
    array([ 0.5, -0.5])
    """
    if reduction == "mean":
        work = elementwise_grad.astype(np.promote_types(elementwise_grad.dtype, np.float32),
                                       copy=False)
        work /= work.size
        elementwise_grad = work
    return elementwise_grad.astype(dtype, copy=False)


def mae_grad(y_true, y_pred, *, reduction: str = "mean", subgradient: float = 0.0) -> np.ndarray:
    r"""Gradient of :func:`lossedu.mae` with respect to ``y_pred``.

    Away from ties the derivative of :math:`|\hat y_i - y_i|` is
    :math:`\operatorname{sign}(\hat y_i - y_i) = \pm 1`. Where ``y_pred == y_true`` the absolute
    value has a kink and no derivative; any ``subgradient`` in ``[-1, 1]`` is a valid choice there.
    The default, 0, is what ``np.sign`` gives and what PyTorch and TensorFlow return.

    >>> mae_grad([[1.5], [0.2]], [[1.2], [0.5]])
    array([[-0.5],
           [ 0.5]])
    """
    reduction = check_reduction(reduction)
    subgradient = check_real_number(subgradient, "subgradient", low=-1.0, high=1.0)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    grad = np.sign(residual, out=residual)
    if subgradient != 0.0:
        grad[grad == 0] = subgradient
    return scale_by_reduction(grad, reduction, y_pred.dtype)


def mse_grad(y_true, y_pred, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`lossedu.mse` with respect to ``y_pred``: :math:`2(\hat y_i - y_i)`,
    divided by N for ``reduction="mean"``.

    >>> mse_grad([0.0, 0.0], [1.0, 3.0])
    array([1., 3.])
    """
    reduction = check_reduction(reduction)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    with np.errstate(over="ignore"):  # overflow is reported below, with the dtype named
        grad = scale_by_reduction(np.multiply(residual, 2, out=residual), reduction, y_pred.dtype)
    check_result_finite(grad, "gradient")
    return grad


def huber_grad(y_true, y_pred, *, delta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`lossedu.huber`: :math:`r` where :math:`|r| \le \delta`, else
    :math:`\delta \operatorname{sign}(r)`. Continuous, so :math:`|r| = \delta` needs no convention.

    >>> huber_grad([0.0, 0.0, 0.0], [0.5, 3.0, -3.0], reduction="none")
    array([ 0.5,  1. , -1. ])
    """
    reduction = check_reduction(reduction)
    delta = check_positive(delta, "delta")
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    grad = np.clip(residual, -delta, delta)
    return scale_by_reduction(grad, reduction, y_pred.dtype)


def smooth_l1_grad(y_true, y_pred, *, beta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`lossedu.smooth_l1`: :math:`r / \beta` where :math:`|r| < \beta`, else
    :math:`\operatorname{sign}(r)`.

    >>> smooth_l1_grad([0.0, 0.0], [0.5, 3.0], beta=2.0, reduction="none")
    array([0.25, 1.  ])
    """
    reduction = check_reduction(reduction)
    beta = check_positive(beta, "beta")
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    grad = np.clip(residual / beta, -1.0, 1.0)
    return scale_by_reduction(grad, reduction, y_pred.dtype)


def pseudo_huber_grad(y_true, y_pred, *, delta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`lossedu.pseudo_huber`: :math:`r / \sqrt{1 + (r/\delta)^2}`, which
    tends to :math:`\pm\delta` for large residuals.

    >>> pseudo_huber_grad([0.0, 0.0], [0.0, 1e6], reduction="none").round(6)
    array([0., 1.])
    """
    reduction = check_reduction(reduction)
    delta = check_positive(delta, "delta")
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    grad = residual / np.hypot(1.0, residual / delta)
    return scale_by_reduction(grad, reduction, y_pred.dtype)


def log_cosh_grad(y_true, y_pred, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`lossedu.log_cosh`: :math:`\tanh r`, between -1 and 1.

    >>> log_cosh_grad([0.0, 0.0], [0.0, 1e4], reduction="none")
    array([0., 1.])
    """
    reduction = check_reduction(reduction)
    _, y_pred, residual = prepare_pair(y_true, y_pred)
    return scale_by_reduction(np.tanh(residual), reduction, y_pred.dtype)


def jacobian(grad_fn: Callable[..., np.ndarray], y_true, y_pred, *,
             reduction: str = "mean", **options) -> np.ndarray:
    r"""The full Jacobian of a loss with respect to ``y_pred``, flattened in row-major order.

    ``grad_fn`` is a gradient function such as :func:`mae_grad`; ``options`` are passed on to it.
    With N elements in y_pred:

    - ``"mean"``/``"sum"``: the loss is one number, so the Jacobian is a 1 x N row
      (the gradient, laid out as a row);
    - ``"none"``: the loss has N outputs and output i depends only on input i, so the Jacobian
      is an N x N diagonal matrix.

    >>> jacobian(mse_grad, [0.0, 0.0], [1.0, 3.0], reduction="none")
    array([[2., 0.],
           [0., 6.]])
    """
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be a gradient function such as mae_grad, "
                        f"got {grad_fn!r} ({type(grad_fn).__name__})")
    reduction = check_reduction(reduction)
    grad = np.asarray(grad_fn(y_true, y_pred, reduction=reduction, **options))
    expected = as_real_array(y_pred, "y_pred").shape
    if grad.shape != expected:
        raise ValueError(f"grad_fn returned shape {grad.shape} but y_pred has shape {expected}; "
                         f"pass a gradient function such as mae_grad, not a loss")
    flat = grad.reshape(-1)
    if reduction == "none":
        return np.diag(flat)
    return flat[np.newaxis, :]
