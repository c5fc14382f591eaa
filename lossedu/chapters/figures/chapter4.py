"""The figures of chapter 4, MAE vs MSE in training
(``notebooks/04_mae_vs_mse_in_training.ipynb``), which imports this module as ``figures``:

- :func:`plot_loss_landscapes`: loss surfaces over (weight, bias) with descent paths;
- :func:`plot_descent_zoom`: descent paths and their last steps near the optimum;
- :func:`plot_convergence`: distance to the optimum against the step, log-log;
- :func:`plot_constant_derivatives`: the derivative of the mean MSE and MAE of a constant
  prediction;
- :func:`plot_loss_and_derivative` (elementwise losses and their derivatives against the
  residual), from :mod:`lossedu.chapters.figures.shared`;
- :func:`plot_curves` (curves on one axis), from :mod:`lossedu.chapters.figures.shared`;
- :func:`plot_fits` (data and fitted lines), from :mod:`lossedu.chapters.figures.shared`.

Each returns the matplotlib Figure it drew (see :mod:`lossedu.chapters.figures`).
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np

from .shared import LINE_STYLES, MAX_FIGURE_WIDTH_IN, MIN_FONT_PT, legible
# the shared figures this chapter draws, offered here with its own (notebooks import one module)
from .shared import plot_curves, plot_fits, plot_loss_and_derivative  # noqa: F401


@legible
def plot_loss_landscapes(weights, biases, surfaces: Mapping[str, np.ndarray], *,
                         paths: Mapping[str, Mapping[str, np.ndarray]] = (), title: str | None = None):
    """Each loss surface over the (weight, bias) plane: a 3-D surface above, and below it the
    contours with the gradient-descent ``paths`` drawn on them (``paths[surface][label]`` is an
    array of (weight, bias) points, as :func:`lossedu.chapters.training.descend` returns).

    ``surfaces[name]`` has shape ``(len(biases), len(weights))``, as
    :func:`lossedu.chapters.training.loss_surface` returns.
    """
    weights, biases = np.asarray(weights, dtype=float), np.asarray(biases, dtype=float)
    paths = dict(paths)
    count = len(surfaces)
    fig = plt.figure(figsize=(min(4.6 * count, MAX_FIGURE_WIDTH_IN), 8.2))
    W, B = np.meshgrid(weights, biases)
    to_label = []
    for column, (name, Z) in enumerate(surfaces.items()):
        Z = np.asarray(Z, dtype=float)
        if Z.shape != W.shape:
            raise ValueError(f"surface {name!r} has shape {Z.shape}, expected {W.shape} "
                             f"(len(biases), len(weights))")
        ax3d = fig.add_subplot(2, count, column + 1, projection="3d")
        ax3d.plot_surface(W, B, Z, cmap="viridis", linewidth=0, antialiased=False,
                          rcount=30, ccount=30)
        for axis in (ax3d.xaxis, ax3d.yaxis, ax3d.zaxis):  # few ticks: room for each label
            axis.set_major_locator(plt.MaxNLocator(4))
        ax3d.set(title=name)
        ax3d.set_xlabel("weight", labelpad=12)
        ax3d.set_ylabel("bias", labelpad=12)
        ax3d.set_zlabel("loss", labelpad=12)
        ax3d.set_box_aspect(None, zoom=0.85)  # room for the axis labels inside the panel
        ax3d.view_init(elev=28, azim=-60)
        ax = fig.add_subplot(2, count, count + column + 1)
        # levels crowd towards the minimum, where the paths end and the shapes differ; the
        # colour scale stops short of viridis' pale yellow, which vanishes on white
        levels = Z.min() + (Z.max() - Z.min()) * np.linspace(0, 1, 13)[1:] ** 2
        contours = ax.contour(W, B, Z, levels=levels, cmap="viridis", linewidths=0.9,
                              vmin=Z.min(), vmax=Z.min() + 1.4 * (Z.max() - Z.min()))
        drawn = []
        for number, (label, path) in enumerate(paths.get(name, {}).items()):
            path = np.asarray(path, dtype=float)  # colours from C1 on: C0 is close to viridis
            ax.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1, label=label,
                    color=f"C{number % 9 + 1}")
            ax.plot(*path[-1], "x", color="black")
            drawn.append(path)
        ax.set(xlabel="weight", ylabel="bias", title=f"{name}: contours")
        if paths.get(name):
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13),
                      ncol=2, frameon=False)  # below the axes: covers no contour label
        to_label.append((ax, contours, drawn))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    for ax, contours, drawn in to_label:  # once the axes have their final size
        _label_contours(ax, contours, contours.levels[::2], avoid=drawn)
    return fig


def _label_contours(ax, contours, levels, *, avoid=(), fmt: str = "%.2g"):
    """Label each contour of ``levels`` once, where its label has room: on a straight stretch
    of the contour, inside the axes, clear of the polylines in ``avoid`` (descent paths, in
    data coordinates), of the other contours and of the labels placed before it. A level
    with no such place (near the minimum the contours are short and close together, and
    the paths end there) stays unlabelled rather than labelled on top of something.

    The labels' extents are estimated from the font size, generously, in display pixels,
    as they are drawn; call this when the axes have their final size."""
    ax.get_xlim(), ax.get_ylim()  # the view limits, before anything is converted to pixels
    to_px = ax.transData.transform
    px = ax.figure.dpi / 72 * MIN_FONT_PT  # the font size in pixels
    gap = 0.25 * px  # the least room left around a label
    frame = ax.get_window_extent()
    obstacles = [_densely(to_px(np.asarray(line, dtype=float)), 0.2 * px) for line in avoid]
    obstacles = np.vstack(obstacles) if obstacles else np.empty((0, 2))
    lines = {i: [_densely(to_px(s), 0.2 * px) for s in segments if len(s) > 1]
             for i, segments in enumerate(contours.allsegs)}
    placed, where, labelled = [], [], []  # each label's (centre, half extents) in pixels
    for level in levels:
        index = int(np.argmin(np.abs(np.asarray(contours.levels) - level)))
        half_w = 0.5 * 0.68 * px * len(fmt % level)  # digits are 0.64 em wide in DejaVu Sans
        half_h = 0.5 * 1.3 * px
        others = [p for i, segments in lines.items() if i != index for p in segments]
        others = np.vstack(others) if others else np.empty((0, 2))
        best, best_room = None, 0.0
        for points in lines[index]:
            arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
            if arc[-1] < 5 * half_w:
                continue  # too short to carry a label and still be seen
            for k in range(0, len(points), 3):
                ahead = np.searchsorted(arc, arc[k] + half_w)
                behind = np.searchsorted(arc, arc[k] - half_w) - 1
                if behind < 0 or ahead >= len(points):
                    continue
                chord = points[ahead] - points[behind]
                if np.hypot(*chord) < 0.9 * (arc[ahead] - arc[behind]):
                    continue  # bent: the label would cut across its contour
                cos, sin = np.abs(chord) / np.hypot(*chord)
                extent = np.array([cos * half_w + sin * half_h, sin * half_w + cos * half_h])
                centre = points[k]
                room = min(centre[0] - extent[0] - frame.x0, frame.x1 - centre[0] - extent[0],
                           centre[1] - extent[1] - frame.y0, frame.y1 - centre[1] - extent[1])
                if obstacles.size:
                    room = min(room, np.min(np.max(np.abs(obstacles - centre) - extent, axis=1)))
                if others.size:
                    room = min(room, np.min(np.hypot(*(others - centre).T)) - half_h)
                for other, other_extent in placed:
                    room = min(room, np.max(np.abs(other - centre) - extent - other_extent))
                if room > max(best_room, gap):
                    best, best_room = (centre, extent), room
        if best is not None:
            placed.append(best)
            where.append(ax.transData.inverted().transform(best[0]))
            labelled.append(contours.levels[index])
    if labelled:
        # Every level is eligible, and each position (on its own level's line) picks its
        # level: matplotlib 3.10 (Colab's) indexes the eligible levels by the position of the
        # nearest level among all of them, and fails when only some are eligible.
        ax.clabel(contours, contours.levels, manual=where, inline=True, fontsize=MIN_FONT_PT,
                  fmt=fmt, colors="black")
    return labelled


def _densely(points: np.ndarray, step: float) -> np.ndarray:
    """The polyline through ``points`` with a point at least every ``step`` along it."""
    if len(points) < 2:
        return points
    pieces = [np.linspace(a, b, max(1, int(np.ceil(np.hypot(*(b - a)) / step))), endpoint=False)
              for a, b in zip(points[:-1], points[1:])]
    return np.vstack(pieces + [points[-1:]])


def _curves_on_one_grid(curves: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    curves = {label: np.asarray(values, dtype=float).ravel() for label, values in curves.items()}
    if not curves or len({values.size for values in curves.values()}) != 1:
        raise ValueError("give at least one curve, all with the same number of values")
    return curves


@legible
def plot_descent_zoom(paths: Mapping[str, np.ndarray], optima: Mapping[str, float], *, zoom: int,
                      ylabel: str = "c", title: str | None = None):
    """Left: each one-parameter gradient-descent path in ``paths`` over all its steps, with a
    dotted line at its optimum (``optima[label]``). Right: the last ``zoom`` steps of each, as
    its distance above (+) or below (-) that optimum, a marker on every iterate, so that an
    oscillation too small to see on the left shows."""
    paths = _curves_on_one_grid(paths)
    if set(optima) != set(paths):
        raise ValueError(f"give one optimum per path: {sorted(paths)}, got {sorted(optima)}")
    steps = next(iter(paths.values())).size
    if isinstance(zoom, bool) or not isinstance(zoom, (int, np.integer)) or not 1 < zoom < steps:
        raise ValueError(f"zoom must be a whole number of steps between 2 and {steps - 1}, got {zoom!r}")
    fig, (whole, near) = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained",
                                      width_ratios=(3, 2))
    tail = np.arange(steps - zoom, steps)
    for (label, path), (line, marker) in zip(paths.items(), LINE_STYLES):
        drawn, = whole.plot(path, linestyle=line, linewidth=1.5, label=label)
        whole.axhline(optima[label], linestyle=":", color=drawn.get_color(), linewidth=1)
        near.plot(tail, path[tail] - optima[label], linestyle=line, marker=marker, markersize=4,
                  linewidth=1, color=drawn.get_color(), label=label)
    whole.axvspan(tail[0], tail[-1], color="0.88", zorder=0, label=f"last {zoom} steps")
    near.axhline(0, color="0.5", linewidth=0.8, zorder=0)
    whole.set(xlabel="step", ylabel=ylabel, title="All steps (dotted: each optimum)")
    near.set(xlabel="step", ylabel=f"{ylabel} minus its optimum", title=f"The last {zoom} steps")
    whole.legend()
    if title:
        fig.suptitle(title)
    return fig


@legible
def plot_convergence(distances: Mapping[str, np.ndarray], *, window: int = 1,
                     floor: float = 1e-16, title: str | None = None):
    """Log-log plot of each run's distance to its optimum against the step (from step 1).

    With ``window`` > 1 each point is the largest distance over the last ``window`` steps, so
    that an iterate alternating around its optimum draws the width of its band rather than a
    saw-tooth; distances below ``floor`` (0 has no logarithm) are drawn at ``floor``."""
    distances = _curves_on_one_grid(distances)
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive whole number of steps, got {window!r}")
    if not (np.isfinite(floor) and floor > 0):
        raise ValueError(f"floor must be a positive number, got {floor!r}")
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for (label, distance), (line, _) in zip(distances.items(), LINE_STYLES):
        if np.any(distance < 0) or not np.all(np.isfinite(distance)):
            raise ValueError(f"distances must be finite and non-negative; {label!r} is not")
        worst = np.array([distance[max(0, t - window + 1):t + 1].max()
                          for t in range(distance.size)])
        ax.loglog(np.arange(1, distance.size), np.maximum(worst[1:], floor), linestyle=line,
                  linewidth=1.5, label=label)
    what = "distance" if window == 1 else f"largest distance over {window} steps"
    ax.set(xlabel="step (log scale)", ylabel=f"{what} (log scale)",
           title=title or "Distance to the optimum")
    ax.legend(loc="lower left")
    return fig


@legible
def plot_constant_derivatives(datasets: Mapping[str, np.ndarray], grid, *,
                              title: str | None = None):
    """The derivative of the mean MSE (left) and the mean MAE (right) of a constant prediction
    ``c`` with respect to ``c``, over ``grid``, for each set of targets in ``datasets``; the
    optimal constants are where a curve crosses 0."""
    from ..training import constant_gradient

    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError("grid must be a 1-D array of at least two values of c")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    for ax, loss in zip(axes, ("mse", "mae")):
        for (label, y), (line, _) in zip(datasets.items(), LINE_STYLES):
            gradient = constant_gradient(loss, y)
            ax.plot(grid, [gradient([c])[0] for c in grid], linestyle=line, linewidth=1.6,
                    label=label)
        ax.axhline(0, color="0.5", linewidth=0.8, zorder=0)
        ax.set(xlabel="constant prediction c", ylabel=f"d/dc of the mean {loss.upper()}",
               title=loss.upper())
        ax.legend(loc="best")  # where it covers least: the MAE staircases reach the upper left
    if title:
        fig.suptitle(title)
    return fig
