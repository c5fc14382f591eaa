"""Figures the chapters share. Importing this module imports matplotlib (lossedu itself does not).

Every function returns the matplotlib Figure it drew, with labelled axes and a title, so a
notebook cell can show it as it is or adjust it.

>>> import lossedu
>>> fig = plot_loss_and_derivative({"MAE": (lossedu.mae, lossedu.mae_grad)})
>>> [ax.get_xlabel() for ax in fig.axes]
['residual $r = \\\\hat y - y$', 'residual $r = \\\\hat y - y$']
"""

from __future__ import annotations

from typing import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

RESIDUAL_LABEL = r"residual $r = \hat y - y$"


def _pieces(x: np.ndarray, kinks) -> list[np.ndarray]:
    """Split a sorted grid into the runs strictly between kinks, so that a jump in a derivative
    is not drawn as a steep line through the kink."""
    kinks = np.sort(np.asarray(kinks, dtype=float))
    x = x[~np.isin(x, kinks)]
    return [piece for piece in np.split(x, np.searchsorted(x, kinks)) if piece.size]


def plot_loss_and_derivative(curves: Mapping[str, tuple[Callable, Callable]], residual=None, *,
                             kinks=(0.0,), title: str | None = None):
    """Plot each elementwise loss (left) and its derivative (right) against the residual.

    ``curves`` maps a label to ``(loss, grad)``, functions called as
    ``loss(y_true, y_pred, reduction="none")`` with ``y_true = 0`` so that ``y_pred`` is the
    residual. Where a derivative jumps at one of the ``kinks`` it is drawn in pieces, open circles
    mark its one-sided limits and a dot the value the gradient function returns at the kink.
    """
    residual = np.linspace(-3, 3, 601) if residual is None else np.sort(np.asarray(residual, float))
    kinks = np.atleast_1d(np.asarray(kinks, dtype=float))
    if residual.ndim != 1 or residual.size < 2 or kinks.ndim != 1:
        raise ValueError("residual must be a 1-D grid of at least two values, kinks a list of numbers")
    fig, (loss_ax, grad_ax) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    for (label, (loss, grad)), color in zip(curves.items(), plt.rcParams["axes.prop_cycle"].by_key()["color"]):
        loss_ax.plot(residual, loss(np.zeros_like(residual), residual, reduction="none"),
                     color=color, label=label)
        jumps = []
        for kink in kinks:
            offset = 1e-9 * max(1.0, abs(kink))  # just beside the kink, whatever its size
            left, at, right = grad(np.zeros(3), kink + np.array([-offset, 0.0, offset]),
                                   reduction="none")
            if abs(right - left) > 1e-6:
                jumps.append(kink)
                # open circles at the one-sided limits, a dot at the value actually returned
                grad_ax.plot([kink, kink], [left, right], "o", color=color, markersize=5,
                             markerfacecolor="white")
                grad_ax.plot([kink], [at], "o", color=color, markersize=5,
                             label=f"{label} returns {at:g} at r = {kink:g}")
        for piece in _pieces(residual, jumps):
            grad_ax.plot(piece, grad(np.zeros_like(piece), piece, reduction="none"), color=color)
    loss_ax.set(xlabel=RESIDUAL_LABEL, ylabel="elementwise loss", title="Loss")
    grad_ax.set(xlabel=RESIDUAL_LABEL, ylabel=r"derivative $\partial \ell / \partial \hat y$",
                title="Derivative")
    for ax in (loss_ax, grad_ax):
        ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def plot_secants(f: Callable, x0: float, step: float, *, title: str | None = None):
    """Draw ``f`` near ``x0`` with the backward, forward and central secants of width ``step``:
    the three lines whose slopes finite differences report."""
    if not (isinstance(step, (int, float, np.floating, np.integer)) and np.isfinite(step)
            and step > 0):
        raise ValueError(f"step must be a positive number, got {step!r}")
    x = np.linspace(x0 - 2 * step, x0 + 2 * step, 401)
    fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
    ax.plot(x, [f(v) for v in x], color="black", linewidth=2, label="f")
    left, here, right = (f(x0 - step), f(x0), f(x0 + step))
    secants = {
        "backward": (x0 - step, left, x0, here),
        "forward": (x0, here, x0 + step, right),
        "central": (x0 - step, left, x0 + step, right),
    }
    for (name, (xa, fa, xb, fb)), style in zip(secants.items(), ["--", "--", ":"]):
        slope = (fb - fa) / (xb - xa)
        ax.plot(x, fa + slope * (x - xa), style, label=f"{name} secant, slope {slope:+.3g}")
    ax.plot([x0 - step, x0, x0 + step], [left, here, right], "ko", markersize=4)
    ax.set(xlabel="x", ylabel="f(x)", title=title or f"Secants of width h = {step:g} at x = {x0:g}",
           ylim=(min(left, here, right) - step, max(left, here, right) + 1.5 * step))
    ax.legend(fontsize="small", loc="upper center")
    return fig


def plot_step_size_error(f: Callable, derivative: Callable, x0: float, *, steps=None,
                         methods=("forward", "central"), title: str | None = None):
    """Log-log plot of the finite-difference error at ``x0`` against the step h, for each method.

    Too large a step leaves truncation error, too small a step amplifies rounding error; the
    curves show where the two balance. ``derivative`` is the exact derivative of ``f``.
    """
    from .numdiff import numerical_grad

    steps = np.logspace(-14, -1, 40) if steps is None else np.asarray(steps, dtype=float)
    exact = derivative(x0)
    fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
    for method in methods:
        errors = [abs(float(numerical_grad(f, x0, method=method, step=h)) - exact) for h in steps]
        # an error of exactly 0 has no logarithm; draw it at the bottom of the plot instead
        ax.loglog(steps, np.maximum(errors, 1e-17), "o-", markersize=3, label=method)
    ax.set(xlabel="step h", ylabel="absolute error of the derivative",
           title=title or f"Finite-difference error at x = {x0:g} (float64)")
    ax.legend()
    return fig


def plot_subgradients(f: Callable, x0: float, slopes, *, span: float = 1.5, title: str | None = None):
    """Draw ``f`` near ``x0`` with a line of each slope in ``slopes`` through ``(x0, f(x0))``.

    For a convex ``f``, a slope is a subgradient at ``x0`` exactly when its line stays below the
    graph everywhere; the lines make the set of subgradients visible.
    """
    x = np.linspace(x0 - span, x0 + span, 401)
    fx0 = f(x0)
    fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
    ax.plot(x, [f(v) for v in x], color="black", linewidth=2.5, label="f", zorder=3)
    for slope in slopes:
        ax.plot(x, fx0 + slope * (x - x0), "--", linewidth=1.2, label=f"slope {slope:+g}")
    ax.plot([x0], [fx0], "ko", zorder=4)
    values = [f(v) for v in x]
    ax.set(xlabel="x", ylabel="f(x)", ylim=(min(values) - 0.6 * span, max(values) + 0.1 * span),
           title=title or f"Lines through the kink at x = {x0:g}")
    ax.legend(fontsize="small", loc="upper center", ncol=2)
    return fig
