"""The figures of chapter 3, The kink across frameworks
(``notebooks/03_kink_across_frameworks.ipynb``), which imports this module as ``figures``:

- :func:`plot_subgradients`: lines of given slopes through a point;
- :func:`plot_atlas_entries`: the atlas's operations and the slopes each framework returned;
- :func:`plot_training_at_a_tie`: weight and loss per step of training runs that start at a tie.

Each returns the matplotlib Figure it drew (see :mod:`lossedu.chapters.figures`).
"""

from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

from .shared import legible, MAX_FIGURE_WIDTH_IN


@legible
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


@legible
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


@legible
def plot_training_at_a_tie(histories, *, steps: int | None = None, title: str | None = None):
    """Loss and weight per step of training runs that start at an exact fit (``histories``:
    label -> :class:`lossedu.chapters.training.History`), the first ``steps`` steps of each. Runs that
    coincide stay visible: the first is drawn widest, the later ones thinner on top.

    >>> from lossedu.chapters.training import fit_line
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
