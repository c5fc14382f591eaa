"""The kink atlas: what PyTorch, TensorFlow and JAX return where the maths has no derivative.

Each :class:`Entry` is one operation at one point: ``abs`` at 0, ``maximum`` at a tie, the
gradient of a step function, and so on. :func:`probe` builds the operation in a framework, runs
that framework's autodiff, and reports what came back as a :class:`Result` of one kind:

- ``"value"``: a gradient (NaN and infinity included, as they are);
- ``"none"``: no gradient at all (TensorFlow's ``tape.gradient`` returned ``None``);
- ``"raises"``: building the operation or differentiating it raised an exception;
- ``"missing"``: the framework is not installed.

Beside the frameworks, ``"numpy-central"`` is the central finite difference of a NumPy version of
the operation, and :func:`one_sided_slopes` gives its backward and forward slopes.

Run ``python -m lossedu.atlas`` for a markdown table of every entry with the installed versions,
or ``python -m lossedu.atlas --json`` for one JSON object per (entry, framework).

>>> [entry.id for entry in ENTRIES][:3]
['abs', 'relu', 'leaky_relu']
>>> probe(ENTRY_BY_ID["abs"], "numpy-central").grad
[0.0]
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .frameworks import framework_versions, import_tensorflow
from .losses import mae
from .numdiff import numerical_grad

FRAMEWORKS = ("torch", "tensorflow", "jax", "numpy-central")
KINDS = ("value", "none", "raises", "missing")
_MODULE_OF = {"torch": "torch", "tensorflow": "tensorflow", "jax": "jax", "numpy-central": "numpy"}


# Sets of valid (Clarke) subgradients, as membership tests on a gradient vector. The tolerance
# admits float32 rounding and the error of finite differences, not a different answer.
TOLERANCE = 1e-5


def interval(low: float, high: float) -> Callable[[np.ndarray], bool]:
    """Every coordinate of the gradient in ``[low, high]``."""
    return lambda g: bool(np.all((g >= low - TOLERANCE) & (g <= high + TOLERANCE)))


def simplex(g: np.ndarray) -> bool:
    """Non-negative weights summing to 1: the subgradients of max over tied entries."""
    return bool(np.all(g >= -TOLERANCE) and abs(g.sum() - 1) < TOLERANCE)


def unit_ball(g: np.ndarray) -> bool:
    """Euclidean length at most 1: the subgradients of the L2 norm at the origin."""
    return bool(np.linalg.norm(g) <= 1 + TOLERANCE)


@dataclass(frozen=True)
class Entry:
    """One operation at one point, written once per framework and once in NumPy.

    ``torch``, ``tensorflow`` and ``jax`` take the framework module and the input tensor and
    return the output (summed to a scalar before differentiating); ``numpy`` takes a float64
    array and returns a number, for finite differences. ``subgradients`` tests whether a
    gradient is a valid subgradient there, and ``min_norm`` is the shortest one, where the
    operation is convex or concave near the point; both are ``None`` where it has none (jumps,
    sqrt at 0) or where they differ between frameworks (leaky_relu's default slope).
    ``differentiable`` marks the entries whose operation has an ordinary derivative at the point
    (then ``min_norm`` is that derivative): the controls that only look like kinks.
    """

    id: str
    what: str
    point: list
    calls: dict
    torch: Callable
    tensorflow: Callable
    jax: Callable
    numpy: Callable
    subgradients: Callable[[np.ndarray], bool] | None = None
    min_norm: list | None = None
    differentiable: bool = False
    dtype: str = "float32"


@dataclass(frozen=True)
class Result:
    """What one framework returned for one entry."""

    id: str
    framework: str
    version: str | None
    point: list
    kind: str
    grad: list | None = None
    error: str | None = None

    def to_json(self) -> dict:
        """The JSON object of ``--json``: NaN and infinities become "nan", "inf", "-inf"."""
        return {"id": self.id, "framework": self.framework, "version": self.version,
                "point": self.point, "kind": self.kind,
                "grad": None if self.grad is None else _json_numbers(self.grad),
                "error": self.error}

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        """The inverse of :meth:`to_json`.

        >>> result = Result("abs", "jax", "0.7.2", [0.0], "value", [float("nan")])
        >>> Result.from_json(result.to_json()).grad
        [nan]
        """
        keys = {"id", "framework", "version", "point", "kind", "grad", "error"}
        if not isinstance(data, dict) or set(data) != keys:
            raise ValueError(f"an atlas result is a JSON object with the keys {sorted(keys)}, "
                             f"got {data!r:.200}")
        if data["kind"] not in KINDS or data["framework"] not in FRAMEWORKS:
            raise ValueError(f"unknown kind or framework in {data!r:.200}")
        grad = None if data["grad"] is None else _from_json_numbers(data["grad"])
        return cls(data["id"], data["framework"], data["version"], data["point"], data["kind"],
                   grad, data["error"])


def _json_numbers(values):
    if isinstance(values, list):
        return [_json_numbers(v) for v in values]
    if math.isnan(values):
        return "nan"
    if math.isinf(values):
        return "inf" if values > 0 else "-inf"
    return values


def _from_json_numbers(values):
    if isinstance(values, list):
        return [_from_json_numbers(v) for v in values]
    return float(values)


def _ones_like(torch, x):
    return torch.ones_like(x)


def _huber_numpy(r):
    return float(np.mean(np.where(np.abs(r) < 1, 0.5 * r ** 2, np.abs(r) - 0.5)))


def _accuracy_numpy(logits):
    return float(np.mean(np.argmax(logits, axis=-1) == 1))


def _elu_numpy(x):
    return float(np.sum(np.where(x > 0, x, np.expm1(np.minimum(x, 0)))))


_TINY_F32 = float(np.finfo(np.float32).smallest_subnormal)

ENTRIES: list[Entry] = [
    # The ten entries of the course's specification, with exactly these ids and calls.
    Entry("abs", "d/dx abs(x) at x = 0", [0.0],
          {"torch": "torch.abs", "tensorflow": "tf.abs", "jax": "jnp.abs"},
          lambda torch, x: torch.abs(x), lambda tf, x: tf.abs(x), lambda jax, x: jax.numpy.abs(x),
          lambda x: np.abs(x).sum(), interval(-1, 1), [0.0]),
    Entry("relu", "d/dx relu(x) at x = 0", [0.0],
          {"torch": "torch.relu", "tensorflow": "tf.nn.relu", "jax": "jax.nn.relu"},
          lambda torch, x: torch.relu(x), lambda tf, x: tf.nn.relu(x), lambda jax, x: jax.nn.relu(x),
          lambda x: np.maximum(x, 0).sum(), interval(0, 1), [0.0]),
    Entry("leaky_relu", "d/dx leaky_relu(x) at x = 0, default slope (NumPy: 0.01)", [0.0],
          {"torch": "F.leaky_relu", "tensorflow": "tf.nn.leaky_relu", "jax": "jax.nn.leaky_relu"},
          lambda torch, x: torch.nn.functional.leaky_relu(x), lambda tf, x: tf.nn.leaky_relu(x),
          lambda jax, x: jax.nn.leaky_relu(x), lambda x: np.where(x >= 0, x, 0.01 * x).sum()),
    Entry("maximum_tie", "d/dx maximum(x, y) at x = y = 1, w.r.t. x", [1.0],
          {"torch": "torch.maximum", "tensorflow": "tf.maximum", "jax": "jnp.maximum"},
          lambda torch, x: torch.maximum(x, _ones_like(torch, x)), lambda tf, x: tf.maximum(x, 1.0),
          lambda jax, x: jax.numpy.maximum(x, 1.0), lambda x: np.maximum(x, 1.0).sum(),
          interval(0, 1), [0.0]),
    Entry("reduce_max_tie", "gradient of max over [1, 1] w.r.t. the vector", [1.0, 1.0],
          {"torch": "torch.max(x)", "tensorflow": "tf.reduce_max", "jax": "jnp.max"},
          lambda torch, x: torch.max(x), lambda tf, x: tf.reduce_max(x),
          lambda jax, x: jax.numpy.max(x), lambda x: np.max(x), simplex, [0.5, 0.5]),
    Entry("clip_upper", "d/dx clip(x, 0, 1) at x = 1", [1.0],
          {"torch": "torch.clamp", "tensorflow": "tf.clip_by_value", "jax": "jnp.clip"},
          lambda torch, x: torch.clamp(x, 0, 1), lambda tf, x: tf.clip_by_value(x, 0.0, 1.0),
          lambda jax, x: jax.numpy.clip(x, 0, 1), lambda x: np.clip(x, 0, 1).sum(),
          interval(0, 1), [0.0]),
    Entry("sqrt_zero", "d/dx sqrt(x) at x = 0", [0.0],
          {"torch": "torch.sqrt", "tensorflow": "tf.sqrt", "jax": "jnp.sqrt"},
          lambda torch, x: torch.sqrt(x), lambda tf, x: tf.sqrt(x), lambda jax, x: jax.numpy.sqrt(x),
          lambda x: np.sqrt(x).sum()),
    Entry("norm_zero", "gradient of the L2 norm at the vector [0, 0]", [0.0, 0.0],
          {"torch": "torch.linalg.vector_norm", "tensorflow": "tf.norm", "jax": "jnp.linalg.norm"},
          lambda torch, x: torch.linalg.vector_norm(x), lambda tf, x: tf.norm(x),
          lambda jax, x: jax.numpy.linalg.norm(x), lambda x: np.linalg.norm(x),
          unit_ball, [0.0, 0.0]),
    Entry("step", "d/dx of float(x > 0) at x = 0.5", [0.5],
          {"torch": "(x > 0).float()", "tensorflow": "tf.cast(x > 0, tf.float32)",
           "jax": "(x > 0).astype(float32)"},
          lambda torch, x: (x > 0).float(), lambda tf, x: tf.cast(x > 0, tf.float32),
          lambda jax, x: (x > 0).astype(jax.numpy.float32), lambda x: (x > 0).astype(float).sum(),
          interval(0, 0), [0.0], differentiable=True),
    Entry("mae_loss_tie", "gradient w.r.t. y_pred of the built-in mean absolute error at "
          "y_pred = y_true = [1, 2]", [1.0, 2.0],
          {"torch": "F.l1_loss", "tensorflow": "tf.keras.losses.MeanAbsoluteError",
           "jax": "jnp.mean(jnp.abs(y_pred - y_true))"},
          lambda torch, x: torch.nn.functional.l1_loss(x, torch.tensor([1.0, 2.0])),
          lambda tf, x: tf.keras.losses.MeanAbsoluteError()(tf.constant([1.0, 2.0]), x),
          lambda jax, x: jax.numpy.mean(jax.numpy.abs(x - jax.numpy.array([1.0, 2.0]))),
          lambda x: mae([1.0, 2.0], x), interval(-0.5, 0.5), [0.0, 0.0]),
    # More kinks, ties, jumps and traps.
    Entry("abs_negative_zero", "d/dx abs(x) at x = -0.0 (zero with its sign bit set)", [-0.0],
          {"torch": "torch.abs", "tensorflow": "tf.abs", "jax": "jnp.abs"},
          lambda torch, x: torch.abs(x), lambda tf, x: tf.abs(x), lambda jax, x: jax.numpy.abs(x),
          lambda x: np.abs(x).sum(), interval(-1, 1), [0.0]),
    Entry("minimum_tie", "d/dx minimum(x, y) at x = y = 1, w.r.t. x", [1.0],
          {"torch": "torch.minimum", "tensorflow": "tf.minimum", "jax": "jnp.minimum"},
          lambda torch, x: torch.minimum(x, _ones_like(torch, x)), lambda tf, x: tf.minimum(x, 1.0),
          lambda jax, x: jax.numpy.minimum(x, 1.0), lambda x: np.minimum(x, 1.0).sum(),
          interval(0, 1), [0.0]),
    Entry("max_dim_tie", "gradient of max over [1, 1] along a dimension w.r.t. the vector",
          [1.0, 1.0],
          {"torch": "torch.max(x, dim=0).values", "tensorflow": "tf.reduce_max(x, axis=0)",
           "jax": "jnp.max(x, axis=0)"},
          lambda torch, x: torch.max(x, dim=0).values, lambda tf, x: tf.reduce_max(x, axis=0),
          lambda jax, x: jax.numpy.max(x, axis=0), lambda x: np.max(x), simplex, [0.5, 0.5]),
    Entry("amax_tie", "gradient of amax over [1, 1] w.r.t. the vector", [1.0, 1.0],
          {"torch": "torch.amax", "tensorflow": "tf.math.reduce_max", "jax": "jnp.amax"},
          lambda torch, x: torch.amax(x), lambda tf, x: tf.math.reduce_max(x),
          lambda jax, x: jax.numpy.amax(x), lambda x: np.max(x), simplex, [0.5, 0.5]),
    Entry("clip_lower", "d/dx clip(x, 0, 1) at x = 0", [0.0],
          {"torch": "torch.clamp", "tensorflow": "tf.clip_by_value", "jax": "jnp.clip"},
          lambda torch, x: torch.clamp(x, 0, 1), lambda tf, x: tf.clip_by_value(x, 0.0, 1.0),
          lambda jax, x: jax.numpy.clip(x, 0, 1), lambda x: np.clip(x, 0, 1).sum(),
          interval(0, 1), [0.0]),
    Entry("hardtanh_upper", "d/dx hardtanh(x) = clip(x, -1, 1) at x = 1", [1.0],
          {"torch": "F.hardtanh", "tensorflow": "tf.clip_by_value(x, -1, 1)",
           "jax": "jax.nn.hard_tanh"},
          lambda torch, x: torch.nn.functional.hardtanh(x),
          lambda tf, x: tf.clip_by_value(x, -1.0, 1.0), lambda jax, x: jax.nn.hard_tanh(x),
          lambda x: np.clip(x, -1, 1).sum(), interval(0, 1), [0.0]),
    Entry("relu6_upper", "d/dx relu6(x) = clip(x, 0, 6) at x = 6", [6.0],
          {"torch": "F.relu6", "tensorflow": "tf.nn.relu6", "jax": "jax.nn.relu6"},
          lambda torch, x: torch.nn.functional.relu6(x), lambda tf, x: tf.nn.relu6(x),
          lambda jax, x: jax.nn.relu6(x), lambda x: np.clip(x, 0, 6).sum(), interval(0, 1), [0.0]),
    Entry("sign_zero", "d/dx sign(x) at x = 0 (a jump)", [0.0],
          {"torch": "torch.sign", "tensorflow": "tf.sign", "jax": "jnp.sign"},
          lambda torch, x: torch.sign(x), lambda tf, x: tf.sign(x), lambda jax, x: jax.numpy.sign(x),
          lambda x: np.sign(x).sum()),
    Entry("round_half", "d/dx round(x) at x = 0.5 (a jump)", [0.5],
          {"torch": "torch.round", "tensorflow": "tf.round", "jax": "jnp.round"},
          lambda torch, x: torch.round(x), lambda tf, x: tf.round(x),
          lambda jax, x: jax.numpy.round(x), lambda x: np.round(x).sum()),
    Entry("floor_integer", "d/dx floor(x) at x = 1 (a jump)", [1.0],
          {"torch": "torch.floor", "tensorflow": "tf.floor", "jax": "jnp.floor"},
          lambda torch, x: torch.floor(x), lambda tf, x: tf.floor(x),
          lambda jax, x: jax.numpy.floor(x), lambda x: np.floor(x).sum()),
    Entry("where_sqrt_zero", "d/dx where(x > 0, sqrt(x), 0) at x = 0 (the branch not taken)",
          [0.0],
          {"torch": "torch.where(x > 0, torch.sqrt(x), 0)",
           "tensorflow": "tf.where(x > 0, tf.sqrt(x), 0)", "jax": "jnp.where(x > 0, jnp.sqrt(x), 0)"},
          lambda torch, x: torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x)),
          lambda tf, x: tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x)),
          lambda jax, x: jax.numpy.where(x > 0, jax.numpy.sqrt(x), 0.0),
          lambda x: np.where(x > 0, np.sqrt(np.maximum(x, 0)), 0).sum()),
    Entry("hand_norm_zero", "gradient of sqrt(sum(x * x)), written by hand, at [0, 0]",
          [0.0, 0.0],
          {"torch": "torch.sqrt((x * x).sum())", "tensorflow": "tf.sqrt(tf.reduce_sum(x * x))",
           "jax": "jnp.sqrt(jnp.sum(x * x))"},
          lambda torch, x: torch.sqrt((x * x).sum()), lambda tf, x: tf.sqrt(tf.reduce_sum(x * x)),
          lambda jax, x: jax.numpy.sqrt(jax.numpy.sum(x * x)), lambda x: np.sqrt(np.sum(x * x)),
          unit_ball, [0.0, 0.0]),
    Entry("huber_threshold", "d/dr of the Huber / smooth L1 loss (delta = beta = 1) at r = 1",
          [1.0],
          {"torch": "F.smooth_l1_loss", "tensorflow": "tf.keras.losses.Huber",
           "jax": "jnp.where(|r| < 1, r**2 / 2, |r| - 1/2)"},
          lambda torch, x: torch.nn.functional.smooth_l1_loss(x, torch.zeros_like(x)),
          lambda tf, x: tf.keras.losses.Huber(delta=1.0)(tf.zeros_like(x), x),
          lambda jax, x: jax.numpy.mean(jax.numpy.where(
              jax.numpy.abs(x) < 1, 0.5 * x ** 2, jax.numpy.abs(x) - 0.5)),
          _huber_numpy, interval(1, 1), [1.0], differentiable=True),
    Entry("elu_zero", "d/dx elu(x) at x = 0 (a corner that is not one: both slopes are 1)",
          [0.0],
          {"torch": "F.elu", "tensorflow": "tf.nn.elu", "jax": "jax.nn.elu"},
          lambda torch, x: torch.nn.functional.elu(x), lambda tf, x: tf.nn.elu(x),
          lambda jax, x: jax.nn.elu(x), _elu_numpy, interval(1, 1), [1.0], differentiable=True),
    Entry("accuracy_argmax", "gradient of accuracy = mean(argmax(logits) == 1) w.r.t. the logits, "
          "at logits [0.2, 0.7, 0.1]", [0.2, 0.7, 0.1],
          {"torch": "(x.argmax(-1) == 1).float().mean()",
           "tensorflow": "tf.reduce_mean(tf.cast(tf.argmax(x, -1) == 1, tf.float32))",
           "jax": "jnp.mean(jnp.argmax(x, -1) == 1)"},
          lambda torch, x: (x.argmax(dim=-1) == 1).float().mean(),
          lambda tf, x: tf.reduce_mean(tf.cast(tf.argmax(x, axis=-1) == 1, tf.float32)),
          lambda jax, x: jax.numpy.mean((jax.numpy.argmax(x, axis=-1) == 1).astype(jax.numpy.float32)),
          _accuracy_numpy, interval(0, 0), [0.0, 0.0, 0.0], differentiable=True),
    Entry("mae_subnormal", f"gradient w.r.t. y_pred of the built-in MAE at y_true = 0, "
          f"y_pred = 3 x {_TINY_F32:.3g} (a float32 subnormal)", [3 * _TINY_F32],
          {"torch": "F.l1_loss", "tensorflow": "tf.keras.losses.MeanAbsoluteError",
           "jax": "jnp.mean(jnp.abs(y_pred - y_true))"},
          lambda torch, x: torch.nn.functional.l1_loss(x, torch.zeros_like(x)),
          lambda tf, x: tf.keras.losses.MeanAbsoluteError()(tf.zeros_like(x), x),
          lambda jax, x: jax.numpy.mean(jax.numpy.abs(x)),
          lambda x: mae(np.zeros_like(x), x), interval(1, 1), [1.0], differentiable=True),
]
ENTRY_BY_ID = {entry.id: entry for entry in ENTRIES}


def _torch_gradient(entry: Entry):
    import torch

    x = torch.tensor(entry.point, dtype=getattr(torch, entry.dtype), requires_grad=True)
    (grad,) = torch.autograd.grad(entry.torch(torch, x).sum(), x)
    return grad.detach().to(torch.float64).numpy()


def _tensorflow_gradient(entry: Entry):
    tf = import_tensorflow()
    x = tf.constant(entry.point, dtype=getattr(tf, entry.dtype))
    with tf.GradientTape() as tape:
        tape.watch(x)
        output = tf.reduce_sum(entry.tensorflow(tf, x))
    grad = tape.gradient(output, x)
    return None if grad is None else tf.cast(grad, tf.float64).numpy()


def _jax_gradient(entry: Entry):
    import jax

    x = jax.numpy.asarray(entry.point, dtype=getattr(jax.numpy, entry.dtype))
    grad = jax.grad(lambda v: jax.numpy.sum(entry.jax(jax, v)))(x)
    return np.asarray(grad, dtype=np.float64)


def _numpy_gradient(entry: Entry, method: str = "central"):
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = numerical_grad(entry.numpy, entry.point, method=method)
    # Finite differences carry rounding noise of about 1e-11 here; + 0.0 turns -0.0 into 0.0.
    return np.round(slopes, 10) + 0.0


_GRADIENT = {"torch": _torch_gradient, "tensorflow": _tensorflow_gradient, "jax": _jax_gradient,
             "numpy-central": _numpy_gradient}


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def probe(entry: Entry, framework: str) -> Result:
    """Ask ``framework`` for the gradient of ``entry`` and say what came back.

    >>> probe(ENTRY_BY_ID["relu"], "numpy-central").kind
    'value'
    """
    if not isinstance(entry, Entry):
        raise TypeError(f"entry must be an atlas Entry, got {type(entry).__name__}")
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; use one of {FRAMEWORKS}")
    module = _MODULE_OF[framework]
    point = list(entry.point)
    if framework_versions([module])[module] is None:
        return Result(entry.id, framework, None, point, "missing", error=f"{module} is not installed")
    try:
        grad = _GRADIENT[framework](entry)
    except ImportError as error:
        return Result(entry.id, framework, framework_versions([module])[module], point, "missing",
                      error=_first_line(error))
    except Exception as error:  # reporting the exception is the point of the probe
        grad, failure = None, error
    else:
        failure = None
    # Asked after the framework is imported, the version is the module's own (2.11.0+cu130),
    # not its package's (2.11.0), so every entry of a run reports the same string.
    version = framework_versions([module])[module]
    if failure is not None:
        return Result(entry.id, framework, version, point, "raises", error=_first_line(failure))
    if grad is None:
        return Result(entry.id, framework, version, point, "none")
    return Result(entry.id, framework, version, point, "value", grad=np.asarray(grad).tolist())


def classify(entry: Entry, result: Result) -> str:
    """How a framework's answer relates to the subgradients of ``entry``'s operation.

    At a kink or tie: ``"min-norm"`` (the shortest subgradient), ``"subgradient"`` (valid, not
    the shortest) or ``"not a subgradient"``. Where the operation is differentiable:
    ``"derivative"`` or ``"not the derivative"``. Otherwise ``"nan/inf"``, or the result's kind
    (``"none"``, ``"raises"``, ``"missing"``) when there is no gradient; ``"not classified"``
    for entries without a set of subgradients: jumps, sqrt at 0, and leaky_relu (whose default
    slope, and so whose subgradients, differ between frameworks).

    >>> classify(ENTRY_BY_ID["abs"], probe(ENTRY_BY_ID["abs"], "numpy-central"))
    'min-norm'
    """
    if result.id != entry.id:
        raise ValueError(f"result {result.id!r} does not belong to entry {entry.id!r}")
    if entry.subgradients is None:
        return "not classified"
    if result.kind != "value":
        return result.kind
    grad = np.asarray(result.grad, dtype=np.float64)
    if not np.all(np.isfinite(grad)):
        return "nan/inf"
    if entry.differentiable:
        return "derivative" if entry.subgradients(grad) else "not the derivative"
    if np.allclose(grad, entry.min_norm, atol=TOLERANCE):
        return "min-norm"
    return "subgradient" if entry.subgradients(grad) else "not a subgradient"


def classifications(results: Sequence[Result]) -> dict[str, dict[str, str]]:
    """:func:`classify` for every entry of ``results`` that has a set of subgradients, as
    ``{entry id: {framework: verdict}}``, frameworks only (not the NumPy central difference).

    >>> jax_at_abs = Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])
    >>> central = Result("abs", "numpy-central", None, [0.0], "value", [0.0])
    >>> classifications([jax_at_abs, central])
    {'abs': {'jax': 'subgradient'}}
    """
    if not isinstance(results, Sequence) or not results:
        raise ValueError("results must be a non-empty list of atlas results (atlas.run())")
    verdicts: dict[str, dict[str, str]] = {}
    for result in results:
        entry = ENTRY_BY_ID[result.id]
        if entry.subgradients is not None and result.framework != "numpy-central":
            verdicts.setdefault(result.id, {})[result.framework] = classify(entry, result)
    return verdicts


def verdict_counts(results: Sequence[Result]) -> dict[str, Counter]:
    """How often each framework gives each verdict of :func:`classifications`, as
    ``{framework: Counter({verdict: count})}`` (a verdict a framework never gives counts 0).

    >>> jax_at_abs = Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])
    >>> counts = verdict_counts([jax_at_abs])
    >>> counts["jax"]["subgradient"], counts["jax"]["min-norm"]
    (1, 0)
    """
    tally: dict[str, Counter] = {}
    for row in classifications(results).values():
        for framework, verdict in row.items():
            tally.setdefault(framework, Counter())[verdict] += 1
    return tally


def classification_table(results: Sequence[Result], *, counts: bool = False) -> str:
    """A markdown table of :func:`classifications`: one row per entry and one column per
    framework, or with ``counts``, one row per verdict and how often each framework gave it.

    >>> print(classification_table([Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])],
    ...                            counts=True))
    | verdict | JAX |
    |---|---|
    | subgradient | 1 |
    """
    verdicts = classifications(results)
    frameworks = [f for f in FRAMEWORKS if any(f in row for row in verdicts.values())]
    if not frameworks:
        raise ValueError("no entry of results has a set of subgradients to classify against")
    if counts:
        kinds = sorted({v for row in verdicts.values() for v in row.values()})
        tally = verdict_counts(results)
        rows = [[kind] + [str(tally[f][kind]) for f in frameworks] for kind in kinds]
        first = "verdict"
    else:
        rows = [[f"`{entry_id}`"] + [row.get(f, "(not run)") for f in frameworks]
                for entry_id, row in verdicts.items()]
        first = "entry"
    lines = ["| " + " | ".join([first] + [TITLES[f] for f in frameworks]) + " |",
             "|" + "---|" * (len(frameworks) + 1)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def one_sided_slopes(entry: Entry) -> tuple[list, list]:
    """The backward and forward finite-difference slopes of the NumPy version of ``entry``."""
    return (_numpy_gradient(entry, "backward").tolist(), _numpy_gradient(entry, "forward").tolist())


def run(ids: Sequence[str] | None = None, frameworks: Sequence[str] = FRAMEWORKS) -> list[Result]:
    """Probe every entry (or those in ``ids``) with every framework, in table order.

    >>> [r.kind for r in run(["step"], ["numpy-central"])]
    ['value']
    """
    for name, value in (("ids", ids), ("frameworks", frameworks)):
        if isinstance(value, str):
            raise TypeError(f"{name} must be a list of names, not the string {value!r}")
    ids = None if ids is None else list(ids)
    frameworks = list(frameworks)
    if ids == [] or not frameworks:
        raise ValueError("ids and frameworks must not be empty (ids=None means every entry)")
    unknown = sorted(set(ids or ()) - set(ENTRY_BY_ID))
    if unknown:
        raise ValueError(f"unknown atlas ids {unknown}; known ids: {sorted(ENTRY_BY_ID)}")
    bad = sorted(set(frameworks) - set(FRAMEWORKS))
    if bad:
        raise ValueError(f"unknown frameworks {bad}; use some of {FRAMEWORKS}")
    entries = [ENTRY_BY_ID[i] for i in ids] if ids else ENTRIES
    return [probe(entry, framework) for entry in entries for framework in frameworks]


def run_versions(results: Sequence[Result]) -> dict[str, str | None]:
    """The version of each framework a run used, e.g. ``{"torch": "2.13.0+cpu", ...}``; a run
    that names two versions of one framework is an error."""
    versions: dict[str, set] = {}
    for result in results:
        versions.setdefault(result.framework, set()).add(result.version)
    mixed = {f: sorted(map(str, v)) for f, v in versions.items() if len(v) > 1}
    if mixed:
        raise ValueError(f"one run reports several versions of a framework: {mixed}")
    return {framework: next(iter(v)) for framework, v in versions.items()}


def same_answer(a: Result, b: Result) -> bool:
    """Whether two results for one entry and framework give the same answer: the same kind, the
    same gradient (NaN equal to NaN, -0 apart from 0) or the same exception type.

    >>> a = Result("abs", "torch", "2.13.0", [0.0], "value", [0.0])
    >>> same_answer(a, Result("abs", "torch", "2.11.0", [0.0], "value", [-0.0]))
    False
    """
    if (a.id, a.framework) != (b.id, b.framework):
        raise ValueError(f"{a.id}/{a.framework} and {b.id}/{b.framework} are different questions")
    if a.kind != b.kind or describe(a) != describe(b):
        return False
    if a.kind != "value":
        return True
    x, y = np.asarray(a.grad, dtype=np.float64), np.asarray(b.grad, dtype=np.float64)
    return x.shape == y.shape and bool(np.all((x == y) & (np.signbit(x) == np.signbit(y))
                                              | (np.isnan(x) & np.isnan(y))))


@dataclass(frozen=True)
class RecordedRun:
    """The atlas as computed in another environment and stored with lossedu."""

    name: str
    environment: str
    package_list_date: str
    python: str
    results: list

    @property
    def label(self) -> str:
        """``"Colab's runtime (package list of 2026-08-19; Python 3.13.0, torch ...)"``."""
        versions = ", ".join(f"{_MODULE_OF[f]} {v}" for f, v in run_versions(self.results).items())
        return (f"{self.environment} (package list of {self.package_list_date}; "
                f"Python {self.python}, {versions})")


def recorded_run(name: str = "colab") -> RecordedRun:
    """A stored run of the atlas: ``"colab"`` is the one the course's Colab test leg computed
    with the versions of Colab's runtime (``lossedu/data/atlas-colab.json``).

    >>> run = recorded_run("colab")
    >>> run.environment, len(run.results) == len(ENTRIES) * len(FRAMEWORKS)
    ("Colab's runtime", True)
    """
    from importlib import resources

    if not isinstance(name, str):
        raise TypeError(f"a recorded run is named by a string, got {type(name).__name__}")
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"a recorded run is named by a short lowercase word, got {name!r}")
    path = resources.files("lossedu") / "data" / f"atlas-{name}.json"
    if not path.is_file():
        raise ValueError(f"no recorded atlas run {name!r} (looked for {path})")
    data = json.loads(path.read_text())
    return RecordedRun(name, data["environment"], data["package_list_date"], data["python"],
                       [Result.from_json(item) for item in data["results"]])


def comparison_table(results: Sequence[Result], other: Sequence[Result],
                     labels: tuple[str, str] = ("here", "there")) -> str:
    """A markdown table of two runs of the atlas side by side: one row per entry, one column
    per framework. An answer both runs share is shown once; one that differs is shown as
    **this ≠ that** (``labels`` name the two runs in the legend line above the table), and the
    last column says whether the row differs."""
    mine = {(r.id, r.framework): r for r in results}
    theirs = {(r.id, r.framework): r for r in other}
    frameworks = [f for f in FRAMEWORKS if any(k[1] == f for k in mine)
                  and any(k[1] == f for k in theirs)]
    ids = [i for i in dict.fromkeys(r.id for r in results) if any(k[0] == i for k in theirs)]
    if not frameworks or not ids:
        raise ValueError("the two runs have no entry and framework in common")
    lines = [f"Where the two differ, a cell reads **{labels[0]} ≠ {labels[1]}**.", "",
             "| id | " + " | ".join(TITLES[f] for f in frameworks) + " | both agree? |",
             "|---|" + "---|" * (len(frameworks) + 1)]
    for entry_id in ids:
        cells, agree = [], True
        for framework in frameworks:
            a, b = mine.get((entry_id, framework)), theirs.get((entry_id, framework))
            if a is None or b is None:
                cells.append("(not in both)")
            elif same_answer(a, b):
                cells.append(describe(a))
            else:
                agree = False
                cells.append(f"**{describe(a)} ≠ {describe(b)}**")
        verdict = "yes" if agree else "**differs**"
        lines.append(f"| `{entry_id}` | " + " | ".join(c.replace("|", "\\|") for c in cells)
                     + f" | {verdict} |")
    return "\n".join(lines)


def format_grad(values) -> str:
    """A gradient as a short string: ``0``, ``-0``, ``0.5``, ``nan``, ``[0.5, 0.5]``."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    text = [f"{v:.4g}" for v in flat]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


