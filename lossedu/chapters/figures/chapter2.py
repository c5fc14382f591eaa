"""The figures of chapter 2, Deriving the gradients (``notebooks/02_deriving_gradients.ipynb``),
which imports this module as ``figures``:

- :func:`plot_secants`: backward, forward and central secants;
- :func:`plot_step_size_error`: the error of a difference quotient against the step h;
- :func:`plot_difference_quotients_near_kink`: the quotients around a kink;
- :func:`plot_jacobians`: matrices as coloured grids.

Each returns the matplotlib Figure it drew (see :mod:`lossedu.chapters.figures`).
"""

from __future__ import annotations

from typing import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

from .shared import legible, MAX_FIGURE_WIDTH_IN


@legible
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


@legible
def plot_step_size_error(f: Callable, derivative: Callable, x0: float, *, steps=None,
                         methods=("forward", "central"), mark_defaults: bool = False,
                         title: str | None = None):
    """Log-log plot of the finite-difference error at ``x0`` against the step h, for each method.

    Too large a step leaves truncation error, too small a step amplifies rounding error; the
    curves show where the two balance. ``derivative`` is the exact derivative of ``f``.
    ``mark_defaults`` draws a vertical line at each method's default step
    (:func:`lossedu.maths.numdiff.default_step`).
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


@legible
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


@legible
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
