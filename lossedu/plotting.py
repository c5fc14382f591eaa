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
        for number, piece in enumerate(_pieces(residual, jumps)):
            grad_ax.plot(piece, grad(np.zeros_like(piece), piece, reduction="none"), color=color,
                         label=label if number == 0 else None)
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


def plot_curves(curves: Mapping[str, np.ndarray], x=None, *, references: Mapping[str, float] = (),
                xlabel: str = "step", ylabel: str = "value", title: str | None = None,
                log: bool = False):
    """Plot each curve against ``x`` (default: the step number 0, 1, 2, ...), with dotted
    horizontal lines at the ``references`` (e.g. an optimum); ``log`` for a log y-axis.
    Gradient-descent trajectories, losses per step, or a loss against a parameter."""
    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    for label, values in curves.items():
        values = np.asarray(values, dtype=float).ravel()
        grid = np.arange(values.size) if x is None else np.asarray(x, dtype=float)
        if grid.shape != values.shape:
            raise ValueError(f"curve {label!r} has {values.size} values for {grid.size} x values")
        ax.plot(grid, values, label=label, linewidth=1.4)
    for label, value in dict(references).items():
        ax.axhline(value, linestyle=":", color="0.3", linewidth=1)
        ax.annotate(label, (1.0, value), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize="small")
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or "")
    ax.legend(fontsize="small")
    return fig


def plot_fits(x, y, lines: Mapping[str, tuple[float, float]], *, title: str | None = None):
    """The data as points and each fitted line ``weight * x + bias`` in ``lines`` (label ->
    ``(weight, bias)``)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
    ax.plot(x, y, "o", color="0.4", markersize=4, label="data")
    grid = np.linspace(x.min(), x.max(), 2)
    for label, (weight, bias) in lines.items():
        ax.plot(grid, weight * grid + bias, linewidth=1.6,
                label=f"{label}: y = {weight:.2f} x {'+' if bias >= 0 else '-'} {abs(bias):.2f}")
    ax.set(xlabel="x", ylabel="y", title=title or "Fitted lines")
    ax.legend(fontsize="small")
    return fig


def plot_loss_landscapes(weights, biases, surfaces: Mapping[str, np.ndarray], *,
                         paths: Mapping[str, Mapping[str, np.ndarray]] = (), title: str | None = None):
    """Each loss surface over the (weight, bias) plane: a 3-D surface above, and below it the
    contours with the gradient-descent ``paths`` drawn on them (``paths[surface][label]`` is an
    array of (weight, bias) points, as :func:`lossedu.training.descend` returns).

    ``surfaces[name]`` has shape ``(len(biases), len(weights))``, as
    :func:`lossedu.training.loss_surface` returns.
    """
    weights, biases = np.asarray(weights, dtype=float), np.asarray(biases, dtype=float)
    paths = dict(paths)
    count = len(surfaces)
    fig = plt.figure(figsize=(4.6 * count, 8.2))
    W, B = np.meshgrid(weights, biases)
    for column, (name, Z) in enumerate(surfaces.items()):
        Z = np.asarray(Z, dtype=float)
        if Z.shape != W.shape:
            raise ValueError(f"surface {name!r} has shape {Z.shape}, expected {W.shape} "
                             f"(len(biases), len(weights))")
        ax3d = fig.add_subplot(2, count, column + 1, projection="3d")
        ax3d.plot_surface(W, B, Z, cmap="viridis", linewidth=0, antialiased=False,
                          rcount=30, ccount=30)
        ax3d.set(xlabel="weight", ylabel="bias", zlabel="loss", title=name)
        ax3d.view_init(elev=28, azim=-60)
        ax = fig.add_subplot(2, count, count + column + 1)
        # levels crowd towards the minimum, where the paths end and the shapes differ
        levels = Z.min() + (Z.max() - Z.min()) * np.linspace(0, 1, 16)[1:] ** 2
        contours = ax.contour(W, B, Z, levels=levels, cmap="viridis", linewidths=0.9)
        ax.clabel(contours, fontsize=6, fmt="%.2g")
        for label, path in paths.get(name, {}).items():
            path = np.asarray(path, dtype=float)
            ax.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1, label=label)
            ax.plot(*path[-1], "x", color="black")
        ax.set(xlabel="weight", ylabel="bias", title=f"{name}: contours")
        if paths.get(name):
            ax.legend(fontsize="small", loc="upper right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# Figures first drawn in chapter 1


# Figures first drawn in chapter 2


# Figures first drawn in chapter 3


# Figures first drawn in chapter 4


# Figures first drawn in chapter 5


# Figures first drawn in chapter 6