def describe(result: Result) -> str:
    """The table cell for one result."""
    if result.kind == "value":
        return format_grad(result.grad)
    if result.kind == "none":
        return "None"
    if result.kind == "raises":
        return f"raises {result.error.split(':')[0]}"
    return "not installed"


def versions_header(frameworks: Sequence[str] = FRAMEWORKS) -> str:
    """The versions the atlas was generated with, e.g. ``torch 2.13.0+cpu, ...``."""
    modules = [_MODULE_OF[f] for f in frameworks]
    versions = framework_versions(list(dict.fromkeys(modules)))
    return ", ".join(f"{m} {versions[m] or 'not installed'}" for m in dict.fromkeys(modules))


TITLES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX",
          "numpy-central": "NumPy central"}
SLOPES_TITLE = "slopes left / right"
TABLE_LEGEND = (f"*{SLOPES_TITLE}*: NumPy's backward and forward finite differences, which "
                "differ at a kink. **Bold**: an answer that differs from the other frameworks' "
                "(all of them bold when no two agree).")


def _answer_key(result: Result) -> tuple:
    """What an answer means, for comparing frameworks: -0 counts as 0, NaN as NaN."""
    if result.kind == "value":
        flat = np.asarray(result.grad, dtype=np.float64).ravel()
        return ("value", tuple("nan" if math.isnan(v) else v + 0.0 for v in flat))
    return (result.kind, describe(result))


