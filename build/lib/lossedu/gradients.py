r"""Analytic gradients of the reference losses with respect to ``y_pred``, one per entry of
:data:`lossedu.loss_table.LOSSES` (``mae_grad``, ``mse_grad``, ``huber_grad``,
``smooth_l1_grad``, ``pseudo_huber_grad``, ``log_cosh_grad``), and their Jacobians.

For a reduced loss (``"mean"`` or ``"sum"``) the gradient has y_pred's shape: entry ``i`` is
:math:`\partial L / \partial \hat y_i`. For ``reduction="none"`` the loss is a vector, its
Jacobian is diagonal, and the functions return that diagonal (the elementwise derivative);
:func:`jacobian` builds the full matrix when you want to see it. Each function is made by
:func:`gradient_function` from its table entry; :func:`scale_by_reduction` applies the 1/N.

Results have y_pred's floating dtype (integer inputs give float64).

>>> from lossedu import mae_grad, mse_grad
>>> mae_grad([1.0, 2.0, 3.0], [2.0, 2.0, 0.0])
array([ 0.33333333,  0.        , -0.33333333])
>>> mae_grad([1.0, 2.0, 3.0], [2.0, 2.0, 0.0], subgradient=1.0, reduction="sum")
array([ 1.,  1., -1.])
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np

from .loss_table import LOSSES, ElementwiseLoss, loss_definition
from .losses import signature
from .validation import as_real_array, check_reduction, check_result_finite

# one function per loss of the table, made on first use by __getattr__ below
__all__ = [*(f"{name}_grad" for name in LOSSES), "gradient_function", "jacobian",
           "scale_by_reduction"]


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


def gradient_function(loss) -> Callable:
    """The gradient function of a table entry (or of its name): ``f(y_true, y_pred, *,
    reduction, **parameters)``, the entry's
    :attr:`~lossedu.loss_table.ElementwiseLoss.derivative` of the residual, scaled for the
    reduction. A loss with a kink also takes ``subgradient``, the value used where
    ``y_pred == y_true`` (default 0).

    >>> from lossedu import mae_grad
    >>> gradient_function("mae") is mae_grad
    True
    """
    return _make_gradient_function(loss if isinstance(loss, ElementwiseLoss) else loss_definition(loss))


@lru_cache(maxsize=None)  # one function per table entry, so lossedu.mae_grad is lossedu.mae_grad
def _make_gradient_function(definition: ElementwiseLoss) -> Callable:
    has_kink = definition.has_kink

    def function(y_true, y_pred, *, reduction="mean", **parameters):
        if "subgradient" in parameters or has_kink:  # check_call says if the loss has no kink
            kink = {"subgradient": parameters.pop("subgradient", 0.0)}
        else:
            kink = {}
        call = definition.check_call(y_true, y_pred, reduction, parameters, **kink)
        with np.errstate(over="ignore"):  # an overflow is reported below, with the dtype named
            grad = np.asarray(definition.derivative(call.residual, **call.parameters),
                              dtype=call.residual.dtype)
            if has_kink and call.subgradient != 0.0:
                grad = np.where(call.residual == 0, call.subgradient, grad).astype(grad.dtype)
            grad = scale_by_reduction(grad, call.reduction, call.y_pred.dtype)
        check_result_finite(grad, "gradient")
        return grad

    function.__name__ = function.__qualname__ = f"{definition.name}_grad"
    function.__doc__ = definition.derivative_doc
    function.__signature__ = signature(definition, subgradient=has_kink)
    return function


def __getattr__(name: str) -> Callable:
    if name.endswith("_grad") and name[:-len("_grad")] in LOSSES:
        return gradient_function(name[:-len("_grad")])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {f"{name}_grad" for name in LOSSES})


# doctest finds the examples of the table's entries here
__test__ = {f"{name}_grad": definition.derivative_doc for name, definition in LOSSES.items()}


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
