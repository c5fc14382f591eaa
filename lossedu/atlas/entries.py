"""The atlas's entries: one question each, "what does the gradient of this op return here?".

An :class:`Entry` holds what is framework-independent: the point (its inputs, and constants
held fixed), the op written in NumPy for finite differences, and the mathematics: the set of
valid gradients (:mod:`lossedu.atlas.subgradients`) and its minimum-norm element. How each
framework writes the op lives in that framework's module (:mod:`lossedu.atlas.frameworks`).

:data:`ENTRIES` lists them in table order, grouped by :data:`FAMILIES`; :data:`ENTRY_BY_ID`
finds one by id. A loss of lossedu's table with a kink has its entry made from the table
(:func:`loss_tie_entry`). Every input is float32 (:data:`DTYPE`); the op's output is summed to a scalar
before differentiating.

>>> ENTRY_BY_ID["maximum_tie_xy"].point
[1.0, 1.0]
>>> ENTRY_BY_ID["abs"].calls["jax"]
'jnp.abs(x)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..maths.loss_table import LOSSES, ElementwiseLoss
from .frameworks import FRAMEWORKS, LOSS_TIE, Missing
from .subgradients import (TOLERANCE, GradientSet, ball, identity_plus_density, interval, only,
                           segment, simplex)

DTYPE = "float32"

FAMILIES = {
    "absolute": "Absolute value",
    "activations": "Activations and clipping",
    "ties": "Ties of maximum and minimum",
    "reductions": "Reductions",
    "order": "Sorting, order statistics and pooling",
    "norms": "Norms, distances and angles",
    "powers": "Powers and roots",
    "probabilities": "Logarithms and probabilities",
    "linalg": "Linear algebra",
    "losses": "Losses",
    "steps": "Steps, rounding and metrics",
}


@dataclass(frozen=True)
class Entry:
    """One op at one point.

    - ``inputs`` (names to values) are differentiated, ``constants`` held fixed; the gradient is
      reported flattened over the inputs, in their order (:attr:`point`);
    - ``numpy`` is the op in NumPy, summed, as a function of that flat float64 point;
    - ``gradients`` is the set of valid gradients there (Clarke's; the derivative alone where the
      op is ``differentiable``) and ``min_norm`` its shortest element; both ``None`` where there
      is no such set (a jump, an infinite slope, an op undefined at the point), and ``maths``
      says why;
    - ``question`` is what users ask; :attr:`source` a public thread where they asked it.
    """

    id: str
    family: str
    what: str
    question: str
    inputs: dict
    numpy: Callable[[np.ndarray], float]
    constants: dict = field(default_factory=dict)
    gradients: GradientSet | None = None
    min_norm: list | None = None
    differentiable: bool = False
    maths: str = ""

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"entry {self.id!r}: unknown family {self.family!r}; "
                             f"one of {sorted(FAMILIES)}")
        if (self.gradients is None) != (self.min_norm is None):
            raise ValueError(f"entry {self.id!r}: gradients and min_norm go together")
        if self.gradients is None and not self.maths:
            raise ValueError(f"entry {self.id!r}: without a set of gradients, say why (maths)")

    @property
    def point(self) -> list:
        """The inputs' values, flattened and concatenated: the shape of every answer."""
        return np.concatenate([np.ravel(np.asarray(v, dtype=np.float64))
                               for v in self.inputs.values()]).tolist()

    def snippet(self, framework: str) -> "str | Missing":
        """The program that asks ``framework`` for this entry's gradient, or why it cannot."""
        return FRAMEWORKS[framework].snippet(self.id, self.inputs, self.constants)

    @property
    def source(self) -> tuple[str, str] | None:
        """``(url, title)`` of a public thread asking this entry's question, if one was found."""
        return SOURCES.get(self.id)

    @property
    def calls(self) -> dict:
        """How each framework writes the op (``"—"`` where it has none)."""
        return {name: (op if isinstance(op := f.op(self.id) or "?", str) else "—")
                for name, f in FRAMEWORKS.items()}


def loss_tie_entry(definition: ElementwiseLoss) -> Entry:
    """The atlas entry of a loss of lossedu's table that has a kink at r = 0: the gradient of
    the frameworks' built-in where predictions equal their targets, made from the table
    (its title, its value, and its interval of subgradients, divided by N for the mean). Each
    framework writes the built-in from the names the table gives
    (:attr:`lossedu.atlas.frameworks.Framework.builtin_loss`).

    >>> entry = loss_tie_entry(LOSSES["mae"])
    >>> entry.id, entry.gradients.contains([0.5, -0.5]), entry.min_norm
    ('mae_loss_tie', True, [0.0, 0.0])
    """
    point = [1.0, 2.0]
    low, high = definition.kink_subgradients
    defaults = {p.name: p.default for p in definition.parameters}
    with_defaults = f" ({', '.join(f'{k} = {v:g}' for k, v in defaults.items())})" if defaults else ""
    return Entry(
        f"{definition.name}{LOSS_TIE}", "losses",
        f"gradient w.r.t. y_pred of the built-in {definition.title}{with_defaults} at "
        f"y_pred = y_true = [1, 2]",
        f"What does the {definition.short_title or definition.title} return when a prediction "
        f"equals its target?",
        {"y_pred": point},
        lambda v: float(np.mean(definition.value(np.asarray(v) - point, **defaults))),
        constants={"y_true": point},
        gradients=interval(low / len(point), high / len(point)), min_norm=[0.0] * len(point))


def _sum(f):
    return lambda v: float(np.sum(f(v)))


_TINY_F32 = float(np.finfo(np.float32).smallest_subnormal)


