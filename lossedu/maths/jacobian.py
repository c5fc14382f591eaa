r"""The full Jacobian of a loss with respect to ``y_pred``, from its gradient function.

A gradient function such as :func:`lossedu.mae_grad` returns, for ``reduction="none"``, only
the diagonal of a diagonal Jacobian (output i depends on input i alone); :func:`jacobian`
builds the whole matrix when you want to see it.

>>> from lossedu import mae_grad
>>> jacobian(mae_grad, [1.0, 2.0], [2.0, 2.0], reduction="sum")
array([[1., 0.]])
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import as_real_array, check_reduction


def jacobian(grad_fn: Callable[..., np.ndarray], y_true, y_pred, *,
             reduction: str = "mean", **options) -> np.ndarray:
    r"""The full Jacobian of a loss with respect to ``y_pred``, flattened in row-major order.

    ``grad_fn`` is a gradient function such as :func:`mae_grad`; ``options`` are passed on to it.
    With N elements in y_pred:

    - ``"mean"``/``"sum"``: the loss is one number, so the Jacobian is a 1 x N row
      (the gradient, laid out as a row);
    - ``"none"``: the loss has N outputs and output i depends only on input i, so the Jacobian
      is an N x N diagonal matrix.

    >>> from lossedu import mse_grad
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
