"""Input checks shared by every public function: a clear error instead of a silent wrong answer.

NumPy happily broadcasts a (5,) array against a (5, 1) array into a 5x5 result, averages NaNs
into NaN, and treats booleans and complex numbers as numbers. A loss function that accepts any of
these returns a number that looks plausible and is wrong, so lossedu refuses them up front and
names the argument and the problem.

- Arrays: :func:`as_real_array` (a non-empty real array), :func:`check_same_shape`,
  :func:`check_finite` (which names :func:`first_bad_entry`), and :func:`prepare_pair`, which
  does all three for ``(y_true, y_pred)`` and computes the residual.
- Arguments: :func:`check_reduction` (one of :data:`REDUCTIONS`), :func:`check_real_number`,
  :func:`check_positive`, :func:`check_count`, :func:`check_choice`.
- Results: :func:`check_result_finite` raises :class:`Overflow` when arithmetic overflowed.

>>> as_real_array([1, 2, 3], "y_pred").dtype
dtype('float64')
>>> check_same_shape(np.zeros(5), np.zeros((5, 1)))
Traceback (most recent call last):
...
ValueError: y_true has shape (5,) but y_pred has shape (5, 1); lossedu does not broadcast, reshape one of them (e.g. y_true.reshape((5, 1)))
"""

from __future__ import annotations

import numbers

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


class Overflow(ValueError):
    """The arithmetic of a loss or gradient overflowed its dtype (the inputs were finite).

    A ValueError, so callers that catch ValueError keep working; training loops catch this one
    alone, to tell a diverging run from a wrong argument.
    """


def as_real_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a non-empty real floating ndarray, or raise naming ``name``.

    Lists, tuples, scalars and arrays are accepted. Integer data becomes float64; float16, float32
    and float64 data keep their dtype. Finiteness is not checked here (see :func:`check_finite`),
    because the gradient functions check the residual instead, which is one pass cheaper.

    >>> as_real_array(2, "x")
    array(2.)
    >>> as_real_array(np.float32([1.5]), "x").dtype
    dtype('float32')
    """
    if isinstance(values, np.ma.MaskedArray):
        raise TypeError(f"{name} is a masked array; lossedu would ignore the mask, so pass "
                        f"{name}.compressed() or {name}.filled(...) explicitly")
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} is not a rectangular array of numbers: {error}") from None
    kind = array.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} holds booleans; convert them explicitly with .astype(float) "
                        f"if you mean 0/1 values")
    if kind == "c":
        raise TypeError(f"{name} holds complex numbers ({array.dtype}); these losses are defined "
                        f"for real values only")
    if kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype} "
                        f"(from {type(values).__name__})")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); a loss needs at least one value")
    if kind != "f":
        if array.max() > 2**53 or array.min() < -(2**53):
            raise ValueError(f"{name} holds integers beyond 2**53, which float64 cannot represent "
                             f"exactly; convert them to float yourself if rounding is acceptable")
        array = array.astype(np.float64)
    return array


def check_same_shape(y_true: np.ndarray, y_pred: np.ndarray) -> None:
    """Raise ValueError unless both arrays have exactly the same shape (no broadcasting)."""
    if y_true.shape != y_pred.shape:
        hint = ""
        if y_true.size == y_pred.size:
            hint = f", reshape one of them (e.g. y_true.reshape({y_pred.shape}))"
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
                         f"lossedu does not broadcast{hint}")


def first_bad_entry(array: np.ndarray, bad: np.ndarray) -> str | None:
    """The first entry of ``array`` where ``bad`` is true, as its value and index for an error
    message (no index for a 0-d array), or ``None`` if there is none.

    >>> first_bad_entry(np.array([[1.0, 5.0]]), np.array([[False, True]]))  # doctest: +ELLIPSIS
    '...5.0... at index (0, 1)'
    """
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return f"{array[index]!r}" + (f" at index {index}" if array.ndim else "")


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise ValueError naming the first NaN or infinite entry of ``array``, if there is one."""
    found = first_bad_entry(array, ~np.isfinite(array))
    if found:
        raise ValueError(f"{name} contains {found}; losses and gradients need finite values")