def _softmax_cross_entropy(v):
    logits = np.asarray(v, dtype=np.float64)
    top = logits.max()
    return float(-(logits[1] - top - np.log(np.sum(np.exp(logits - top)))))


def _symmetric(v):
    # eigh reads one triangle of its (symmetric) input; as a function of all four entries,
    # NumPy's version reads their symmetric part
    m = v.reshape(2, 2)
    return (m + m.T) / 2


def _leaky(v):
    return np.where(v >= 0, v, 0.01 * v)


def _where_sqrt(v):
    return float(np.sum(np.where(v > 0, np.sqrt(np.maximum(v, 0)), 0)))


def _hardsigmoid(v):
    return np.clip(v + 3, 0, 6) / 6


ENTRIES: list[Entry] = [
    # --- absolute value ---------------------------------------------------------------------
    Entry("abs", "absolute", "d/dx abs(x) at x = 0",
          "What is the gradient of abs at 0? (JAX answers 1; jnp.sign(0.) is 0.)",
          {"x": [0.0]}, _sum(np.abs), gradients=interval(-1, 1), min_norm=[0.0]),
    Entry("abs_negative_zero", "absolute", "d/dx abs(x) at x = -0.0 (zero with its sign bit set)",
          "Does the sign of zero change the gradient of abs?",
          {"x": [-0.0]}, _sum(np.abs), gradients=interval(-1, 1), min_norm=[0.0]),
    # --- activations and clipping -----------------------------------------------------------
    Entry("relu", "activations", "d/dx relu(x) at x = 0",
          "What is the derivative of ReLU at 0: 0, 1 or 1/2?",
          {"x": [0.0]}, _sum(lambda v: np.maximum(v, 0)), gradients=interval(0, 1),
          min_norm=[0.0]),
    Entry("maximum_zero", "activations", "d/dx maximum(x, 0) at x = 0, beside relu",
          "Is maximum(x, 0) the same as relu at 0, gradient included?",
          {"x": [0.0]}, _sum(lambda v: np.maximum(v, 0)), gradients=interval(0, 1),
          min_norm=[0.0]),
    Entry("leaky_relu", "activations",
          "d/dx leaky_relu(x) at x = 0, negative slope 0.01 passed explicitly",
          "Which of its two slopes does leaky_relu use at 0?",
          {"x": [0.0]}, _sum(_leaky), gradients=interval(0.01, 1), min_norm=[0.01],
          maths="the default negative slope is not the same in every framework (chapter 3 "
                "prints three of them), so every snippet passes 0.01"),
    Entry("relu6_upper", "activations", "d/dx relu6(x) = clip(x, 0, 6) at x = 6",
          "What does relu6 return at its upper corner?",
          {"x": [6.0]}, _sum(lambda v: np.clip(v, 0, 6)), gradients=interval(0, 1),
          min_norm=[0.0]),
    Entry("hardtanh_upper", "activations", "d/dx hardtanh(x) = clip(x, -1, 1) at x = 1",
          "Does hardtanh pass the gradient at its corner?",
          {"x": [1.0]}, _sum(lambda v: np.clip(v, -1, 1)), gradients=interval(0, 1),
          min_norm=[0.0]),
    Entry("clip_upper", "activations", "d/dx clip(x, 0, 1) at x = 1",
          "Does clamp/clip pass the gradient when x equals its upper bound?",
          {"x": [1.0]}, _sum(lambda v: np.clip(v, 0, 1)), gradients=interval(0, 1),
          min_norm=[0.0]),
    Entry("clip_lower", "activations", "d/dx clip(x, 0, 1) at x = 0",
          "Does clamp/clip pass the gradient when x equals its lower bound?",
          {"x": [0.0]}, _sum(lambda v: np.clip(v, 0, 1)), gradients=interval(0, 1),
          min_norm=[0.0]),
    Entry("hardsigmoid_lower", "activations",
          "d/dx hard_sigmoid(x) = relu6(x + 3) / 6 at x = -3",
          "What is the gradient of hard sigmoid at its lower corner?",
          {"x": [-3.0]}, _sum(_hardsigmoid), gradients=interval(0, 1 / 6), min_norm=[0.0]),
    Entry("hardsigmoid_upper", "activations",
          "d/dx hard_sigmoid(x) = relu6(x + 3) / 6 at x = 3",
          "What is the gradient of hard sigmoid at its upper corner?",
          {"x": [3.0]}, _sum(_hardsigmoid), gradients=interval(0, 1 / 6), min_norm=[0.0]),
    Entry("hardswish_lower", "activations", "d/dx hard_swish(x) = x relu6(x + 3) / 6 at x = -3",
          "What is the gradient of hardswish at x = -3?",
          {"x": [-3.0]}, _sum(lambda v: v * _hardsigmoid(v)), gradients=interval(-0.5, 0),
          min_norm=[0.0]),
    Entry("hardswish_upper", "activations", "d/dx hard_swish(x) = x relu6(x + 3) / 6 at x = 3",
          "What is the gradient of hardswish at x = 3?",
          {"x": [3.0]}, _sum(lambda v: v * _hardsigmoid(v)), gradients=interval(1, 1.5),
          min_norm=[1.0]),
    Entry("elu_zero", "activations", "d/dx elu(x) at x = 0 (both slopes are 1: no kink)",
          "Is ELU differentiable at 0?",
          {"x": [0.0]}, _sum(lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0)))),
          gradients=only(1.0), min_norm=[1.0], differentiable=True),
    # --- ties of maximum and minimum --------------------------------------------------------
    Entry("maximum_tie", "ties", "d/dx maximum(x, y) at x = y = 1, y a constant",
          "What gradient does maximum give x when x equals the other argument?",
          {"x": [1.0]}, _sum(lambda v: np.maximum(v, 1.0)), constants={"y": [1.0]},
          gradients=interval(0, 1), min_norm=[0.0]),
    Entry("maximum_tie_xy", "ties", "gradient of maximum(x, y) at x = y = 1 w.r.t. x and y",
          "At a tie, does maximum split the gradient, or give it to one argument, and which?",
          {"x": [1.0], "y": [1.0]}, lambda v: float(np.maximum(v[0], v[1])),
          gradients=simplex(2), min_norm=[0.5, 0.5]),
    Entry("maximum_tie_yx", "ties", "gradient of maximum(y, x) at x = y = 1 w.r.t. x and y",
          "Does the answer of maximum at a tie depend on the order of its arguments?",
          {"x": [1.0], "y": [1.0]}, lambda v: float(np.maximum(v[1], v[0])),
          gradients=simplex(2), min_norm=[0.5, 0.5]),
    Entry("minimum_tie", "ties", "d/dx minimum(x, y) at x = y = 1, y a constant",
          "What gradient does minimum give x when x equals the other argument?",
          {"x": [1.0]}, _sum(lambda v: np.minimum(v, 1.0)), constants={"y": [1.0]},
          gradients=interval(0, 1), min_norm=[0.0]),
    Entry("minimum_tie_xy", "ties", "gradient of minimum(x, y) at x = y = 1 w.r.t. x and y",
          "At a tie, does minimum split the gradient, or give it to one argument?",
          {"x": [1.0], "y": [1.0]}, lambda v: float(np.minimum(v[0], v[1])),
          gradients=simplex(2), min_norm=[0.5, 0.5]),
    Entry("minimum_tie_yx", "ties", "gradient of minimum(y, x) at x = y = 1 w.r.t. x and y",
          "Does the answer of minimum at a tie depend on the order of its arguments?",
          {"x": [1.0], "y": [1.0]}, lambda v: float(np.minimum(v[1], v[0])),
          gradients=simplex(2), min_norm=[0.5, 0.5]),
    # --- reductions -------------------------------------------------------------------------
    Entry("reduce_max_tie", "reductions", "gradient of max over all of [1, 1]",
          "When several elements share the maximum, which get the gradient?",
          {"x": [1.0, 1.0]}, lambda v: float(np.max(v)), gradients=simplex(2),
          min_norm=[0.5, 0.5]),
    Entry("max_dim_tie", "reductions", "gradient of max along axis 0 of [1, 1]",
          "Does max along a dimension treat ties like max over the whole tensor?",
          {"x": [1.0, 1.0]}, lambda v: float(np.max(v)), gradients=simplex(2),
          min_norm=[0.5, 0.5]),
    Entry("amax_tie", "reductions", "gradient of amax over [1, 1] (amax: a separate op from max along an axis)",
          "Why do amax and max(dim) give different gradients at ties?",
          {"x": [1.0, 1.0]}, lambda v: float(np.max(v)), gradients=simplex(2),
          min_norm=[0.5, 0.5]),
    Entry("reduce_min_tie", "reductions", "gradient of min over all of [1, 1]",
          "When several elements share the minimum, which get the gradient?",
          {"x": [1.0, 1.0]}, lambda v: float(np.min(v)), gradients=simplex(2),
          min_norm=[0.5, 0.5]),
    Entry("min_dim_tie", "reductions", "gradient of min along axis 0 of [1, 1]",
          "Does min along a dimension treat ties like min over the whole tensor?",
          {"x": [1.0, 1.0]}, lambda v: float(np.min(v)), gradients=simplex(2),
          min_norm=[0.5, 0.5]),
    Entry("prod_one_zero", "reductions", "gradient of prod([0, 2])",
          "Is the gradient of prod NaN when an entry is zero?",
          {"x": [0.0, 2.0]}, lambda v: float(np.prod(v)), gradients=only(2.0, 0.0),
          min_norm=[2.0, 0.0], differentiable=True),
    Entry("prod_two_zeros", "reductions", "gradient of prod([0, 0, 2])",
          "Is the gradient of prod right when two entries are zero?",
          {"x": [0.0, 0.0, 2.0]}, lambda v: float(np.prod(v)),
          gradients=only(0.0, 0.0, 0.0), min_norm=[0.0, 0.0, 0.0], differentiable=True),
    Entry("std_constant", "reductions",
          "gradient of the standard deviation (divisor n) of [1, 1, 1]",
          "Why is the gradient of std NaN for a constant vector?",
          {"x": [1.0, 1.0, 1.0]}, lambda v: float(np.std(v)),
          gradients=ball(1 / np.sqrt(3), mean_free=True), min_norm=[0.0, 0.0, 0.0]),
    Entry("var_constant", "reductions", "gradient of the variance (divisor n) of [1, 1, 1]",
          "Is the gradient of var finite where that of std is not?",
          {"x": [1.0, 1.0, 1.0]}, lambda v: float(np.var(v)), gradients=only(0.0, 0.0, 0.0),
          min_norm=[0.0, 0.0, 0.0], differentiable=True),
    # --- sorting, order statistics and pooling ----------------------------------------------
    Entry("sort_tie", "order", "gradient of sum(sort(x) * [1, 2]) at x = [1, 1]",
          "Where does the gradient of sort go when two values are equal?",
          {"x": [1.0, 1.0]}, lambda v: float(np.sum(np.sort(v) * [1.0, 2.0])),
          constants={"w": [1.0, 2.0]}, gradients=segment([1, 2], [2, 1]), min_norm=[1.5, 1.5]),
    Entry("topk_tie", "order", "gradient of the top-1 value (topk, k = 1) of [1, 1, 0]",
          "Which of two equal values does topk send the gradient to?",
          {"x": [1.0, 1.0, 0.0]}, lambda v: float(np.max(v)), gradients=simplex(3, (0, 1)),
          min_norm=[0.5, 0.5, 0.0]),
    Entry("median_tie", "order", "gradient of median([1, 1, 3])",
          "Which of two equal middle values does median send the gradient to?",
          {"x": [1.0, 1.0, 3.0]}, lambda v: float(np.median(v)),
          gradients=simplex(3, (0, 1)), min_norm=[0.5, 0.5, 0.0]),
    Entry("quantile_tie", "order",
          "gradient of quantile(x, 0.5) (linear interpolation) at x = [1, 1, 3, 4]",
          "How does quantile share the gradient between tied values?",
          {"x": [1.0, 1.0, 3.0, 4.0]}, lambda v: float(np.quantile(v, 0.5)),
          gradients=segment([0.5, 0, 0.5, 0], [0, 0.5, 0.5, 0]),
          min_norm=[0.25, 0.25, 0.5, 0.0]),
    Entry("kthvalue_tie", "order", "gradient of the 2nd smallest value (kthvalue) of [1, 1, 3]",
          "Which of two equal values does kthvalue send the gradient to?",
          {"x": [1.0, 1.0, 3.0]}, lambda v: float(np.sort(v)[1]),
          gradients=simplex(3, (0, 1)), min_norm=[0.5, 0.5, 0.0]),
    Entry("maxpool_tie", "order", "gradient of a 2 x 2 max-pooling window of four equal values",
          "Which element of a max-pooling window with equal values gets the gradient?",
          {"x": [1.0, 1.0, 1.0, 1.0]}, lambda v: float(np.max(v)), gradients=simplex(4),
          min_norm=[0.25, 0.25, 0.25, 0.25]),
    # --- norms, distances and angles --------------------------------------------------------
    Entry("norm_zero", "norms", "gradient of the L2 norm at [0, 0]",
          "Why is the gradient of norm NaN at zero?",
          {"x": [0.0, 0.0]}, lambda v: float(np.linalg.norm(v)), gradients=ball(),
          min_norm=[0.0, 0.0]),
    Entry("hand_norm_zero", "norms", "gradient of sqrt(sum(x * x)), written by hand, at [0, 0]",
          "Does a hand-written norm behave like the built-in one at zero?",
          {"x": [0.0, 0.0]}, lambda v: float(np.sqrt(np.sum(v * v))), gradients=ball(),
          min_norm=[0.0, 0.0]),
    Entry("norm_l1_zero", "norms", "gradient of the L1 norm (ord = 1) at [0, 0]",
          "What is the gradient of the L1 norm at zero?",
          {"x": [0.0, 0.0]}, lambda v: float(np.sum(np.abs(v))), gradients=interval(-1, 1),
          min_norm=[0.0, 0.0]),
    Entry("norm_inf_tie", "norms", "gradient of the max norm (ord = inf) at [1, 1]",
          "Where does the gradient of the infinity norm go at a tie?",
          {"x": [1.0, 1.0]}, lambda v: float(np.max(np.abs(v))), gradients=simplex(2),
          min_norm=[0.5, 0.5]),
    Entry("normalize_zero", "norms", "gradient of sum(normalize(x) * [1, 2]) at x = [0, 0]",
          "What does L2-normalising the zero vector do to the gradient?",
          {"x": [0.0, 0.0]},
          lambda v: float(np.sum(v / max(np.linalg.norm(v), 1e-12) * [1.0, 2.0])),
          constants={"w": [1.0, 2.0]},
          maths="x / ‖x‖ has no limit at 0 (it depends on the direction): no derivative and "
                "no generalised gradient; frameworks divide by max(‖x‖, eps), and NumPy's "
                "version does too, with eps = 1e-12"),
    Entry("cosine_similarity_zero", "norms",
          "gradient of cosine_similarity(x, y) at x = [0, 0], y = [1, 2] w.r.t. x",
          "Why is the gradient of cosine similarity NaN (or huge) at a zero vector?",
          {"x": [0.0, 0.0]},
          lambda v: float(np.dot(v, [1.0, 2.0])
                          / max(np.linalg.norm(v) * np.sqrt(5.0), 1e-8)),
          constants={"y": [1.0, 2.0]},
          maths="the cosine of the angle to the zero vector is undefined, and has no limit at "
                "0: no derivative; frameworks guard the division with an eps, NumPy's version "
                "with 1e-8"),
    Entry("cdist_zero", "norms", "gradient of cdist(x, y) (Euclidean) at x = y = [[1, 2]], w.r.t. x",
          "Why is the gradient of cdist NaN when two points coincide?",
          {"x": [[1.0, 2.0]]}, lambda v: float(np.linalg.norm(v - [1.0, 2.0])),
          constants={"y": [[1.0, 2.0]]}, gradients=ball(), min_norm=[0.0, 0.0]),
    Entry("pairwise_distance_zero", "norms",
          "gradient of pairwise_distance(x, y) at x = y = [[1, 2]], w.r.t. x",
          "What does pairwise_distance return as the gradient at distance 0?",
          {"x": [[1.0, 2.0]]}, lambda v: float(np.linalg.norm(v - [1.0, 2.0])),
          constants={"y": [[1.0, 2.0]]}, gradients=ball(), min_norm=[0.0, 0.0],
          maths="a framework whose value here is not 0 (see its value) adds a small eps to "
                "x - y before the norm: its function is smooth at this point, with gradient "
                "(1/√2, 1/√2), which lies in the ball"),
    Entry("hypot_zero", "norms", "gradient of hypot(x, y) at x = y = 0",
          "What is the gradient of hypot at the origin?",
          {"x": [0.0], "y": [0.0]}, lambda v: float(np.hypot(v[0], v[1])), gradients=ball(),
          min_norm=[0.0, 0.0]),
    Entry("atan2_zero", "norms", "gradient of atan2(y, x) at y = x = 0 w.r.t. y and x",
          "Why is the gradient of atan2 NaN at (0, 0)?",
          {"y": [0.0], "x": [0.0]}, lambda v: float(np.arctan2(v[0], v[1])),
          maths="atan2 jumps at the origin (its value depends on the direction of approach): "
                "no derivative and no generalised gradient"),
    # --- powers and roots -------------------------------------------------------------------
    Entry("sqrt_zero", "powers", "d/dx sqrt(x) at x = 0",
          "Why is the gradient of sqrt infinite at 0?",
          {"x": [0.0]}, _sum(np.sqrt),
          maths="the slope from the right is +inf, and sqrt is undefined on the left"),
    Entry("pow_half_zero", "powers", "d/dx x ** 0.5 at x = 0, beside sqrt",
          "Is x ** 0.5 the same as sqrt, gradient included?",
          {"x": [0.0]}, _sum(np.sqrt),
          maths="the slope from the right is +inf, and x ** 0.5 is undefined on the left"),
    Entry("pow_zero_exponent", "powers", "d/dx x ** 0 at x = 0 (an integer exponent)",
          "Is the gradient of x ** 0 at 0 zero or NaN?",
          {"x": [0.0]}, _sum(lambda v: np.ones_like(v)), gradients=only(0.0), min_norm=[0.0],
          differentiable=True),
    Entry("pow_zero_float_exponent", "powers", "d/dx x ** 0.0 at x = 0 (a float exponent)",
          "Does writing the exponent 0 as 0.0 change the gradient at 0?",
          {"x": [0.0]}, _sum(lambda v: np.ones_like(v)), gradients=only(0.0), min_norm=[0.0],
          differentiable=True),
    Entry("pow_one", "powers", "d/dx x ** 1 at x = 0 (an integer exponent)",
          "Is the gradient of x ** 1 at 0 one?",
          {"x": [0.0]}, _sum(lambda v: v), gradients=only(1.0), min_norm=[1.0],
          differentiable=True),
    Entry("pow_two", "powers", "d/dx x ** 2 at x = 0 (an integer exponent)",
          "Is the gradient of x ** 2 at 0 zero?",
          {"x": [0.0]}, _sum(lambda v: v * v), gradients=only(0.0), min_norm=[0.0],
          differentiable=True),
    Entry("where_sqrt_zero", "powers",
          "d/dx where(x > 0, sqrt(x), 0) at x = 0 (the branch not taken)",
          "Why does where() give NaN gradients from the branch it did not take?",
          {"x": [0.0]}, _where_sqrt,
          maths="the slope from the left is 0 and from the right +inf: no derivative, and the "
                "gradients nearby are unbounded"),
    Entry("where_sqrt_negative", "powers",
          "d/dx where(x > 0, sqrt(x), 0) at x = -1 (flat there; sqrt(-1) is NaN)",
          "Does the NaN of a branch where() did not take reach the gradient where the function "
          "is flat?",
          {"x": [-1.0]}, _where_sqrt,
          gradients=only(0.0), min_norm=[0.0], differentiable=True,
          maths="the function is 0 near -1, so its derivative is 0; the branch not taken, "
                "sqrt(-1), is NaN, and so is its derivative"),
    # --- logarithms and probabilities -------------------------------------------------------
    Entry("logsumexp_neginf", "probabilities", "gradient of logsumexp([-inf, -inf])",
          "Why is logsumexp's gradient NaN when every input is -inf?",
          {"x": [float("-inf"), float("-inf")]},
          lambda v: float(np.logaddexp.reduce(v)),
          maths="the value is -inf; the gradient would be softmax(x), which is 0/0 here: "
                "undefined"),
    Entry("xlogy_zero", "probabilities", "d/dy xlogy(x, y) at x = 0, y = 0",
          "Is xlogy safe to differentiate at x = y = 0?",
          {"y": [0.0]}, _sum(lambda v: np.zeros_like(v)), constants={"x": [0.0]},
          gradients=only(0.0), min_norm=[0.0], differentiable=True),
    Entry("kl_div_zero", "probabilities",
          "gradient of KL(p ‖ q) w.r.t. q at p = q = [0, 0.5, 0.5]",
          "Why is the KL divergence's gradient NaN where the probabilities are zero?",
          {"q": [0.0, 0.5, 0.5]},
          lambda v: float(0.5 * np.log(0.5 / v[1]) + 0.5 * np.log(0.5 / v[2])), constants={"p": [0.0, 0.5, 0.5]}, gradients=only(0.0, -1.0, -1.0),
          min_norm=[0.0, -1.0, -1.0], differentiable=True,
          maths="with 0 log 0 = 0, the term of p1 = 0 is 0 for every q1 > 0 and tends to 0 "
                "as q1 -> 0, so its derivative is 0; the others are -p_i / q_i = -1"),
    Entry("cross_entropy_neginf_logit", "probabilities",
          "gradient of softmax cross-entropy w.r.t. the logits [-inf, 0], target class 1",
          "Why does a masked (-inf) logit make cross-entropy's gradient NaN?",
          {"x": [float("-inf"), 0.0]}, _softmax_cross_entropy, constants={"t": [0.0, 1.0]},
          gradients=only(0.0, 0.0), min_norm=[0.0, 0.0], differentiable=True),
    Entry("bce_zero_prob", "probabilities",
          "d/dp binary cross-entropy at p = 0, target 0",
          "What is the gradient of binary cross-entropy at probability 0?",
          {"p": [0.0]}, _sum(lambda v: -np.log1p(-v)), constants={"t": [0.0]},
          gradients=only(1.0), min_norm=[1.0], differentiable=True),
    # --- linear algebra ---------------------------------------------------------------------
    Entry("svd_repeated", "linalg",
          "gradient of 2 s1 + s2 (s = singular values) at the 2 x 2 identity",
          "Why do SVD gradients go wrong when singular values repeat?",
          {"x": [[1.0, 0.0], [0.0, 1.0]]},
          lambda v: float(np.dot([2.0, 1.0], np.linalg.svd(v.reshape(2, 2), compute_uv=False))),
          constants={"w": [2.0, 1.0]}, gradients=identity_plus_density(2),
          min_norm=[1.5, 0.0, 0.0, 1.5]),
    Entry("svd_vectors_repeated", "linalg",
          "gradient of U[0, 0] ** 2 (U from the SVD) at the 2 x 2 identity",
          "Why is the gradient through SVD's singular vectors NaN or infinite?",
          {"x": [[1.0, 0.0], [0.0, 1.0]]},
          lambda v: float(np.linalg.svd(v.reshape(2, 2))[0][0, 0] ** 2),
          maths="at repeated singular values the singular vectors are not unique, and U[0, 0] "
                "jumps with the direction of the perturbation: no derivative"),
    Entry("eigh_degenerate", "linalg",
          "gradient of l1 + 2 l2 (l = the eigenvalues from eigh, ascending) at the 2 x 2 "
          "identity",
          "Why do eigh gradients go wrong with degenerate eigenvalues?",
          {"x": [[1.0, 0.0], [0.0, 1.0]]},
          lambda v: float(np.dot([1.0, 2.0], np.linalg.eigvalsh(_symmetric(v)))),
          constants={"w": [1.0, 2.0]}, gradients=identity_plus_density(2),
          min_norm=[1.5, 0.0, 0.0, 1.5]),
    Entry("eigh_vectors_degenerate", "linalg",
          "gradient of V[0, 0] ** 2 (V the eigenvectors from eigh) at the 2 x 2 identity",
          "Why is the gradient through eigh's eigenvectors NaN or infinite?",
          {"x": [[1.0, 0.0], [0.0, 1.0]]},
          lambda v: float(np.linalg.eigh(_symmetric(v))[1][0, 0] ** 2),
          maths="at a repeated eigenvalue the eigenvectors are not unique, and V[0, 0] jumps "
                "with the direction of the perturbation: no derivative"),
    # --- losses -----------------------------------------------------------------------------
    # every loss of lossedu's table with a kink at r = 0 (MAE, and any loss added with one)
    *(loss_tie_entry(definition) for definition in LOSSES.values() if definition.has_kink),
    Entry("huber_threshold", "losses",
          "d/dr of the Huber loss with delta = 2 at r = 2 (y_pred = 2, y_true = 0)",
          "Is the Huber loss differentiable where |r| = delta?",
          {"y_pred": [2.0]}, _sum(lambda v: np.where(np.abs(v) <= 2, 0.5 * v * v,
                                                     2 * (np.abs(v) - 1))),
          constants={"y_true": [0.0]}, gradients=only(2.0), min_norm=[2.0], differentiable=True),
    Entry("smooth_l1_beta", "losses",
          "d/dr of the smooth L1 loss with beta = 0.5 at r = 0.5 (y_pred = 0.5, y_true = 0)",
          "Is smooth L1 differentiable where |r| = beta?",
          {"y_pred": [0.5]}, _sum(lambda v: np.where(np.abs(v) < 0.5, v * v, np.abs(v) - 0.25)),
          constants={"y_true": [0.0]}, gradients=only(1.0), min_norm=[1.0], differentiable=True),
    Entry("mae_subnormal", "losses",
          f"gradient w.r.t. y_pred of the built-in MAE at y_true = 0, "
          f"y_pred = 3 x {_TINY_F32:.3g} (a float32 subnormal)",
          "Does the MAE gradient survive a tiny (subnormal) residual?",
          {"y_pred": [3 * _TINY_F32]}, _sum(np.abs), constants={"y_true": [0.0]},
          gradients=only(1.0), min_norm=[1.0], differentiable=True),
    Entry("hinge_margin", "losses",
          "d/dy_pred of the hinge loss max(0, 1 - y_true y_pred) at y_true = 1, y_pred = 1",
          "What does the hinge loss return exactly at the margin?",
          {"y_pred": [1.0]}, _sum(lambda v: np.maximum(0.0, 1.0 - v)), constants={"y_true": [1.0]},
          gradients=interval(-1, 0), min_norm=[0.0]),
    # --- steps, rounding and metrics --------------------------------------------------------
    Entry("step", "steps", "d/dx float(x > 0) at x = 0.5",
          "Why does my thresholded output get no gradient (or an error)?",
          {"x": [0.5]}, _sum(lambda v: (v > 0).astype(float)), gradients=only(0.0),
          min_norm=[0.0], differentiable=True),
    Entry("sign_zero", "steps", "d/dx sign(x) at x = 0 (a jump)",
          "What is the gradient of sign at 0?",
          {"x": [0.0]}, _sum(np.sign), maths="sign jumps at 0: no derivative, no subgradient"),
    Entry("round_half", "steps", "d/dx round(x) at x = 0.5 (a jump)",
          "What is the gradient of round at a half-integer?",
          {"x": [0.5]}, _sum(np.round), maths="round jumps at 0.5: no derivative"),
    Entry("floor_integer", "steps", "d/dx floor(x) at x = 1 (a jump)",
          "What is the gradient of floor at an integer?",
          {"x": [1.0]}, _sum(np.floor), maths="floor jumps at 1: no derivative"),
    Entry("accuracy_argmax", "steps",
          "gradient of accuracy = mean(argmax(logits) == 1) at logits [0.2, 0.7, 0.1]",
          "Why can't I train on accuracy?",
          {"x": [0.2, 0.7, 0.1]}, lambda v: float(np.argmax(v) == 1),
          constants={}, gradients=only(0.0, 0.0, 0.0), min_norm=[0.0, 0.0, 0.0],
          differentiable=True),
]
ENTRY_BY_ID = {entry.id: entry for entry in ENTRIES}

