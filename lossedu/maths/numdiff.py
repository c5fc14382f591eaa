r"""Finite-difference derivatives and a gradient checker that knows about kinks.

Three difference quotients estimate :math:`\partial f / \partial x_i` with a small step h:

- central: :math:`(f(x + h e_i) - f(x - h e_i)) / 2h`, error :math:`O(h^2)` where f is smooth;
- forward: :math:`(f(x + h e_i) - f(x)) / h`, the slope just to the right;
- backward: :math:`(f(x) - f(x - h e_i)) / h`, the slope just to the left.

Where f is smooth all three agree. At a kink the one-sided slopes differ (for |x| at 0: +1 and
-1) and the central quotient returns their average (0), which is why a gradient check that only
uses central differences cannot see a kink. :func:`check_gradient` reports all three.

:func:`numerical_grad` computes the finite-difference gradient with one of the three, with the
step from :func:`default_step` (eps^(1/3) or eps^(1/2), scaled by ``max(1, |x|)``) unless one
is given. :func:`check_gradient` compares an analytic gradient with the finite differences and
returns a :class:`GradientCheck`, its findings element by element (kinks included).

>>> numerical_grad(np.abs, 0.0)
array(0.)
>>> numerical_grad(np.abs, 0.0, method="forward"), numerical_grad(np.abs, 0.0, method="backward")
(array(1.), array(-1.))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .validation import as_real_array, check_choice, check_finite, check_real_number

METHODS = ("central", "forward", "backward")


def default_step(x: np.ndarray, method: str) -> np.ndarray:
    """The step for each element of ``x``: eps^(1/3) (central) or eps^(1/2) (one-sided) in float64,
    scaled by ``max(1, |x|)``. These balance truncation error against rounding error."""
    eps = np.finfo(np.float64).eps
    base = eps ** (1 / 3) if method == "central" else eps ** 0.5
    return base * np.maximum(1.0, np.abs(x))


def _evaluate(f: Callable, x: np.ndarray) -> float:
    value = np.asarray(f(x.copy()))
    if value.size != 1:
        raise ValueError(f"f must return a single number (a scalar loss), "
                         f"got an array of shape {value.shape}")
    if value.dtype.kind not in "iuf":
        raise TypeError(f"f must return a real number, got dtype {value.dtype}")
    return float(value.reshape(()))


def numerical_grad(f: Callable, x, *, method: str = "central", step: float | None = None) -> np.ndarray:
    """Finite-difference gradient of the scalar function ``f`` at ``x``, with x's shape.

    ``x`` is converted to float64, and ``f`` is evaluated on float64 arrays of x's shape: a
    difference quotient with h near 1e-5 needs float64's precision. ``method`` is ``"central"``
    (default), ``"forward"`` or ``"backward"``; ``step`` overrides the default step h. The step
    actually used is the representable distance between the two points, so no rounding of x + h
    leaks into the quotient.

    >>> numerical_grad(lambda v: np.sum(v ** 2), [1.0, -2.0]).round(6)
    array([ 2., -4.])
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array, got {f!r} ({type(f).__name__})")
    check_choice(method, "method", METHODS)
    x = as_real_array(x, "x").astype(np.float64)
    check_finite(x, "x")
    if step is None:
        steps = default_step(x, method)
    else:
        step = check_real_number(step, "step", low=0.0, high=np.inf)
        if step == 0.0 or not np.isfinite(step):
            raise ValueError(f"step must be positive and finite, got {step!r}")
        steps = np.full(x.shape, step)

    return _difference_quotients(f, x, steps, method)


def _difference_quotients(f: Callable, x: np.ndarray, steps: np.ndarray, method: str) -> np.ndarray:
    """The finite-difference quotient of ``f`` along each coordinate of the float64 ``x``.

    ``f``'s values are used as they are: if it returns NaN or infinity near x (sqrt just below
    0, say), the quotient is NaN or infinite too, which is the honest answer.
    """
    x = x.copy()
    grad = np.empty(x.shape)
    flat_x = x.reshape(-1)
    f_here = _evaluate(f, x) if method != "central" else None
    for i, (x_i, h) in enumerate(zip(flat_x.copy(), steps.reshape(-1))):
        right = x_i + h if method != "backward" else x_i
        left = x_i - h if method != "forward" else x_i
        if right == left:
            raise ValueError(f"step {h:g} is below the spacing of float64 numbers at "
                             f"x = {x_i:g}: x + step == x; use a larger step")
        flat_x[i] = right
        f_right = _evaluate(f, x) if method != "backward" else f_here
        flat_x[i] = left
        f_left = _evaluate(f, x) if method != "forward" else f_here
        flat_x[i] = x_i
        grad.reshape(-1)[i] = (f_right - f_left) / (right - left)
    return grad


