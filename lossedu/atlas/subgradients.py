r"""The sets of valid gradients an atlas entry's answers are judged against.

At a kink of a convex function the valid answers are its subgradients; at a point of a function
that is neither convex nor concave, Clarke's generalised gradients: the convex hull of the
limits of gradients taken at nearby points where the function is differentiable. For a convex
function the two sets are the same, so the atlas uses Clarke's throughout. Where the function is
differentiable the set is the derivative alone (:func:`only`).

Each set is a :class:`GradientSet`: a membership test on the gradient (flattened over the
entry's inputs, up to :data:`TOLERANCE`) and the set written out for the page (``text``). They
are made by :func:`interval` (a kink in one variable), :func:`only` (a derivative),
:func:`simplex` (a tie of a max), :func:`ball` (a norm at the origin), :func:`segment` (two
branches) and :func:`identity_plus_density` (a repeated eigenvalue or singular value).

>>> interval(-1, 1).contains([0.25]), interval(-1, 1).text
(True, '[-1, 1]')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# float32 rounding and finite-difference error, not a different answer
TOLERANCE = 1e-5


@dataclass(frozen=True)
class GradientSet:
    """A set of gradients: ``test(g, tolerance)`` says whether the flat float64 gradient ``g``
    is in it."""

    text: str
    test: Callable[[np.ndarray, float], bool]

    def contains(self, grad, tolerance: float = TOLERANCE) -> bool:
        """Whether ``grad`` (any array-like, flattened) is in the set, up to ``tolerance``;
        NaN never is."""
        g = np.asarray(grad, dtype=np.float64).ravel()
        return bool(np.all(np.isfinite(g)) and self.test(g, tolerance))


def _number(v: float) -> str:
    fractions = {1 / 6: "1/6", -0.5: "-1/2", 0.5: "1/2", 1.5: "3/2", 1 / np.sqrt(3): "1/√3"}
    return next((t for value, t in fractions.items() if abs(v - value) < 1e-12), f"{v:g}")


def interval(low: float, high: float) -> GradientSet:
    """Every coordinate in ``[low, high]``: a kink of a function of one variable (each
    coordinate of a separable function)."""
    return GradientSet(f"[{_number(low)}, {_number(high)}]",
                       lambda g, tol: bool(np.all((g >= low - tol) & (g <= high + tol))))


def only(*derivative: float) -> GradientSet:
    """The derivative alone, where the function is differentiable."""
    target = np.asarray(derivative, dtype=np.float64)
    text = _number(derivative[0]) if len(derivative) == 1 else \
        "(" + ", ".join(_number(d) for d in derivative) + ")"
    return GradientSet(f"{{{text}}}", lambda g, tol: g.shape == target.shape
                       and bool(np.allclose(g, target, rtol=0, atol=tol)))


def simplex(size: int, support: tuple | None = None) -> GradientSet:
    """Non-negative weights summing to 1 on ``support`` (default: every coordinate), 0 off
    it: max, or an order statistic, over tied entries."""
    support = tuple(range(size)) if support is None else tuple(support)
    off = [i for i in range(size) if i not in support]
    where = "" if not off else " on " + ", ".join(f"g{i + 1}" for i in support) + ", 0 elsewhere"
    return GradientSet(
        f"{{g ≥ 0, Σg = 1{where}}}",
        lambda g, tol: g.size == size and bool(np.all(g[list(support)] >= -tol))
        and abs(g[list(support)].sum() - 1) < tol
        and bool(np.all(np.abs(g[off]) < tol)))


def ball(radius: float = 1.0, *, mean_free: bool = False) -> GradientSet:
    """Euclidean length at most ``radius`` (a norm at the origin); ``mean_free`` also asks
    that the coordinates sum to 0 (the standard deviation of a constant vector)."""
    text = f"{{‖g‖ ≤ {_number(radius)}" + (", Σg = 0}" if mean_free else "}")
    return GradientSet(text, lambda g, tol: bool(np.linalg.norm(g) <= radius + tol)
                       and (not mean_free or abs(g.sum()) < tol))


def segment(a, b) -> GradientSet:
    """The points between ``a`` and ``b``: two branches that meet at the point."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)

    def test(g, tol):
        if g.shape != a.shape:
            return False
        t = float(np.dot(g - a, b - a) / np.dot(b - a, b - a))
        return -tol <= t <= 1 + tol and bool(np.allclose(g, a + t * (b - a), rtol=0, atol=tol))

    def vector(v):
        return "(" + ", ".join(_number(x) for x in v) + ")"

    return GradientSet(f"segment {vector(a)} to {vector(b)}", test)


def identity_plus_density(size: int) -> GradientSet:
    """``I + M`` with ``M`` symmetric, positive semidefinite, of trace 1 (flattened ``size`` x
    ``size``): the subgradients of the largest eigenvalue (or singular value) at a repeated one,
    plus the identity."""

    def test(g, tol):
        if g.size != size * size:
            return False
        m = g.reshape(size, size) - np.eye(size)
        return bool(np.allclose(m, m.T, atol=tol) and np.linalg.eigvalsh((m + m.T) / 2).min()
                    >= -tol and abs(np.trace(m) - 1) < tol)

    return GradientSet("{I + M : M symmetric, M ⪰ 0, trace M = 1}", test)