def disagreeing(results: Sequence[Result]) -> set[str]:
    """The frameworks whose answer for one entry differs from the others'.

    When some answer is given by more frameworks than any other, the frameworks that gave a
    different one; when no answer has such a majority, all of them. Frameworks that are not
    installed take no part; ``-0`` counts as ``0``.

    >>> def answer(framework, grad):
    ...     return Result("abs", framework, "v", [0.0], "value", [grad])
    >>> sorted(disagreeing([answer("torch", 0.0), answer("tensorflow", -0.0), answer("jax", 1.0)]))
    ['jax']
    """
    results = [r for r in results if r.kind != "missing"]
    if len({r.id for r in results}) > 1:
        raise ValueError(f"answers to different entries: {sorted({r.id for r in results})}")
    keys = {r.framework: _answer_key(r) for r in results}
    ranked = Counter(keys.values()).most_common(2)
    if len(ranked) <= 1:
        return set()
    if ranked[0][1] == ranked[1][1]:
        return set(keys)
    return {framework for framework, key in keys.items() if key != ranked[0][0]}


def table_rows(results: Sequence[Result], *, central: bool = False
               ) -> tuple[list[str], list[list[str]]]:
    """The atlas as a header and rows of plain-text cells: one row per entry, with the entry's
    id and what it differentiates, NumPy's one-sided slopes (left / right), and one column per
    framework in ``results`` (the NumPy central difference only if ``central``). A framework
    whose answer differs from the others' (:func:`disagreeing`) is wrapped in ``**``."""
    if not isinstance(results, Sequence) or not results:
        raise ValueError("results must be a non-empty list of atlas results (atlas.run())")
    frameworks = [f for f in FRAMEWORKS if any(r.framework == f for r in results)
                  and (central or f != "numpy-central")]
    by_key = {(r.id, r.framework): r for r in results}
    header = ["entry", SLOPES_TITLE] + [TITLES[f] for f in frameworks]
    rows = []
    for entry_id in dict.fromkeys(r.id for r in results):
        entry = ENTRY_BY_ID[entry_id]
        backward, forward = one_sided_slopes(entry)
        answers = [by_key[entry_id, f] for f in frameworks if (entry_id, f) in by_key]
        odd = disagreeing([a for a in answers if a.framework != "numpy-central"])
        cells = []
        for framework in frameworks:
            answer = by_key.get((entry_id, framework))
            # a no-break space keeps a short vector on one line of a narrow column
            text = "(not run)" if answer is None else describe(answer).replace(", ", ",\u00a0")
            cells.append(f"**{text}**" if framework in odd else text)
        rows.append([entry.id, f"{format_grad(backward)} / {format_grad(forward)}"] + cells)
    return header, rows