@dataclass(frozen=True)
class GradientCheck:
    """What :func:`check_gradient` found, element by element (all arrays have x's shape)."""

    x: np.ndarray
    analytic: np.ndarray
    central: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    kink: np.ndarray
    ok: np.ndarray

    @property
    def passed(self) -> bool:
        """True if every element's analytic derivative is acceptable."""
        return bool(self.ok.all())

    def __str__(self) -> str:
        header = ("index", "x", "analytic", "central", "forward", "backward", "kink", "ok")
        rows = [header]
        for index in np.ndindex(self.x.shape):
            numbers = (self.x, self.analytic, self.central, self.forward, self.backward)
            rows.append((str(index[0] if len(index) == 1 else index),
                         *(f"{a[index]:+.6g}" for a in numbers),
                         "yes" if self.kink[index] else "no",
                         "ok" if self.ok[index] else "FAIL"))
        widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
        lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
        verdict = "passed" if self.passed else f"FAILED at {int((~self.ok).sum())} element(s)"
        return "\n".join(lines + [f"gradient check {verdict}"])

    __repr__ = __str__


def check_gradient(f: Callable, grad: Callable, x, *, rtol: float = 1e-5, atol: float = 1e-7,
                   kink_tol: float = 1e-3) -> GradientCheck:
    """Compare an analytic gradient ``grad(x)`` with finite differences of ``f`` at ``x``.

    An element is a *kink* when its forward and backward slopes differ by more than
    ``kink_tol * max(1, |forward|, |backward|)``, and still differ about as much with a step four
    times smaller: at a kink the gap between the one-sided slopes stays, where ``f`` is smooth
    but strongly curved it shrinks with the step. Away from kinks the analytic value must match
    the central difference (``np.isclose`` with ``rtol``/``atol``). At a kink no derivative
    exists, and the analytic value passes if it lies between the two one-sided slopes (within
    ``atol``).

    Limits: within one step (about 1e-5 in float64) of a kink the one-sided slopes mix both
    sides, so the check cannot tell right from wrong there; and in several dimensions "between
    the one-sided slopes, coordinate by coordinate" is necessary for a subgradient, not
    sufficient.

    >>> report = check_gradient(lambda v: np.abs(v).sum(), np.sign, [-1.0, 0.0, 2.0])
    >>> report.passed, report.kink.tolist()
    (True, [False, True, False])
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array, got {f!r} ({type(f).__name__})")
    if not callable(grad):
        raise TypeError(f"grad must be a function of one array, got {grad!r} ({type(grad).__name__})")
    rtol, atol, kink_tol = (check_real_number(value, name, low=0.0, high=np.inf)
                            for value, name in ((rtol, "rtol"), (atol, "atol"), (kink_tol, "kink_tol")))
    x = as_real_array(x, "x").astype(np.float64)
    check_finite(x, "x")
    slopes = {method: _difference_quotients(f, x, default_step(x, method), method)
              for method in METHODS}
    finer = {method: _difference_quotients(f, x, default_step(x, method) / 4, method)
             for method in ("forward", "backward")}
    analytic = as_real_array(grad(x.copy()), "grad(x)").astype(np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"grad(x) has shape {analytic.shape} but x has shape {x.shape}")
    forward, backward = slopes["forward"], slopes["backward"]
    gap = np.abs(forward - backward)
    finer_gap = np.abs(finer["forward"] - finer["backward"])
    scale = np.maximum(1.0, np.maximum(np.abs(forward), np.abs(backward)))
    kink = (gap > kink_tol * scale) & (finer_gap > 0.5 * gap)
    between = ((analytic >= np.minimum(forward, backward) - atol)
               & (analytic <= np.maximum(forward, backward) + atol))
    smooth_ok = np.isclose(analytic, slopes["central"], rtol=rtol, atol=atol)
    ok = np.where(kink, between, smooth_ok)
    return GradientCheck(x, analytic, slopes["central"], forward, backward, kink, ok)
