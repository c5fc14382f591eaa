"""What lossedu's losses and gradients must return, computed without lossedu.

The residual of two floats is exact as a :class:`fractions.Fraction`. MAE, MSE, Huber and smooth
L1 and their derivatives are rational in it and computed exactly; pseudo-Huber, log-cosh and
their derivatives are computed with mpmath at a precision that grows as the residual shrinks
(``sqrt(1 + x**2) - 1`` and ``log(cosh(x))`` cancel to about ``x**2 / 2``), from the textbook
formulas, not lossedu's rearrangements. Derivatives are worked out by hand (``test_the_reference
_derivatives_are_the_derivatives_of_the_reference_losses`` checks them with ``mpmath.diff``).

:func:`expect_loss` and :func:`expect_grad` turn these into what a call must do: return values
within a stated error bound, in y_pred's dtype, or raise ValueError with the exact message:

- the residual overflows the promoted dtype of y_true and y_pred: "y_pred - y_true overflows ...";
- the loss (or gradient) overflows y_pred's dtype: "the loss overflows ...".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import event

# The largest finite value of each dtype as lossedu's messages print it (format "g")
LARGEST = {np.dtype(np.float16): "65504", np.dtype(np.float32): "3.40282e+38",
           np.dtype(np.float64): "1.79769e+308"}
# Enough bits to hold the sum of any float64 values and Fractions of them
PRECISION = 2400


def residual_overflow_message(dtype) -> str:
    dtype = np.dtype(dtype)
    return f"y_pred - y_true overflows {dtype.name} (largest magnitude {LARGEST[dtype]})"


def result_overflow_message(what: str, dtype) -> str:
    dtype = np.dtype(dtype)
    remedy = ("rescale the data" if dtype == np.float64
              else "compute in a wider dtype, e.g. with y_pred.astype(np.float64)")
    return (f"the {what} overflows {dtype.name} (largest finite value {LARGEST[dtype]}); "
            f"{remedy}")


# ---------------------------------------------------------------------------------------------
# Exact numbers and the dtypes' limits

def exact(x) -> Fraction:
    """The exact value of a finite float of any width."""
    return Fraction(float(x))


def to_mpf(value, bits: int = PRECISION) -> mpmath.mpf:
    """``value`` (a Fraction, an int or an mpf) as an mpf, rounded to ``bits`` bits."""
    with mpmath.workprec(bits):
        if isinstance(value, Fraction):
            return mpmath.mpf(value.numerator) / value.denominator
        return +mpmath.mpf(value)


def overflow_threshold(dtype) -> Fraction:
    """The smallest magnitude that rounds to infinity in ``dtype`` (round to nearest even):
    the largest value plus half a unit in its last place."""
    info = np.finfo(dtype)
    return Fraction(2) ** info.maxexp - Fraction(2) ** (info.maxexp - info.nmant - 2)


def overflows(value, dtype) -> bool:
    return abs(to_mpf(value)) >= to_mpf(overflow_threshold(dtype))


def ulp(value, dtype) -> mpmath.mpf:
    """The spacing of ``dtype``'s numbers at ``value`` (the smallest subnormal below the
    normal range)."""
    info = np.finfo(dtype)
    value = to_mpf(value)
    exponent = int(mpmath.frexp(value)[1]) - 1 if value else info.minexp
    return mpmath.mpf(2) ** (max(exponent, info.minexp) - info.nmant)


# ---------------------------------------------------------------------------------------------
# The losses and their derivatives, one residual r at a time (p is delta or beta)

def _bits(r: Fraction, p: Fraction) -> int:
    """Working precision for a function of r / p that cancels to (r / p)**2 near 0."""
    if r == 0:
        return 64
    size = abs(r / p)
    return 128 + 2 * max(0, size.denominator.bit_length() - size.numerator.bit_length())


def _pseudo_huber(r, p):
    with mpmath.workprec(_bits(r, p)):
        x = to_mpf(r, _bits(r, p)) / to_mpf(p)
        return +(to_mpf(p) ** 2 * (mpmath.sqrt(1 + x * x) - 1))


def _log_cosh(r, p):
    with mpmath.workprec(_bits(r, Fraction(1))):
        return +mpmath.log(mpmath.cosh(to_mpf(r, _bits(r, Fraction(1)))))


def _pseudo_huber_grad(r, p):
    with mpmath.workprec(256):
        x = to_mpf(r, 256)
        return +(x / mpmath.sqrt(1 + (x / to_mpf(p)) ** 2))


def _log_cosh_grad(r, p):
    with mpmath.workprec(256):
        return +mpmath.tanh(to_mpf(r, 256))


def _sign(r: Fraction) -> int:
    return (r > 0) - (r < 0)


LOSSES = {
    "mae": lambda r, p: abs(r),
    "mse": lambda r, p: r * r,
    "huber": lambda r, p: r * r / 2 if abs(r) <= p else p * (abs(r) - p / 2),
    "smooth_l1": lambda r, p: r * r / (2 * p) if abs(r) < p else abs(r) - p / 2,
    "pseudo_huber": _pseudo_huber,
    "log_cosh": _log_cosh,
}
# the losses with a kink at r = 0, whose derivative there is the chosen subgradient
KINKS = {"mae"}
DERIVATIVES = {
    "mae": lambda r, p: _sign(r),  # at r == 0 the chosen subgradient (expect_grad)
    "mse": lambda r, p: 2 * r,
    "huber": lambda r, p: max(-p, min(p, r)),
    "smooth_l1": lambda r, p: r / p if abs(r) < p else _sign(r),
    "pseudo_huber": _pseudo_huber_grad,
    "log_cosh": _log_cosh_grad,
}
# Roundings a careful implementation makes per element (generous), for the error bounds
ROUNDINGS = {"mae": 2, "mse": 3, "huber": 4, "smooth_l1": 5, "pseudo_huber": 8, "log_cosh": 8}


# ---------------------------------------------------------------------------------------------
# What a call must do

@dataclass
class Expected:
    """A call must raise ValueError(``error``), or return ``values`` (mpf, in the result's
    shape) within ``bounds``; where ``either`` is set, both outcomes are acceptable."""

    dtype: np.dtype
    shape: tuple
    values: np.ndarray | None = None
    bounds: np.ndarray | None = None
    error: str | None = None
    either: bool = False


def _setting(y_true, y_pred, parameter):
    promoted = np.result_type(y_true, y_pred)
    residuals = [exact(p) - exact(t) for t, p in zip(np.ravel(y_true), np.ravel(y_pred))]
    p = exact(parameter)
    return promoted, np.dtype(y_pred.dtype), residuals, p


def _near_overflow(value, dtype, relative) -> bool:
    threshold = to_mpf(overflow_threshold(dtype))
    return abs(abs(to_mpf(value)) - threshold) <= relative * threshold


def _bound(value, promoted, result, roundings, amplification, count=1):
    """0.5 unit in the last place of the result's dtype, plus ``roundings`` relative errors of
    the computing dtype, plus as many of its smallest subnormals (times ``amplification``, for
    intermediate results that underflow) per element summed."""
    info = np.finfo(promoted)
    with mpmath.workprec(PRECISION):
        return (ulp(value, result) / 2 + roundings * mpmath.mpf(float(info.eps)) * abs(value)
                + roundings * amplification * count * mpmath.mpf(float(info.smallest_subnormal)))


def expect_loss(name, y_true, y_pred, reduction, parameter=1.0) -> Expected:
    promoted, result, residuals, p = _setting(y_true, y_pred, parameter)
    shape = np.shape(y_pred) if reduction == "none" else ()
    if any(overflows(r, promoted) for r in residuals):
        return Expected(result, shape, error=residual_overflow_message(promoted))
    elementwise = [to_mpf(LOSSES[name](r, p)) for r in residuals]
    n = len(elementwise)
    k = ROUNDINGS[name]
    amplification = float(max(p, 1 / p) ** 2)
    margin = (k + n) * float(np.finfo(promoted).eps) + float(np.finfo(result).eps)
    message = result_overflow_message("loss", result)
    if reduction == "none":
        if any(overflows(e, result) for e in elementwise):
            return Expected(result, shape, error=message,
                            either=all(not overflows(e, result) or _near_overflow(e, result, margin)
                                       for e in elementwise))
        bounds = [_bound(e, promoted, result, k, amplification) for e in elementwise]
        return Expected(result, shape, np.array(elementwise, dtype=object).reshape(shape),
                        np.array(bounds, dtype=object).reshape(shape),
                        error=message, either=any(_near_overflow(e, result, margin)
                                                  for e in elementwise))
    with mpmath.workprec(PRECISION):
        total = mpmath.fsum(elementwise)
        value = total / n if reduction == "mean" else total
    # A mean of elements that overflow the dtype they are computed in (MSE's r**2) may be
    # reported as an overflow although the mean itself fits; a mean of elements that fit may not.
    either = _near_overflow(value, result, margin) or (reduction == "mean" and any(
        overflows(e, promoted) for e in elementwise))
    if overflows(value, result):
        return Expected(result, shape, error=message, either=either)
    bound = _bound(value, promoted, result, k + n, amplification, n if reduction == "sum" else 1)
    return Expected(result, shape, np.array(value, dtype=object), np.array(bound, dtype=object),
                    error=message, either=either)


def expect_grad(name, y_true, y_pred, reduction, parameter=1.0, subgradient=0.0) -> Expected:
    promoted, result, residuals, p = _setting(y_true, y_pred, parameter)
    shape = np.shape(y_pred)
    if any(overflows(r, promoted) for r in residuals):
        return Expected(result, shape, error=residual_overflow_message(promoted))
    n = len(residuals)
    derivatives = [exact(subgradient) if name in KINKS and r == 0 else DERIVATIVES[name](r, p)
                   for r in residuals]
    scale = n if reduction == "mean" else 1
    with mpmath.workprec(PRECISION):
        scaled = [to_mpf(d) / scale for d in derivatives]
    k = ROUNDINGS[name] + 1
    amplification = float(max(p, 1 / p) ** 2)
    margin = k * float(np.finfo(promoted).eps) + float(np.finfo(result).eps)
    message = result_overflow_message("gradient", result)
    # MSE's 2 r may overflow the computing dtype where 2 r / N fits
    either = (any(_near_overflow(g, result, margin) for g in scaled)
              or any(overflows(d, promoted) for d in derivatives))
    if any(overflows(g, result) for g in scaled):
        return Expected(result, shape, error=message, either=either and all(
            not overflows(g, result) or _near_overflow(g, result, margin) for g in scaled))
    bounds = [_bound(g, promoted, result, k, amplification) for g in scaled]
    return Expected(result, shape, np.array(scaled, dtype=object).reshape(shape),
                    np.array(bounds, dtype=object).reshape(shape), error=message, either=either)


def assert_as_expected(call, expected: Expected):
    """Run ``call()`` and check it against ``expected``; return the result (None after an
    error)."""
    if expected.error is not None and expected.values is None and not expected.either:
        event(f"error: {expected.error.split(' (')[0]}")
        with pytest.raises(ValueError) as caught:
            call()
        assert str(caught.value) == expected.error
        return None
    try:
        got = call()
    except ValueError as error:
        if not expected.either:
            raise
        event("either: raised")
        assert str(error) == expected.error
        return None
    event("either: returned" if expected.either else "value")
    assert expected.values is not None, f"expected ValueError({expected.error!r}), got {got!r}"
    assert isinstance(got, (np.ndarray, np.floating)), type(got)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert np.shape(got) == expected.shape
    assert np.isfinite(got).all(), got
    with mpmath.workprec(PRECISION):
        for index in np.ndindex(expected.shape):
            error = abs(mpmath.mpf(float(np.asarray(got)[index])) - expected.values[index])
            assert error <= expected.bounds[index], (
                f"at {index}: got {float(np.asarray(got)[index])!r}, exact "
                f"{mpmath.nstr(expected.values[index], 20)}, error {mpmath.nstr(error, 5)} > "
                f"bound {mpmath.nstr(expected.bounds[index], 5)}")
    return got