def markdown_table(results: Sequence[Result], *, central: bool = False,
                   legend: bool = True) -> str:
    """The atlas as a markdown table (see :func:`table_rows`), narrow enough for a book page:
    the entry column wraps; ``legend`` puts :data:`TABLE_LEGEND` above it.

    >>> print(markdown_table(run(["abs"], ["numpy-central"]), central=True, legend=False))
    | entry | slopes left / right | NumPy central |
    |---|---|---|
    | `abs`: d/dx abs(x) at x = 0 | -1 / 1 | 0 |
    """
    header, rows = table_rows(results, central=central)
    lines = [TABLE_LEGEND, ""] if legend else []
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for entry_id, *cells in rows:
        what = ENTRY_BY_ID[entry_id].what
        cells = [f"`{entry_id}`: {what}"] + cells
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def calls_html(entries: Sequence[Entry] = ENTRIES) -> str:
    """An HTML table of how each entry is written in each framework: one row per entry, the
    three calls stacked in one cell, so that the table fits a book page.

    >>> "<code>jnp.abs</code>" in calls_html([ENTRY_BY_ID["abs"]])
    True
    """
    from html import escape

    entries = list(entries)
    if not entries or not all(isinstance(e, Entry) for e in entries):
        raise TypeError("entries must be a non-empty list of atlas entries")
    body = "".join(
        f"<tr><td><code>{escape(e.id)}</code></td><td>"
        + "<br>".join(f"{TITLES[f]}: <code>{escape(e.calls[f])}</code>"
                      for f in ("torch", "tensorflow", "jax")) + "</td></tr>"
        for e in entries)
    return ('<table class="table atlas-calls"><thead><tr><th>id</th>'
            f"<th>PyTorch, TensorFlow and JAX</th></tr></thead><tbody>{body}</tbody></table>")


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m lossedu.atlas [--json] [--ids abs,relu] [--frameworks torch,jax]``."""
    parser = argparse.ArgumentParser(
        prog="python -m lossedu.atlas",
        description="What each installed framework returns as the gradient at kinks, ties and jumps.")
    parser.add_argument("--json", action="store_true", help="print a JSON array instead of markdown")
    parser.add_argument("--ids", help="comma-separated entry ids (default: all)")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS),
                        help=f"comma-separated, from {','.join(FRAMEWORKS)}")
    args = parser.parse_args(argv)
    ids = args.ids.split(",") if args.ids else None
    try:
        results = run(ids, args.frameworks.split(","))
    except ValueError as error:
        parser.error(str(error))
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=1))
    else:
        print(f"Gradients at the kink, generated with {versions_header(args.frameworks.split(','))}\n")
        print(markdown_table(results, central="numpy-central" in args.frameworks.split(",")))


if __name__ == "__main__":
    main()
