"""Hypothesis strategies for the hard cases of lossedu's inputs, shared by the test modules.

:func:`pairs` draws ``(y_true, y_pred)`` of one shape (0-d, 1-d or 2-d) where each position is

- an exact tie: the same value in both, drawn in the narrower dtype so that it is exact in both
  (a float32 value and its float64 copy, say);
- a near miss: y_pred is y_true converted to y_pred's dtype and moved a few units in the last
  place (0 to 3), so residuals are tiny, often subnormal, and between float32 and float64 copies
  they are the conversion error itself;
- two values drawn independently;
- two huge values of opposite signs, whose residual may overflow.

Values come from every band of their dtype: moderate numbers, subnormals, anything finite, and
the huge ones from an eighth of the largest value up to the largest, where the residual or the
loss overflows. The dtypes are float16, float32 and float64, and mixed (y_true in one, y_pred in
another), unless a test asks for one dtype.

:func:`examples` scales a test's number of examples with the active Hypothesis profile, so the
``explore`` profile (tests/conftest.py, ``make explore``) also explores the tests that set their
own ``max_examples``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOAT_DTYPES = (np.float64, np.float32, np.float16)  # failures shrink towards float64
REDUCTIONS = ("mean", "sum", "none")

shapes = hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=4)
reductions = st.sampled_from(REDUCTIONS)
# delta and beta: exact in float16 too, so every dtype computes with the same parameter
parameters = st.floats(0.125, 8.0, width=16)


def examples(n: int) -> int:
    """``n`` examples under the default and ci profiles (100 examples a test), proportionally
    more under a profile with more, such as ``explore``."""
    return max(1, n * settings.default.max_examples // 100)


def huge(dtype) -> st.SearchStrategy[float]:
    """Positive values from an eighth of ``dtype``'s largest value up to the largest."""
    top = float(np.finfo(dtype).max)
    return st.floats(top / 8, top, width=np.finfo(dtype).bits)


def values(dtype, largest: float | None = None, subnormals: bool = True) -> st.SearchStrategy[float]:
    """Finite values of ``dtype`` (as Python floats, exact): moderate ones, subnormals (unless
    ``subnormals=False``), anything up to ``largest`` in size (default the dtype's largest) and,
    without a ``largest``, huge ones."""
    info = np.finfo(dtype)
    width = info.bits
    top = float(info.max) if largest is None else float(np.asarray(largest, dtype=dtype))
    moderate = min(100.0, top)
    tiny, smallest = float(info.tiny), float(info.smallest_subnormal)
    bands = [st.floats(-moderate, moderate, width=width), st.floats(-top, top, width=width)]
    if subnormals:
        bands += [st.floats(smallest, tiny, width=width), st.floats(-tiny, -smallest, width=width)]
    if largest is None:
        bands += [huge(dtype), huge(dtype).map(lambda v: -v)]
    return st.one_of(bands)


def nudge(value: float, dtype, steps: int) -> float:
    """``value`` converted to ``dtype`` (the largest finite value if it is beyond), then moved
    ``steps`` units in the last place away from zero (towards -inf for a negative ``steps``)."""
    info = np.finfo(dtype)
    converted = np.clip(np.float64(value), -float(info.max), float(info.max)).astype(dtype)
    direction = dtype(np.inf if steps > 0 else -np.inf)
    for _ in range(abs(steps)):
        with np.errstate(over="ignore"):
            moved = np.nextafter(converted, direction)
        if not np.isfinite(moved):
            break
        converted = moved
    return float(converted)


def narrower(a, b):
    return a if np.finfo(a).bits <= np.finfo(b).bits else b


def element_pairs(true_dtype, pred_dtype, largest=None,
                  subnormals=True) -> st.SearchStrategy[tuple[float, float]]:
    """One position of a pair: a tie, a near miss, two independent values or (without a
    ``largest``) two huge ones of opposite signs (see the module)."""
    tie = values(narrower(true_dtype, pred_dtype), largest, subnormals).map(lambda v: (v, v))
    near = st.tuples(values(true_dtype, largest, subnormals), st.integers(-3, 3)).map(
        lambda drawn: (drawn[0], nudge(drawn[0], pred_dtype, drawn[1])))
    free = st.tuples(values(true_dtype, largest, subnormals),
                     values(pred_dtype, largest, subnormals))
    if largest is not None:
        return st.one_of(tie, near, free)
    apart = st.tuples(huge(true_dtype), huge(pred_dtype), st.booleans()).map(
        lambda drawn: (-drawn[0], drawn[1]) if drawn[2] else (drawn[0], -drawn[1]))
    return st.one_of(tie, near, free, apart)


@st.composite
def pairs(draw, *, dtypes=FLOAT_DTYPES, mixed: bool = True, largest: float | None = None,
          subnormals: bool = True):
    """``(y_true, y_pred)`` arrays of one shape, with ties, near misses and values of every
    size (module docstring). ``mixed=False`` draws one dtype for both; ``largest`` bounds the
    size of the values, so nothing overflows if the bound is small enough; ``subnormals=False``
    draws no subnormal values (residuals may still be subnormal)."""
    true_dtype = draw(st.sampled_from(dtypes))
    pred_dtype = draw(st.sampled_from(dtypes)) if mixed else true_dtype
    shape = draw(shapes)
    size = int(np.prod(shape, dtype=int))
    elements = draw(st.lists(element_pairs(true_dtype, pred_dtype, largest, subnormals),
                             min_size=size, max_size=size))
    y_true = np.array([t for t, _ in elements], dtype=true_dtype).reshape(shape)
    y_pred = np.array([p for _, p in elements], dtype=pred_dtype).reshape(shape)
    return y_true, y_pred
