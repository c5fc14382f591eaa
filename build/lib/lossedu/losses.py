"""The reference loss functions in NumPy, one per entry of :data:`lossedu.loss_table.LOSSES`:
``mae``, ``mse``, ``huber``, ``smooth_l1``, ``pseudo_huber``, ``log_cosh``, and any loss
registered later (see :func:`lossedu.loss_table.register_loss`).

Every loss takes ``(y_true, y_pred)`` of the same shape, its parameters (``delta``, ``beta``) and
a ``reduction``:

- ``"mean"``: the mean over *all* elements (a 5x3 array is averaged over 15 values);
- ``"sum"``: the sum over all elements;
- ``"none"``: the elementwise loss, with y_pred's shape.

Results have y_pred's floating dtype (integer inputs give float64). Reduced losses are NumPy
scalars, so ``mae(...).dtype`` tells you the precision it was computed in. Each function is
made by :func:`loss_function` from its table entry, with the :func:`signature` its
parameters give it; :func:`reduce_elementwise` applies the reduction.

>>> from lossedu import mae, mse
>>> loss = mae([1.5, 0.2], [1.2, 0.5])
>>> print(loss, loss.dtype)
0.30000000000000004 float64
>>> mse([1.0, 2.0], [3.0, 2.0], reduction="none")
array([4., 0.])

The smooth approximations of MAE (:func:`huber`, :func:`smooth_l1`, :func:`pseudo_huber`,
:func:`log_cosh`) are quadratic near a residual of 0 and linear far from it.
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Callable

import numpy as np

from .loss_table import LOSSES, ElementwiseLoss, loss_definition
from .validation import check_result_finite

# one function per loss of the table, made on first use by __getattr__ below
__all__ = [*LOSSES, "loss_function", "reduce_elementwise", "signature"]


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
            if reduction == "sum":
                total = elementwise.sum(dtype=accumulate)
            else:
                total = elementwise.mean(dtype=accumulate)
                if not np.isfinite(total) and np.isfinite(elementwise).all():
                    # the sum overflowed, the mean may not: divide by N first
                    total = (elementwise.astype(accumulate) / elementwise.size).sum()
            result = dtype.type(total)
    check_result_finite(result, "loss")
    return result


def signature(definition: ElementwiseLoss, *, subgradient: bool = False) -> inspect.Signature:
    """``(y_true, y_pred, *, <parameters>, reduction='mean'[, subgradient=0.0])``."""
    positional = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                  for name in ("y_true", "y_pred")]
    keywords = [(p.name, p.default) for p in definition.parameters] + [("reduction", "mean")]
    if subgradient:
        keywords.append(("subgradient", 0.0))
    return inspect.Signature(positional + [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
        for name, default in keywords])


def loss_function(loss) -> Callable:
    """The loss function of a table entry (or of its name): ``f(y_true, y_pred, *, reduction,
    **parameters)``, the reduced :attr:`~lossedu.loss_table.ElementwiseLoss.value` of the residual.

    >>> from lossedu import mse
    >>> loss_function("mse") is mse
    True
    """
    return _make_loss_function(loss if isinstance(loss, ElementwiseLoss) else loss_definition(loss))


@lru_cache(maxsize=None)  # one function per table entry, so lossedu.mae is lossedu.mae
def _make_loss_function(definition: ElementwiseLoss) -> Callable:

    def function(y_true, y_pred, *, reduction="mean", **parameters):
        call = definition.check_call(y_true, y_pred, reduction, parameters)
        with np.errstate(over="ignore"):  # reduce_elementwise reports an overflow
            elementwise = definition.value(call.residual, **call.parameters)
        return reduce_elementwise(elementwise, call.reduction, call.y_pred.dtype)

    function.__name__ = function.__qualname__ = definition.name
    function.__doc__ = definition.doc
    function.__signature__ = signature(definition)
    return function


def __getattr__(name: str) -> Callable:
    if name in LOSSES:
        return loss_function(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LOSSES))


# doctest finds the examples of the table's entries here
__test__ = {name: definition.doc for name, definition in LOSSES.items()}