def check_reduction(reduction) -> str:
    """Return ``reduction`` if it is one of ``"mean"``, ``"sum"``, ``"none"``; raise otherwise."""
    if not isinstance(reduction, str):
        raise TypeError(f"reduction must be a string, one of {REDUCTIONS}, "
                        f"got {reduction!r} ({type(reduction).__name__})")
    return check_choice(reduction, "reduction", REDUCTIONS)


def _is_real_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_real_number(value, name: str, *, low: float = -np.inf, high: float = np.inf) -> float:
    """Return ``value`` as a float if it is a real number in ``[low, high]``; raise ValueError."""
    if not _is_real_number(value):
        raise ValueError(f"{name} must be a real number in [{low:g}, {high:g}], "
                         f"got {value!r} ({type(value).__name__})")
    number = float(value)
    if not low <= number <= high:  # also rejects NaN
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}], got {value!r}")
    return number


def prepare_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a (y_true, y_pred) pair and return ``(y_true, y_pred, residual)``.

    The residual ``y_pred - y_true`` is computed in the promoted dtype of both inputs and checked
    for NaN and inf; if it is not finite, the message names the input at fault (or says that the
    subtraction overflowed).
    """
    y_true = as_real_array(y_true, "y_true")
    y_pred = as_real_array(y_pred, "y_pred")
    check_same_shape(y_true, y_pred)
    # out= keeps 0-d inputs as arrays, so callers may update the residual in place.
    residual = np.empty(y_pred.shape, dtype=np.result_type(y_true, y_pred))
    with np.errstate(over="ignore", invalid="ignore"):
        np.subtract(y_pred, y_true, out=residual)
    if not np.isfinite(residual).all():
        check_finite(y_true, "y_true")
        check_finite(y_pred, "y_pred")
        raise Overflow(f"y_pred - y_true overflows {residual.dtype} "
                         f"(largest magnitude {np.finfo(residual.dtype).max:g})")
    return y_true, y_pred, residual



def check_result_finite(result, what: str) -> None:
    """Raise :class:`Overflow` if a computed loss or gradient overflowed its dtype to infinity.

    Inputs are finite when this runs, so a non-finite result means the arithmetic overflowed,
    e.g. a squared residual of 300 in float16 (largest value 65504).
    """
    values = np.asarray(result)
    with np.errstate(over="ignore", invalid="ignore"):
        quick = np.isfinite(np.sum(values))  # one cheap pass; a sum can overflow where values don't
    if not quick and not np.isfinite(values).all():
        largest = np.finfo(values.dtype).max
        remedy = ("rescale the data" if values.dtype.itemsize >= 8
                  else "compute in a wider dtype, e.g. with y_pred.astype(np.float64)")
        raise Overflow(f"the {what} overflows {values.dtype} (largest finite value "
                         f"{largest:g}); {remedy}")


def check_positive(value, name: str) -> float:
    """Return ``value`` as a float if it is a positive, finite real number; raise ValueError.

    >>> check_positive(0.5, "delta")
    0.5
    """
    if not _is_real_number(value):
        raise ValueError(f"{name} must be a positive, finite real number, "
                         f"got {value!r} ({type(value).__name__})")
    number = float(value)
    if not (number > 0.0 and np.isfinite(number)):  # also rejects NaN
        raise ValueError(f"{name} must be positive and finite, got {value!r}")
    return number


def check_count(value, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer (not a bool) of at least ``minimum``;
    raise ValueError.

    >>> check_count(3, "steps")
    3
    """
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer))
            or value < minimum):
        wanted = "a positive integer" if minimum == 1 else f"an integer of at least {minimum}"
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return int(value)


def check_choice(value, name: str, choices) -> object:
    """Return ``value`` if it is one of ``choices``; raise ValueError listing them.

    >>> check_choice("jax", "framework", ("torch", "jax"))
    'jax'
    """
    if value not in tuple(choices):
        raise ValueError(f"unknown {name} {value!r}; use one of {tuple(choices)}")
    return value
