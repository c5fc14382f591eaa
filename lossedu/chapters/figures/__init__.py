"""Figures the chapters share. Importing this module imports matplotlib (lossedu itself does not).

Every function returns the matplotlib Figure it drew, with labelled axes and a title, so a
notebook cell can show it as it is or adjust it. In the book, read in a window 1280 px wide,
their text is at least 11 px in size, inline or behind a slider (PAGE_COLUMN_PX below says
how that was measured), and no two texts overlap.

The figures:

- losses and their derivatives: :func:`plot_loss_and_derivative` (elementwise losses and their
  derivatives against the residual), :func:`plot_constant_derivatives` (the derivative of the
  mean MSE and MAE of a constant prediction), :func:`plot_forward_backward` (values and the
  gradients autodiff returns), :func:`plot_jacobians` (matrices as coloured grids) and
  :func:`plot_broadcast_trap` (the ``(N,)`` against ``(N, 1)`` broadcasting trap);
- finite differences and kinks: :func:`plot_secants` (backward, forward and central secants),
  :func:`plot_step_size_error` (the error against the step h), :func:`plot_subgradients` (lines
  of given slopes through a point), :func:`plot_difference_quotients_near_kink` (the quotients
  around a kink) and :func:`plot_atlas_entries` (the atlas's operations and the slopes each
  framework returned);
- training: :func:`plot_curves` and :func:`plot_curve_panels` (curves, on one axis or in side by
  side panels), :func:`plot_fits` (data and fitted lines), :func:`plot_loss_landscapes` (loss
  surfaces over (weight, bias) with descent paths), :func:`plot_training_runs` and
  :func:`plot_training_at_a_tie` (weight and loss per step of training runs),
  :func:`plot_descent_zoom` (descent paths and their last steps near the optimum) and
  :func:`plot_convergence` (distance to the optimum against the step, log-log);
- estimators: :func:`plot_estimate_spread` (histograms of many estimates against the exact
  value).

>>> import lossedu
>>> fig = plot_loss_and_derivative({"MAE": (lossedu.mae, lossedu.mae_grad)})
>>> [ax.get_xlabel() for ax in fig.axes]
['residual $r = \\\\hat y - y$', 'residual $r = \\\\hat y - y$']
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

# How large a figure's text is on the page. Measured in the built book (Jupyter Book 1,
# sphinx-book-theme 1.3) in headless Chromium with a window 1280 px wide: a cell's output is
# 688 CSS px wide; a picture wider than that is scaled down to fit, a narrower one shows at its
# natural size. Figures reach the page as PNGs at 100 dpi (matplotlib's figure.dpi, which the
# notebooks keep; the inline backend saves with bbox_inches="tight") or, behind a slider, at
# 72 dpi (lossedu.sliders, the whole figure). Text of s points thus shows at
#     s * dpi / 72 * min(1, 688 / the picture's width in px)   CSS px,
# which for a figure at most 688 / 72 = 9.55 in wide is at least s px either way (inline:
# 100/72 * 688/955 = 1.0 px per point at that width, more when narrower). So every text here is
# at least MIN_FONT_PT points and every figure at most MAX_FIGURE_WIDTH_IN wide (room for the
# "tight" padding), and no text shows smaller than MIN_TEXT_PX; tests/test_plotting.py checks
# every figure against these numbers.
PAGE_COLUMN_PX = 688
MIN_TEXT_PX = 11
MIN_FONT_PT = 11
MAX_FIGURE_WIDTH_IN = 9.4
_TEXT_SIZES = {"font.size": MIN_FONT_PT, "axes.labelsize": MIN_FONT_PT,
               "xtick.labelsize": MIN_FONT_PT, "ytick.labelsize": MIN_FONT_PT,
               "legend.fontsize": MIN_FONT_PT, "legend.title_fontsize": MIN_FONT_PT,
               "axes.titlesize": MIN_FONT_PT + 1, "figure.titlesize": MIN_FONT_PT + 2}


def _legible(draw: Callable) -> Callable:
    """``draw`` with every text at least :data:`MIN_FONT_PT` points: the default sizes raised
    while it draws, and the tick labels of every axes (matplotlib makes some only when it
    draws the figure, after ``draw`` returned) set to that size."""

    @functools.wraps(draw)
    def legible(*args, **kwargs):
        with plt.rc_context(_TEXT_SIZES):
            fig = draw(*args, **kwargs)
            # The first figure of a Jupyter session sets up the inline backend, which switches
            # interactive mode on; leaving rc_context would switch it off again, and later
            # figures would not be shown.
            interactive = plt.isinteractive()
        plt.interactive(interactive)
        for ax in fig.axes:
            ax.tick_params(labelsize=MIN_FONT_PT)
        _fit_titles(fig)
        return fig

    return legible


def _fit_titles(fig) -> None:
    """Break the figure's title (a caller's, often long) into lines that fit the figure: its
    suptitle, or the title of its only axes, which is centred on the axes and so sits right
    of the figure's centre by about half the y label and tick labels. Panel titles are short
    and left as they are."""
    width = fig.get_figwidth() * 72  # points
    titles = [(getattr(fig, "_suptitle", None), width - 14)]  # Figure.get_suptitle: 3.8 on
    if len(fig.axes) == 1:
        titles.append((fig.axes[0].title, width - 60))
    for text, room in titles:
        if text is not None and text.get_text():
            text.set_text(_broken(text.get_text(), text.get_fontproperties(), room))


def _broken(text: str, font, room: float) -> str:
    """``text`` with its lines broken at spaces (not inside ``$...$``) so that none is wider
    than ``room`` points in ``font``, into lines of about equal width."""
    from matplotlib.textpath import TextPath

    def width(words):
        return TextPath((0, 0), words, prop=font).get_extents().width

    space = width("x x") - width("xx")

    def greedy(sizes, room):  # the number of words on each line
        counts, used = [1], sizes[0]
        for size in sizes[1:]:
            if used + space + size <= room:
                counts[-1], used = counts[-1] + 1, used + space + size
            else:
                counts, used = counts + [1], size
        return counts

    broken = []
    for line in text.split("\n"):
        words = re.findall(r"(?:\$[^$]*\$|[^ ])+", line)
        if not words or width(line) <= room:
            broken.append(line)
            continue
        sizes = [width(word) for word in words]
        count = len(greedy(sizes, room))  # as few lines as fit, then as even as they go
        total = sum(sizes) + space * (len(words) - 1)
        counts = next(counts for share in np.linspace(total / count, room, 20)
                      if len(counts := greedy(sizes, share)) <= count)
        for number in counts:
            broken.append(" ".join(words[:number]))
            words = words[number:]
    return "\n".join(broken)


RESIDUAL_LABEL = r"residual $r = \hat y - y$"
# (line style, marker) pairs, so that curves differ by more than their colour
LINE_STYLES = [("-", "o"), ("--", "s"), ("-.", "^"), (":", "D"), ((0, (5, 1, 1, 1)), "v")]


def _pieces(x: np.ndarray, kinks) -> list[np.ndarray]:
    """Split a sorted grid into the runs strictly between kinks, so that a jump in a derivative
    is not drawn as a steep line through the kink."""
    kinks = np.sort(np.asarray(kinks, dtype=float))
    x = x[~np.isin(x, kinks)]
    return [piece for piece in np.split(x, np.searchsorted(x, kinks)) if piece.size]


@_legible
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
    fig, (loss_ax, grad_ax) = plt.subplots(1, 2, figsize=(9, 4.4), layout="constrained")
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
    # one legend for both panels (a loss and its derivative share a colour), below them: a
    # legend inside would cover curves
    handles, labels = grad_ax.get_legend_handles_labels()
    columns = min(3, len(labels))
    fig.legend(handles, labels, loc="outside lower center", ncol=columns, frameon=False)
    fig.set_figheight(3.6 + 0.3 * -(-len(labels) // columns))  # the panels keep their height
    if title:
        fig.suptitle(title)
    return fig


@_legible
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
    ax.legend(loc="upper center")
    return fig


@_legible
def plot_step_size_error(f: Callable, derivative: Callable, x0: float, *, steps=None,
                         methods=("forward", "central"), mark_defaults: bool = False,
                         title: str | None = None):
    """Log-log plot of the finite-difference error at ``x0`` against the step h, for each method.

    Too large a step leaves truncation error, too small a step amplifies rounding error; the
    curves show where the two balance. ``derivative`` is the exact derivative of ``f``.
    ``mark_defaults`` draws a vertical line at each method's default step
    (:func:`lossedu.numdiff.default_step`).
    """
    from ...maths.numdiff import default_step, numerical_grad

    steps = np.logspace(-14, -1, 40) if steps is None else np.asarray(steps, dtype=float)
    exact = derivative(x0)
    fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
    styles = ["o-", "s--", "^:"]
    for number, method in enumerate(methods):
        errors = [abs(float(numerical_grad(f, x0, method=method, step=h)) - exact) for h in steps]
        # an error of exactly 0 has no logarithm; draw it at the bottom of the plot instead
        (line,) = ax.loglog(steps, np.maximum(errors, 1e-17), styles[number % 3], markersize=3,
                            label=method)
        if mark_defaults:
            ax.axvline(float(default_step(np.asarray(x0, dtype=float), method)), linewidth=1,
                       linestyle=(0, (1, 2)), color=line.get_color(),
                       label=f"{method} default h")
    ax.set(xlabel="step h", ylabel="absolute error of the derivative",
           title=title or f"Finite-difference error at x = {x0:g} (float64)")
    ax.legend()
    return fig


@_legible
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
    ax.legend(loc="upper center", ncol=2)
    return fig


@_legible
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
                    textcoords="offset points", va="center")
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or "")
    ax.legend()
    return fig


@_legible
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
    fig.legend(loc="outside lower center", ncol=2)  # below: covers no point
    return fig


@_legible
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


# Figures first drawn in chapter 1

@_legible
def plot_broadcast_trap(y_true, y_pred, *, title: str | None = None):
    """The ``(N,)`` against ``(N, 1)`` broadcasting trap as a picture. Left: the N x N matrix of
    ``|y_pred[i] - y_true[j]|`` that NumPy builds from a column of predictions and a flat vector
    of targets, with the N intended pairs (its diagonal) outlined. Right: the N absolute errors
    that were meant. Each panel's title gives the mean of what it shows.

    >>> fig = plot_broadcast_trap([1.0, 2.0], [[1.5], [2.0]])
    >>> [ax.get_title().splitlines()[-1] for ax in fig.axes]
    ['mean of all 4 entries: 0.5', 'mean: 0.25']
    """
    from ...maths.validation import as_real_array, check_finite

    y_true, y_pred = as_real_array(y_true, "y_true"), as_real_array(y_pred, "y_pred")
    n = y_true.shape[0] if y_true.ndim == 1 else -1
    if y_pred.shape != (n, 1) or not 2 <= n <= 12:
        raise ValueError(f"give targets of shape (N,) and predictions of shape (N, 1) with "
                         f"2 <= N <= 12, got {y_true.shape} and {y_pred.shape}")
    check_finite(y_true, "y_true")
    check_finite(y_pred, "y_pred")
    matrix = np.abs(y_pred - y_true)  # the broadcast, on purpose
    meant = np.abs(y_pred[:, 0] - y_true)[:, np.newaxis]
    fig, (trap_ax, meant_ax) = plt.subplots(1, 2, figsize=(2.2 + 0.75 * n, 0.9 + 0.62 * n),
                                            layout="constrained", width_ratios=(n, 2))
    norm = plt.Normalize(0.0, matrix.max() if matrix.max() > 0 else 1.0)
    for ax, values in ((trap_ax, matrix), (meant_ax, meant)):
        ax.imshow(values, cmap="Blues", norm=norm, aspect="equal")
        for (i, j), value in np.ndenumerate(values):
            ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=MIN_FONT_PT,
                    color="white" if norm(value) > 0.6 else "black")
        ax.set_yticks(range(n), [f"{v:.3g}" for v in y_pred[:, 0]])
        ax.set_ylabel(r"prediction $\hat y_i$")
    for i in range(n):
        trap_ax.add_patch(plt.Rectangle((i - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black",
                                        linewidth=2.2))
    trap_ax.set_xticks(range(n), [f"{v:.3g}" for v in y_true])
    trap_ax.set_xlabel(r"target $y_j$ (outlined: $j = i$, the pairs meant)")
    trap_ax.set_title(f"NumPy builds ({n}, 1) - ({n},) -> ({n}, {n})\n"
                      f"mean of all {n * n} entries: {matrix.mean():.4g}", fontsize="medium")
    meant_ax.set_xticks([0], [r"$y_i$"])
    meant_ax.set_xlabel("its own target")
    meant_ax.set_title(f"{n} pairs meant\nmean: {meant.mean():.4g}", fontsize="medium")
    fig.suptitle(title or r"Absolute errors $|\hat y_i - y_j|$")
    return fig


@_legible
def plot_curve_panels(panels: Mapping[str, Mapping[str, np.ndarray]], x=None, *,
                      xlabel: str = "step", ylabel: str = "value", log: bool = False,
                      title: str | None = None):
    """Side-by-side panels with a shared y-axis, one per entry of ``panels`` (panel title ->
    ``{label: values}``), every panel with the same labels, drawn in the same line style and
    marker, explained by one legend below the panels; ``log`` for a log y-axis. Markers are
    staggered, so that curves lying on top of each other stay visible.

    >>> fig = plot_curve_panels({"a": {"x": [1, 2]}, "b": {"x": [2, 1]}})
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b']
    """
    if not panels:
        raise ValueError("give at least one panel")
    labels = [list(curves) for curves in panels.values()]
    if not labels[0] or any(names != labels[0] for names in labels):
        raise ValueError(f"every panel needs the same, non-empty list of curve labels; got {labels}")
    if len(labels[0]) > len(LINE_STYLES):
        raise ValueError(f"at most {len(LINE_STYLES)} curves per panel")
    fig, axes = plt.subplots(1, len(panels),
                             figsize=(min(4.5 * len(panels), MAX_FIGURE_WIDTH_IN), 3.9),
                             layout="constrained", sharey=True, squeeze=False)
    for ax, (panel, curves) in zip(axes[0], panels.items()):
        for number, ((label, values), (line, marker)) in enumerate(zip(curves.items(),
                                                                       LINE_STYLES)):
            values = np.asarray(values, dtype=float).ravel()
            grid = np.arange(values.size) if x is None else np.asarray(x, dtype=float).ravel()
            if grid.shape != values.shape or not np.all(np.isfinite(values)):
                raise ValueError(f"curve {label!r} of panel {panel!r} must have one finite value "
                                 f"per x value ({grid.size})")
            if log and np.any(values <= 0):
                raise ValueError(f"curve {label!r} of panel {panel!r} has values <= 0, which a "
                                 f"log axis cannot show")
            ax.plot(grid, values, linestyle=line, marker=marker, markersize=5, linewidth=1.4,
                    markevery=(number, len(curves)), color=f"C{number}", label=label)
        ax.set(xlabel=xlabel, title=panel)
        ax.xaxis.get_major_locator().set_params(integer=x is None)
        if log:
            ax.set_yscale("log")
        ax.grid(True, color="0.9", linewidth=0.6)
    axes[0, 0].set_ylabel(ylabel)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center",
               ncol=len(labels[0]))
    if title:
        fig.suptitle(title)
    return fig


# Figures first drawn in chapter 2


@_legible
def plot_difference_quotients_near_kink(f: Callable, kink: float, step: float, *,
                                        span: float = 3.0, title: str | None = None):
    """The central, forward and backward difference quotients of ``f`` with one fixed ``step``
    h, at points x around ``kink``, against the distance (x - kink) / h.

    Farther than h from a kink each quotient is a slope of one branch; closer, its two points
    lie on both sides and it returns a mixture of the two slopes that is no derivative at all.

    >>> import numpy as np
    >>> fig = plot_difference_quotients_near_kink(np.abs, 0.0, 1e-3)
    >>> fig.axes[0].get_xlabel()
    '(x - kink) / h'
    """
    from ...maths.numdiff import numerical_grad

    if not callable(f):
        raise TypeError(f"f must be a function of one number, got {f!r}")
    for value, name in ((kink, "kink"), (step, "step"), (span, "span")):
        if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if step <= 0 or span <= 0:
        raise ValueError(f"step and span must be positive, got step={step!r}, span={span!r}")
    distance = np.linspace(-span, span, 241)
    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    ax.axvspan(-1, 1, color="0.9", zorder=0, label="closer than h to the kink")
    for method, style in zip(("central", "forward", "backward"), ("-", "--", "-.")):
        quotients = [float(numerical_grad(f, kink + d * step, method=method, step=step))
                     for d in distance]
        ax.plot(distance, quotients, style, linewidth=2, label=method)
    ax.set(xlabel="(x - kink) / h", ylabel="difference quotient",
           title=title or f"Difference quotients near the kink at x = {kink:g}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


@_legible
def plot_jacobians(matrices: Mapping[str, np.ndarray], *, title: str | None = None):
    """Each matrix as a grid of coloured cells with its value written in each, side by side, on
    one colour scale centred on 0 (zeros are white): the structure of Jacobians at a glance.

    >>> import numpy as np
    >>> fig = plot_jacobians({"none": np.diag([1.0, -1.0]), "mean": np.array([[0.5, -0.5]])})
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['none: 2 x 2', 'mean: 1 x 2']
    """
    if not isinstance(matrices, Mapping) or not matrices:
        raise ValueError("matrices must be a non-empty mapping of label to 2-D array")
    arrays = {}
    for label, matrix in matrices.items():
        array = np.asarray(matrix)
        if array.dtype.kind not in "iuf" or array.ndim != 2 or array.size == 0:
            raise ValueError(f"matrix {label!r} must be a non-empty 2-D array of real numbers, "
                             f"got shape {array.shape} and dtype {array.dtype}")
        if not np.isfinite(array).all():
            raise ValueError(f"matrix {label!r} has NaN or infinite entries")
        arrays[label] = array.astype(float)
    limit = max(float(np.abs(a).max()) for a in arrays.values()) or 1.0
    widths = [a.shape[1] for a in arrays.values()]
    fig, axes = plt.subplots(1, len(arrays),
                             figsize=(min(2.4 + 0.55 * sum(widths), MAX_FIGURE_WIDTH_IN), 3.4),
                             width_ratios=widths, layout="constrained", squeeze=False)
    for ax, (label, array) in zip(axes[0], arrays.items()):
        image = ax.imshow(array, cmap="PuOr", vmin=-limit, vmax=limit)
        rows, columns = array.shape
        for (i, j), value in np.ndenumerate(array):
            shade = abs(value) > 0.6 * limit
            ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize="medium",
                    color="white" if shade else "black")
        ax.set_xticks(range(columns))
        ax.set_yticks(range(rows))
        ax.set(xlabel="input j", ylabel="output i", title=f"{label}: {rows} x {columns}")
    fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="entry $J_{ij}$")
    if title:
        fig.suptitle(title)
    return fig


# Figures first drawn in chapter 3

# Okabe-Ito colours (told apart with colour blindness, dark enough on the light panel the theme
# puts behind figures), and a line style each: the widest line lies lowest, so answers that
# coincide show as a thick line with thinner ones inside it.
_FRAMEWORK_STYLE = {"torch": ("PyTorch", "#d55e00", "-", 6.0),
                    "tensorflow": ("TensorFlow", "#0072b2", "--", 3.2),
                    "jax": ("JAX", "#009e73", ":", 2.8)}


def _jump_split(values: np.ndarray) -> np.ndarray:
    """``values`` with NaN between neighbours that jump, so a step is not drawn as a steep line."""
    values = np.asarray(values, dtype=float).copy()
    finite = values[np.isfinite(values)]
    scale = np.ptp(finite) if finite.size else 0.0
    if scale > 0:
        jumps = np.flatnonzero(np.abs(np.diff(values)) > 0.2 * scale)
        values[jumps] = np.nan
    return values


@_legible
def plot_atlas_entries(results, ids=None, *, columns: int = 3, span: float = 1.5,
                       title: str | None = None):
    """The atlas as small multiples: for each entry, its operation near the point (the NumPy
    version, along the first coordinate, the others held at the point) and through the point a
    line of the slope each framework returned there (the gradient's first component). Answers
    that are not a finite slope (NaN, infinity, ``None``, an exception) draw no line; every
    panel names all answers under its axes.

    ``results`` is what :func:`lossedu.atlas.run` returned; ``ids`` picks entries from it (all
    by default), in that order. At most three ``columns``: more panels would not fit the page
    with legible text.

    >>> from lossedu.atlas import Result
    >>> fig = plot_atlas_entries([Result("abs", "jax", "0.7.2", [0.0], "value", [1.0])])
    >>> fig.axes[0].get_title(), fig.axes[0].get_xlabel().splitlines()[-1]
    ('abs', 'JAX: 1')
    """
    from ... import atlas

    results = list(results)
    by_key = {(r.id, r.framework): r for r in results}
    ids = list(dict.fromkeys(r.id for r in results)) if ids is None else list(ids)
    unknown = [i for i in ids if not any(k[0] == i for k in by_key)]
    if not ids or unknown:
        raise ValueError(f"no results for the entries {unknown or ids}; pass atlas.run() results")
    if not isinstance(columns, int) or columns < 1:
        raise ValueError(f"columns must be a positive int, got {columns!r}")
    columns = min(columns, len(ids), int(MAX_FIGURE_WIDTH_IN // 3.1))  # panels the page fits
    rows = -(-len(ids) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.1 * columns, 3.1 * rows + 0.8),
                             layout="constrained", squeeze=False)
    for ax in axes.ravel()[len(ids):]:
        ax.set_axis_off()
    for ax, entry_id in zip(axes.ravel(), ids):
        entry = atlas.ENTRY_BY_ID[entry_id]
        point = np.asarray(entry.point, dtype=float)
        t = np.linspace(point[0] - span, point[0] + span, 601)

        def along(value):
            moved = point.copy()
            moved[0] = value
            return entry.numpy(moved)

        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.array([along(v) for v in t], dtype=float)
            f0 = float(along(point[0]))
        ax.plot(t, _jump_split(values), color="0.6", linewidth=2.4, zorder=1)
        finite = values[np.isfinite(values)]
        low, high = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
        pad = max(0.25 * (high - low), 0.5)
        ax.set_ylim(low - pad, high + pad)
        notes = []
        for framework, (name, colour, style, width) in _FRAMEWORK_STYLE.items():
            result = by_key.get((entry_id, framework))
            if result is None:
                continue
            slope = (float(np.ravel(result.grad)[0]) if result.kind == "value" else np.nan)
            answer = atlas.format_grad(slope) if result.kind == "value" else atlas.describe(result)
            notes.append(f"{name}: {answer}")
            if np.isfinite(slope):
                reach = np.array([-0.75, 0.75]) * span
                ax.plot(point[0] + reach, f0 + slope * reach, linestyle=style, color=colour,
                        linewidth=width, solid_capstyle="butt", zorder=4 - width / 10)
        ax.plot([point[0]], [f0], "o", color="black", markersize=4.5, zorder=5)
        ax.set_title(f"{entry_id}", fontsize=12, family="monospace")
        label = "x" if point.size == 1 else "first coordinate"
        ax.set_xlabel(label + "\n" + "\n".join(notes))
    axes[0, 0].set_ylabel("value")
    handles = [plt.Line2D([], [], color="0.6", linewidth=2.4, label="the operation (NumPy)")]
    handles += [plt.Line2D([], [], color=c, linestyle=s, linewidth=min(w, 3.5),
                           label=f"slope {n} returns")
                for n, c, s, w in _FRAMEWORK_STYLE.values()]
    fig.legend(handles=handles, loc="outside upper center", ncol=2,
               frameon=False)
    if title:
        fig.suptitle(title)
    return fig


@_legible
def plot_training_at_a_tie(histories, *, steps: int | None = None, title: str | None = None):
    """Loss and weight per step of training runs that start at an exact fit (``histories``:
    label -> :class:`lossedu.training.History`), the first ``steps`` steps of each. Runs that
    coincide stay visible: the first is drawn widest, the later ones thinner on top.

    >>> from lossedu.training import fit_line
    >>> history = fit_line("numpy", "mae", [0.0, 1.0], [1.0, 3.0], weight=2.0, bias=1.0, steps=4)
    >>> [ax.get_title() for ax in plot_training_at_a_tie({"NumPy": history}).axes]
    ['loss', 'weight']
    """
    histories = dict(histories)
    if not histories:
        raise ValueError("histories must name at least one training run")
    if steps is not None and (not isinstance(steps, int) or steps < 1):
        raise ValueError(f"steps must be a positive int or None, got {steps!r}")
    fig, (loss_ax, weight_ax) = plt.subplots(1, 2, figsize=(8.6, 3.6), layout="constrained")
    styles = [("-", "o", 5.0), ("--", "s", 3.5), (":", "^", 2.5), ("-", "x", 1.2),
              ("-.", "D", 1.0)]
    for number, (label, history) in enumerate(histories.items()):
        style, marker, width = styles[number % len(styles)]
        loss = np.asarray(history.loss, dtype=float)[:steps]
        weight = np.asarray(history.weight, dtype=float)[:None if steps is None else steps + 1]
        kwargs = dict(linestyle=style, marker=marker, linewidth=width, markersize=3 + width,
                      color=f"C{number}", label=label, markerfacecolor="none",
                      zorder=2 + number)
        loss_ax.plot(np.arange(loss.size), loss, **kwargs)
        weight_ax.plot(np.arange(weight.size), weight, **kwargs)
    loss_ax.set(xlabel="step", ylabel="MAE before the step", title="loss")
    weight_ax.set(xlabel="step", ylabel="weight w", title="weight")
    fig.legend(*loss_ax.get_legend_handles_labels(), loc="outside lower center", ncol=3,
               frameon=False)
    if title:
        fig.suptitle(title)
    return fig


# Figures first drawn in chapter 4

def _curves_on_one_grid(curves: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    curves = {label: np.asarray(values, dtype=float).ravel() for label, values in curves.items()}
    if not curves or len({values.size for values in curves.values()}) != 1:
        raise ValueError("give at least one curve, all with the same number of values")
    return curves


@_legible
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


@_legible
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


@_legible
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


# Figures first drawn in chapter 5

# Curves that may lie exactly on top of each other: a thick line below, then lines whose open
# markers and thin dashes leave it visible.
_OVERLAY_STYLES = [dict(linestyle="-", linewidth=3.2, alpha=0.75),
                   dict(linestyle=":", linewidth=1.8, marker="o", markersize=6,
                        markerfacecolor="white"),
                   dict(linestyle="--", linewidth=1.6),
                   dict(linestyle="-.", linewidth=1.4, marker="^", markersize=6,
                        markerfacecolor="white")]


def _overlay_style(number: int) -> dict:
    return dict(_OVERLAY_STYLES[number % len(_OVERLAY_STYLES)], color=f"C{number % 10}")


@_legible
def plot_forward_backward(x, values: Mapping[str, np.ndarray], gradients: Mapping[str, np.ndarray],
                          *, jumps=(), title: str | None = None):
    """Each function's value (left: the forward pass) and the gradient autodiff returns for it
    (right: the backward pass), against its input ``x``.

    ``values`` and ``gradients`` map a label to an array of the same shape as ``x``; a label in
    both keeps its colour and style. Value curves are drawn in pieces between the ``jumps`` (the
    x where a value jumps), so that no jump is drawn as a steep line.

    >>> x = np.linspace(-1, 1, 9)
    >>> fig = plot_forward_backward(x, {"round": np.round(x)}, {"round": np.zeros(9)},
    ...                             jumps=[-0.5, 0.5])
    >>> [ax.get_title() for ax in fig.axes]
    ['Forward pass: the value', 'Backward pass: the gradient']
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2 or not np.all(np.diff(x) > 0):
        raise ValueError("x must be a 1-D increasing grid of at least two values")
    if not values or not gradients:
        raise ValueError("give at least one value curve and one gradient curve")
    labels = list(dict.fromkeys([*values, *gradients]))
    fig, (forward, backward) = plt.subplots(1, 2, figsize=(9, 3.9), layout="constrained",
                                            sharex=True)
    for ax, curves, pieces in ((forward, values, _pieces(x, np.atleast_1d(jumps))),
                               (backward, gradients, [x])):
        for label, y in curves.items():
            y = np.asarray(y, dtype=float)
            if y.shape != x.shape:
                raise ValueError(f"curve {label!r} has shape {y.shape}, x has {x.shape}")
            style = _overlay_style(labels.index(label))
            for number, piece in enumerate(pieces):
                keep = np.isin(x, piece)
                ax.plot(x[keep], y[keep], markevery=max(1, x.size // 12),
                        label=label if number == 0 else None, **style)
    forward.set(xlabel="x", ylabel="value", title="Forward pass: the value")
    backward.set(xlabel="x", ylabel="gradient d/dx", title="Backward pass: the gradient")
    low, high = backward.get_ylim()
    backward.set_ylim(min(low, -0.5), max(high, 1.5))
    handles, names = forward.get_legend_handles_labels()
    for handle, name in zip(*backward.get_legend_handles_labels()):
        if name not in names:
            handles.append(handle)
            names.append(name)
    fig.legend(handles, names, loc="outside lower center", ncol=len(names))
    if title:
        fig.suptitle(title)
    return fig


@_legible
def plot_training_runs(runs: Mapping[str, object], *, steps: int | None = None,
                       title: str | None = None):
    """The weight (left) and the loss (right, log scale) at each step of each training run.

    ``runs`` maps a label to a :class:`lossedu.training.History` (anything with ``weight`` and
    ``loss`` arrays); ``steps`` limits the figure to the first steps, where runs differ most.
    Runs that coincide stay visible: the first is a thick line, the second a dotted line with
    open markers on top of it.

    >>> from lossedu.training import History
    >>> run = History(weight=np.array([0.0, 1.0, 1.5]), bias=np.zeros(3),
    ...               loss=np.array([4.0, 1.0]))
    >>> fig = plot_training_runs({"MSE": run})
    >>> fig.axes[1].get_yscale()
    'log'
    """
    if not runs:
        raise ValueError("give at least one training run")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, (int, np.integer))
                              or steps < 1):
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")
    fig, (weight_ax, loss_ax) = plt.subplots(1, 2, figsize=(9, 3.9), layout="constrained")
    for number, (label, run) in enumerate(runs.items()):
        if not (hasattr(run, "weight") and hasattr(run, "loss")):
            raise TypeError(f"run {label!r} must be a History (with weight and loss), "
                            f"got {type(run).__name__}")
        style = _overlay_style(number)
        for ax, values in ((weight_ax, run.weight), (loss_ax, run.loss)):
            values = np.asarray(values, dtype=float).ravel()[:None if steps is None else steps + 1]
            ax.plot(np.arange(values.size), values, markevery=max(1, values.size // 15),
                    label=label, **style)
    weight_ax.set(xlabel="step", ylabel="weight w", title="The weight at each step")
    loss_ax.set(xlabel="step", ylabel="loss (log scale)", yscale="log",
                title="The loss before each step")
    fig.legend(*weight_ax.get_legend_handles_labels(), loc="outside lower center",
               ncol=len(runs))
    if title:
        fig.suptitle(title)
    return fig


# Figures first drawn in chapter 6


@_legible
def plot_estimate_spread(estimates: Mapping[str, np.ndarray], exact, *, components=None,
                         xlabel: str = "estimate", title: str | None = None):
    """Histograms of many estimates of a quantity whose exact value is known: one row per
    estimator, one column per component, the exact value as a dashed line and each
    estimator's mean as a solid one. Rows of one column share their bins, so widths compare.

    ``estimates`` maps a label to an array of shape ``(n,)`` (one component) or ``(n, k)``;
    ``exact`` has one value per component; ``components`` names the columns.

    >>> rng = np.random.default_rng(0)
    >>> fig = plot_estimate_spread({"wide": rng.normal(0, 2, 300),
    ...                             "narrow": rng.normal(0, 0.5, 300)}, exact=0.0)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['wide\\ncount', 'narrow\\ncount']
    """
    if not estimates:
        raise ValueError("give at least one set of estimates")
    exact = np.atleast_1d(np.asarray(exact, dtype=float))
    if exact.ndim != 1 or not np.all(np.isfinite(exact)):
        raise ValueError("exact must be one finite number per component")
    arrays = {}
    for label, values in estimates.items():
        values = np.asarray(values, dtype=float)
        values = values[:, None] if values.ndim == 1 else values
        if values.ndim != 2 or values.shape[1] != exact.size or values.shape[0] < 2:
            raise ValueError(f"estimates {label!r} have shape {np.shape(estimates[label])}; "
                             f"need (n,) or (n, {exact.size}) with n of at least 2")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"estimates {label!r} are not all finite")
        arrays[label] = values
    names = ([f"component {i}" for i in range(exact.size)] if components is None
             else list(components))
    if len(names) != exact.size:
        raise ValueError(f"{len(names)} component names for {exact.size} components")
    fig, axes = plt.subplots(len(arrays), exact.size, layout="constrained", sharex="col",
                             figsize=(min(3.7 * exact.size, MAX_FIGURE_WIDTH_IN),
                                      1.4 + 1.6 * len(arrays)),
                             squeeze=False)
    for column in range(exact.size):
        bins = np.histogram_bin_edges(np.concatenate([a[:, column] for a in arrays.values()]), 40)
        for row, (label, values) in enumerate(arrays.items()):
            ax = axes[row, column]
            ax.hist(values[:, column], bins=bins, color="C0", alpha=0.8, edgecolor="white",
                    linewidth=0.5)
            ax.axvline(exact[column], color="black", linestyle="--", linewidth=1.6,
                       label="exact value")
            ax.axvline(values[:, column].mean(), color="C3", linestyle="-", linewidth=1.4,
                       label="mean of the estimates")
            if column == 0:
                ax.set_ylabel(f"{label}\ncount")
            if row == 0:
                ax.set_title(names[column], fontsize="medium")
        axes[-1, column].set_xlabel(xlabel)
    fig.legend(*axes[0, 0].get_legend_handles_labels(),
               loc="outside lower center", ncol=2)
    if title:
        fig.suptitle(title)
    return fig
