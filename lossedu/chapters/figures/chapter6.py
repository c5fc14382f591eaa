"""The figures of chapter 6, Losses you cannot differentiate
(``notebooks/06_losses_you_cannot_differentiate.ipynb``), which imports this module as
``figures``:

- :func:`plot_estimate_spread`: histograms of many estimates against the exact value;
- :func:`plot_curves` (curves on one axis), from :mod:`lossedu.chapters.figures.shared`;
- :func:`plot_fits` (data and fitted lines), from :mod:`lossedu.chapters.figures.shared`.

Each returns the matplotlib Figure it drew (see :mod:`lossedu.chapters.figures`).
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np

from .shared import MAX_FIGURE_WIDTH_IN, legible
# the shared figures this chapter draws, offered here with its own (notebooks import one module)
from .shared import plot_curves, plot_fits  # noqa: F401


@legible
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
