"""The course's worked examples: data that more than one chapter uses, defined once.

- :func:`worked_example`: the five targets and predictions of the tutorial that chapters 1 and 2
  follow, as column vectors of shape ``(5, 1)``;
- :func:`line_targets`: targets on the line ``y = 2x + 1`` that the chapters fit (chapters 3 to
  6), with Gaussian noise drawn from the chapter's own random generator.

>>> y_true, y_pred = worked_example()
>>> y_true.shape, (y_pred - y_true).ravel().round(6).tolist()
((5, 1), [-0.3, 0.3, -0.7, -2.0, -2.0])
"""

from __future__ import annotations

import numpy as np

from ..maths.validation import as_real_array, check_finite, check_real_number

# The tutorial's numbers (neuralthreads2021mae in the book's references)
_WORKED_Y_TRUE = (1.5, 0.2, 3.9, 6.2, 5.2)
_WORKED_Y_PRED = (1.2, 0.5, 3.2, 4.2, 3.2)

# The line every chapter fits: y = SLOPE * x + INTERCEPT
SLOPE = 2.0
INTERCEPT = 1.0


def worked_example() -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's five targets and predictions, ``(y_true, y_pred)``, each a float64 column
    of shape ``(5, 1)``: the shape a model with one output unit produces. Each call returns new
    arrays, so a chapter may change its copy.

    >>> y_true, y_pred = worked_example()
    >>> y_true.ravel().tolist(), y_pred.ravel().tolist()
    ([1.5, 0.2, 3.9, 6.2, 5.2], [1.2, 0.5, 3.2, 4.2, 3.2])
    """
    as_column = lambda values: np.array(values, dtype=np.float64).reshape(-1, 1)
    return as_column(_WORKED_Y_TRUE), as_column(_WORKED_Y_PRED)


def line_targets(x, *, noise: float = 0.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """Targets ``SLOPE * x + INTERCEPT`` (the line ``y = 2x + 1``), in ``x``'s dtype, plus
    Gaussian noise of standard deviation ``noise`` drawn from ``rng`` (one draw per entry of
    ``x``, as ``rng.normal(scale=noise, size=x.shape)``). Without noise no ``rng`` is needed
    and none is drawn from.

    >>> line_targets(np.arange(3.0)).tolist()
    [1.0, 3.0, 5.0]
    >>> line_targets([0.0, 1.0], noise=0.1, rng=np.random.default_rng(0)).round(3).tolist()
    [1.013, 2.987]
    """
    x = as_real_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array of inputs, got shape {x.shape}")
    check_finite(x, "x")
    noise = check_real_number(noise, "noise", low=0.0)
    if not np.isfinite(noise):
        raise ValueError(f"noise must be a finite standard deviation, got {noise!r}")
    y = SLOPE * x + INTERCEPT
    if noise == 0.0:
        return y
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"noise={noise:g} needs rng, a numpy.random.Generator (the chapter's "
                        f"seeded np.random.default_rng), got {type(rng).__name__}")
    return y + rng.normal(scale=noise, size=x.shape)
