"""What every figure of the chapters shares, and the figures two chapters or more draw.

- :func:`legible`, the decorator every figure function wears: every text at least
  :data:`MIN_FONT_PT` points, titles broken to fit. In the book, read in a window 1280 px wide,
  the figures' text is at least :data:`MIN_TEXT_PX` px, inline or behind a slider
  (:data:`PAGE_COLUMN_PX` says how that was measured), and no two texts overlap;
- :data:`LINE_STYLES`, :data:`RESIDUAL_LABEL` and :func:`runs_between_kinks`, for curves;
- :func:`plot_loss_and_derivative` (chapters 1 and 4): elementwise losses and their
  derivatives against the residual;
- :func:`plot_curves` (chapters 4 and 6): curves on one axis;
- :func:`plot_fits` (chapters 4 and 6): data and fitted lines.

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
# 72 dpi (lossedu.chapters.sliders, the whole figure). Text of s points thus shows at
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


def legible(draw: Callable) -> Callable:
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


def runs_between_kinks(x: np.ndarray, kinks) -> list[np.ndarray]:
    """Split a sorted grid into the runs strictly between kinks, so that a jump in a derivative
    is not drawn as a steep line through the kink."""
    kinks = np.sort(np.asarray(kinks, dtype=float))
    x = x[~np.isin(x, kinks)]
    return [piece for piece in np.split(x, np.searchsorted(x, kinks)) if piece.size]


@legible
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
        for number, piece in enumerate(runs_between_kinks(residual, jumps)):
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


@legible
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


@legible
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
