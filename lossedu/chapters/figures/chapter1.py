"""The figures of chapter 1, MAE and MSE from scratch
(``notebooks/01_mae_mse_from_scratch.ipynb``), which imports this module as ``figures``:

- :func:`plot_broadcast_trap`: the ``(N,)`` against ``(N, 1)`` broadcasting trap;
- :func:`plot_curve_panels`: curves in side by side panels;
- :func:`plot_loss_and_derivative` (elementwise losses and their derivatives against the
  residual), from :mod:`lossedu.chapters.figures.shared`.

Each returns the matplotlib Figure it drew (see :mod:`lossedu.chapters.figures`).
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np

from .shared import LINE_STYLES, MAX_FIGURE_WIDTH_IN, MIN_FONT_PT, legible
# the shared figures this chapter draws, offered here with its own (notebooks import one module)
from .shared import plot_loss_and_derivative  # noqa: F401


@legible
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


@legible
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
