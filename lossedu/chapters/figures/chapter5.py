"""The figures of chapter 5, detach and stop_gradient
(``notebooks/05_detach_and_stop_gradient.ipynb``), which imports this module as ``figures``:

- :func:`plot_forward_backward`: values and the gradients autodiff returns;
- :func:`plot_training_runs`: weight and loss per step of training runs.

Each returns the matplotlib Figure it drew (see :mod:`lossedu.chapters.figures`).
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np

from .shared import legible, runs_between_kinks


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


@legible
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
    for ax, curves, pieces in ((forward, values, runs_between_kinks(x, np.atleast_1d(jumps))),
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


@legible
def plot_training_runs(runs: Mapping[str, object], *, steps: int | None = None,
                       title: str | None = None):
    """The weight (left) and the loss (right, log scale) at each step of each training run.

    ``runs`` maps a label to a :class:`lossedu.chapters.training.History` (anything with ``weight`` and
    ``loss`` arrays); ``steps`` limits the figure to the first steps, where runs differ most.
    Runs that coincide stay visible: the first is a thick line, the second a dotted line with
    open markers on top of it.

    >>> from lossedu.chapters.training import History
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