# A public thread where users asked each entry's question or met its behaviour (the page links
# it as "asked in"): the framework's own tracker where one was found.
SOURCES = {
    "abs": ("https://github.com/jax-ml/jax/issues/37820",
            "`jax.grad(jnp.abs)(0.0)` returns `1.0` — inconsistent with `jnp.sign(0.0) = 0.0`"),
    "abs_negative_zero": ("https://github.com/jax-ml/jax/issues/37820",
            "`jax.grad(jnp.abs)(0.0)` returns `1.0` — inconsistent with `jnp.sign(0.0) = 0.0`"),
    "relu": ("https://discuss.pytorch.org/t/gradient-of-relu-at-0/64345",
            "Gradient of ReLu at 0"),
    "maximum_zero": ("https://github.com/jax-ml/jax/issues/37821",
            "`jax.grad(lambda x: jnp.maximum(x, 0.0))(0.0)` returns `0.5` — deviates from standard ReLU gradient convention and from equivalent `jnp.where` formulation"),
    "leaky_relu": ("https://github.com/pytorch/pytorch/issues/10349",
            "[feature request] consistent default values for leaky_relu"),
    "relu6_upper": ("https://github.com/tinygrad/tinygrad/pull/18029",
            "fix relu6 boundary gradient at 6"),
    "hardtanh_upper": ("https://github.com/pytorch/pytorch/issues/184574",
            "`torch.clamp` / `torch.clamp_min` / `torch.clamp_max` return gradient 1.0 at boundary points where `F.relu6` and `F.hardtanh` return 0.0 for the same mathematical function"),
    "clip_upper": ("https://github.com/pytorch/pytorch/pull/7049",
            "clamp now has subgradient 1 at min and max"),
    "clip_lower": ("https://github.com/pytorch/pytorch/issues/7002",
            "torch.clamp kills gradients at the border"),
    "hardsigmoid_lower": ("https://github.com/pytorch/pytorch/pull/51454",
            "fix hardsigmoid_backward for boundary case"),
    "hardsigmoid_upper": ("https://github.com/pytorch/pytorch/issues/49922",
            "Some question about Hardsigmoid"),
    "hardswish_lower": ("https://github.com/pytorch/pytorch/pull/148049",
            "Fix `torch.nn.functional.hardswish` gradients corner case"),
    "hardswish_upper": ("https://github.com/pytorch/pytorch/issues/147801",
            "Incorrect Gradients at Boundary Points for `torch.nn.functional.hardswish`"),
    "elu_zero": ("https://github.com/tensorflow/tensorflow/issues/62434",
            "Bug in tf.test.compute_gradient for tf.keras.layers.ELU"),
    "maximum_tie": ("https://github.com/pytorch/pytorch/issues/184572",
            "`torch.maximum` / `torch.clamp_min` gradients at tie point violate PyTorch's documented subgradient convention and are inconsistent with `F.relu`"),
    "maximum_tie_xy": ("https://github.com/jax-ml/jax/pull/2195",
            "[Draft] Fix lax.max grad"),
    "maximum_tie_yx": ("https://github.com/PaddlePaddle/Paddle/pull/45178",
            "[autograd] add max_p primitive operator for new autograd"),
    "minimum_tie": ("https://github.com/pytorch/pytorch/issues/56734",
            "Element-wise max of two Tensors computes the wrong gradient in case of equality"),
    "minimum_tie_xy": ("https://github.com/tensorflow/swift-apis/issues/479",
            "Update 'min(_:_:)' and 'max(_:_:)' gradients to match Python TensorFlow."),
    "minimum_tie_yx": ("https://github.com/tensorflow/swift-apis/issues/479",
            "Update 'min(_:_:)' and 'max(_:_:)' gradients to match Python TensorFlow."),
    "reduce_max_tie": ("https://github.com/tensorflow/tensorflow/issues/51681",
            "Inconsistency in Gradients Calculation of reduce_max"),
    "max_dim_tie": ("https://github.com/pytorch/pytorch/issues/35699",
            "backward for tensor.min() and tensor.min(dim=0) behaves differently"),
    "amax_tie": ("https://github.com/pytorch/pytorch/pull/43092",
            "Add amax/amin"),
    "reduce_min_tie": ("https://github.com/tensorflow/tensorflow/issues/97688",
            "Add option for deterministic tie-breaking in tf.math.reduce_min"),
    "min_dim_tie": ("https://github.com/pytorch/pytorch/issues/146667",
            "Different gradient calculation for tensor.min() vs tensor.min(dim=0)"),
    "prod_one_zero": ("https://github.com/pytorch/pytorch/issues/773",
            "Gradient formula for prod can't handle 0 inputs"),
    "prod_two_zeros": ("https://github.com/tinygrad/tinygrad/pull/17404",
            "fix prod gradients at zero"),
    "std_constant": ("https://github.com/pytorch/pytorch/issues/4320",
            "torch.std NaN gradient"),
    "var_constant": ("https://github.com/jax-ml/jax/issues/11716",
            "jax.numpy.std bad behaviour with jax.grad evaluated over constant vector ?"),
    "sort_tie": ("https://github.com/pytorch/pytorch/issues/28871",
            "Request to add stable sorting algorithm to PyTorch"),
    "topk_tie": ("https://github.com/pytorch/pytorch/issues/27542",
            "Sorted topk behaves inconsistently depending on k"),
    "median_tie": ("https://github.com/pytorch/pytorch/issues/161841",
            "torch.median generating different solutions on CPU and GPU"),
    "quantile_tie": ("https://github.com/pytorch/pytorch/issues/185543",
            "[inductor] Gradient mismatch between eager and inductor for torch.quantile on tied values"),
    "maxpool_tie": ("https://github.com/tensorflow/tensorflow/issues/51682",
            "Inconsistency in Gradients Calculation of max_pooling and reduce_max"),
    "norm_zero": ("https://github.com/pytorch/pytorch/issues/2421",
            "Gradient of zero norm is nan"),
    "hand_norm_zero": ("https://github.com/pytorch/pytorch/pull/2775",
            "Norm subgradient at 0"),
    "norm_l1_zero": ("https://github.com/pytorch/pytorch/issues/7172",
            "L1Loss / torch.abs gradient discrepancy"),
    "norm_inf_tie": ("https://github.com/pytorch/pytorch/issues/41779",
            "Wrong gradient for torch.norm(x, p=float('inf')) when input tensor has non-unique max values"),
    "normalize_zero": ("https://github.com/pytorch/pytorch/issues/184575",
            "`F.normalize` returns ~1e12 gradient at zero-vector input instead of NaN, while the forward pass already returns NaN"),
    "pairwise_distance_zero": ("https://github.com/pytorch/pytorch/issues/61538",
            "The use of epsilon in torch.nn.functional.pairwise_distance leads to incorrect minima of the distances"),
    "hypot_zero": ("https://github.com/jax-ml/jax/pull/4893",
            "More stable implementation of np.hypot"),
    "atan2_zero": ("https://github.com/pytorch/pytorch/issues/98276",
            "torch.angle and torch.atan2 are producing unexpected gradients."),
    "sqrt_zero": ("https://github.com/tensorflow/tensorflow/issues/4914",
            "Keeping gradient of sqrt(x) stable for x = 0"),
    "pow_half_zero": ("https://github.com/tensorflow/tensorflow/issues/2295",
            "pow() gradients create +inf at 0.0"),
    "pow_zero_exponent": ("https://github.com/pytorch/pytorch/issues/8940",
            "Issue in a particular case in backpropagation"),
    "where_sqrt_zero": ("https://github.com/jax-ml/jax/issues/347",
            "Issue taking gradients through np.where when one of branches is nan."),
    "where_sqrt_negative": ("https://github.com/pytorch/pytorch/issues/187297",
            "torch.where backward propagates NaN gradient from inactive sqrt branch"),
    "logsumexp_neginf": ("https://github.com/jax-ml/jax/issues/6811",
            "Should gradients of logsumexp([-inf, -inf]) be 0s instead NaNs?"),
    "xlogy_zero": ("https://github.com/jax-ml/jax/issues/15709",
            "forward mode differentiation issue with scipy.special.xlogy"),
    "kl_div_zero": ("https://github.com/pytorch/pytorch/issues/89558",
            "KLDivLoss backward computation error"),
    "cross_entropy_neginf_logit": ("https://github.com/pytorch/pytorch/issues/11551",
            "CrossEntropyLoss, ignore_index does not prevent back-prop if the logits are -inf"),
    "bce_zero_prob": ("https://github.com/ml-explore/mlx/pull/1280",
            "Improve stability of BCE loss calculation for input probabilities close to or exactly 0 or 1"),
    "svd_repeated": ("https://github.com/jax-ml/jax/issues/2311",
            "Gradient of SVD with degenerate singular values becomes NaN"),
    "svd_vectors_repeated": ("https://github.com/tensorflow/tensorflow/issues/17476",
            "SVD gradient is unstable for non-unique singular values"),
    "eigh_degenerate": ("https://github.com/pytorch/pytorch/issues/47599",
            "Wrong grad of torch.symeig for degenerate eigenvalues"),
    "eigh_vectors_degenerate": ("https://github.com/jax-ml/jax/issues/4646",
            "grad(lambda M, i, j: eigh(M)[1][i, j], argnums=0) returns all NaNs when M has degenerate eigenvalues"),
    "mae_loss_tie": ("https://github.com/pytorch/pytorch/issues/7172",
            "L1Loss / torch.abs gradient discrepancy"),
    "mae_subnormal": ("https://github.com/tensorflow/tensorflow/issues/127905",
            "eager `tf.math.sign` flushes subnormal float32 to zero, returning `0` for a genuinely nonzero input (violates the documented `x>0→1` contract); XLA / NumPy / JAX return the correct `±1`"),
    "step": ("https://discuss.pytorch.org/t/gradient-of-threshold-function/205194",
            "Gradient of Threshold function"),
    "sign_zero": ("https://github.com/tensorflow/tensorflow/issues/56754",
            "Wrong forward gradient in `tf.autodiff.ForwardAccumulator` for `tf.sign`"),
    "round_half": ("https://discuss.pytorch.org/t/torch-round-gradient/28628/4",
            "Torch.round() gradient"),
    "floor_integer": ("https://discuss.pytorch.org/t/how-the-derivative-of-round-ceil-and-floor-function-defined-in-pytorch/50385",
            "How the derivative of round, ceil, and floor function defined in pytorch?"),
    "accuracy_argmax": ("https://discuss.pytorch.org/t/built-in-0-1-loss-function/216747",
            "Built-in 0-1 loss function?"),
}

