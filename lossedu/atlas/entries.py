"""The atlas's entries: one operation at one point each, written once per framework and once in
NumPy.

- :class:`Entry` is one entry; :data:`ENTRIES` lists them in table order and
  :data:`ENTRY_BY_ID` finds one by id. Every entry is probed in :data:`DTYPE`.
- :func:`loss_entry` makes the entry of a loss from :mod:`lossedu.loss_table` at a point: its
  framework versions and their calls come from :func:`lossedu.frameworks.framework_loss`.
- :func:`interval`, :func:`simplex` and :func:`unit_ball` are sets of valid (Clarke)
  subgradients, as membership tests on a gradient vector, up to :data:`TOLERANCE`.

>>> ENTRY_BY_ID["abs"].calls["jax"]
'jnp.abs'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from ..frameworks import framework_loss, framework_loss_text
from ..losses import loss_function

# The tolerance admits float32 rounding and the error of finite differences, not a different answer.
TOLERANCE = 1e-5
# Every entry's point is a float32 tensor, the frameworks' default dtype.
DTYPE = "float32"


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
    array and returns a number, for finite differences. ``calls`` says how each framework's
    version reads. ``subgradients`` tests whether a gradient is a valid subgradient there, and
    ``min_norm`` is the shortest one, where the operation is convex or concave near the point;
    both are ``None`` where it has none (jumps, sqrt at 0) or where they differ between
    frameworks (leaky_relu's default slope). ``differentiable`` marks the entries whose
    operation has an ordinary derivative at the point (then ``min_norm`` is that derivative):
    the controls that only look like kinks.
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


def loss_entry(*, id: str, what: str, loss: str, y_true: list, point: list,
               subgradients=None, min_norm=None, differentiable: bool = False,
               **parameters) -> Entry:
    """The entry of the gradient of a loss of :mod:`lossedu.loss_table` with respect to
    ``y_pred``, at ``y_pred = point``: each framework's built-in (or the textbook formula where
    it has none), lossedu's NumPy loss for the finite differences.

    >>> entry = loss_entry(id="mse_tie", what="MSE at a tie", loss="mse", y_true=[1.0],
    ...                    point=[1.0], subgradients=interval(0, 0), min_norm=[0.0],
    ...                    differentiable=True)
    >>> entry.calls["torch"], entry.numpy(np.array([3.0]))
    ('F.mse_loss', 4.0)
    """
    numpy_loss = loss_function(loss)

    def in_framework(framework: str, as_tensor: Callable) -> Callable:
        # built when probed, so that importing the atlas imports no framework
        return lambda module, x: framework_loss(framework, loss, **parameters)(
            x, as_tensor(module, x))

    return Entry(
        id=id, what=what, point=point,
        calls={f: framework_loss_text(f, loss) for f in ("torch", "tensorflow", "jax")},
        torch=in_framework("torch", lambda torch, x: torch.tensor(y_true, dtype=x.dtype)),
        tensorflow=in_framework("tensorflow", lambda tf, x: tf.constant(y_true, dtype=x.dtype)),
        jax=in_framework("jax", lambda jax, x: jax.numpy.asarray(y_true, dtype=x.dtype)),
        numpy=lambda x: float(numpy_loss(y_true, x, **parameters)),
        subgradients=subgradients, min_norm=min_norm, differentiable=differentiable)


def _accuracy_numpy(logits):
    return float(np.mean(np.argmax(logits, axis=-1) == 1))


def _elu_numpy(x):
    return float(np.sum(np.where(x > 0, x, np.expm1(np.minimum(x, 0)))))


_TINY_F32 = float(np.finfo(np.float32).smallest_subnormal)


def _calls(torch: str, tensorflow: str, jax: str) -> dict:
    return {"torch": torch, "tensorflow": tensorflow, "jax": jax}


# Two operations the atlas asks about at two points each (the second made with replace).
_ABS = Entry(id="abs", what="d/dx abs(x) at x = 0", point=[0.0],
             calls=_calls("torch.abs", "tf.abs", "jnp.abs"),
             torch=lambda torch, x: torch.abs(x),
             tensorflow=lambda tf, x: tf.abs(x),
             jax=lambda jax, x: jax.numpy.abs(x),
             numpy=lambda x: np.abs(x).sum(),
             subgradients=interval(-1, 1), min_norm=[0.0])
_CLIP_UPPER = Entry(id="clip_upper", what="d/dx clip(x, 0, 1) at x = 1", point=[1.0],
                    calls=_calls("torch.clamp", "tf.clip_by_value", "jnp.clip"),
                    torch=lambda torch, x: torch.clamp(x, 0, 1),
                    tensorflow=lambda tf, x: tf.clip_by_value(x, 0.0, 1.0),
                    jax=lambda jax, x: jax.numpy.clip(x, 0, 1),
                    numpy=lambda x: np.clip(x, 0, 1).sum(),
                    subgradients=interval(0, 1), min_norm=[0.0])

ENTRIES: list[Entry] = [
    # The ten entries of the course's specification, with exactly these ids and calls.
    _ABS,
    Entry(id="relu", what="d/dx relu(x) at x = 0", point=[0.0],
          calls=_calls("torch.relu", "tf.nn.relu", "jax.nn.relu"),
          torch=lambda torch, x: torch.relu(x),
          tensorflow=lambda tf, x: tf.nn.relu(x),
          jax=lambda jax, x: jax.nn.relu(x),
          numpy=lambda x: np.maximum(x, 0).sum(),
          subgradients=interval(0, 1), min_norm=[0.0]),
    Entry(id="leaky_relu", what="d/dx leaky_relu(x) at x = 0, default slope (NumPy: 0.01)",
          point=[0.0],
          calls=_calls("F.leaky_relu", "tf.nn.leaky_relu", "jax.nn.leaky_relu"),
          torch=lambda torch, x: torch.nn.functional.leaky_relu(x),
          tensorflow=lambda tf, x: tf.nn.leaky_relu(x),
          jax=lambda jax, x: jax.nn.leaky_relu(x),
          numpy=lambda x: np.where(x >= 0, x, 0.01 * x).sum()),
    Entry(id="maximum_tie", what="d/dx maximum(x, y) at x = y = 1, w.r.t. x", point=[1.0],
          calls=_calls("torch.maximum", "tf.maximum", "jnp.maximum"),
          torch=lambda torch, x: torch.maximum(x, torch.ones_like(x)),
          tensorflow=lambda tf, x: tf.maximum(x, 1.0),
          jax=lambda jax, x: jax.numpy.maximum(x, 1.0),
          numpy=lambda x: np.maximum(x, 1.0).sum(),
          subgradients=interval(0, 1), min_norm=[0.0]),
    Entry(id="reduce_max_tie", what="gradient of max over [1, 1] w.r.t. the vector",
          point=[1.0, 1.0],
          calls=_calls("torch.max(x)", "tf.reduce_max", "jnp.max"),
          torch=lambda torch, x: torch.max(x),
          tensorflow=lambda tf, x: tf.reduce_max(x),
          jax=lambda jax, x: jax.numpy.max(x),
          numpy=lambda x: np.max(x),
          subgradients=simplex, min_norm=[0.5, 0.5]),
    _CLIP_UPPER,
    Entry(id="sqrt_zero", what="d/dx sqrt(x) at x = 0", point=[0.0],
          calls=_calls("torch.sqrt", "tf.sqrt", "jnp.sqrt"),
          torch=lambda torch, x: torch.sqrt(x),
          tensorflow=lambda tf, x: tf.sqrt(x),
          jax=lambda jax, x: jax.numpy.sqrt(x),
          numpy=lambda x: np.sqrt(x).sum()),
    Entry(id="norm_zero", what="gradient of the L2 norm at the vector [0, 0]", point=[0.0, 0.0],
          calls=_calls("torch.linalg.vector_norm", "tf.norm", "jnp.linalg.norm"),
          torch=lambda torch, x: torch.linalg.vector_norm(x),
          tensorflow=lambda tf, x: tf.norm(x),
          jax=lambda jax, x: jax.numpy.linalg.norm(x),
          numpy=lambda x: np.linalg.norm(x),
          subgradients=unit_ball, min_norm=[0.0, 0.0]),
    Entry(id="step", what="d/dx of float(x > 0) at x = 0.5", point=[0.5],
          calls=_calls("(x > 0).float()", "tf.cast(x > 0, tf.float32)",
                       "(x > 0).astype(float32)"),
          torch=lambda torch, x: (x > 0).float(),
          tensorflow=lambda tf, x: tf.cast(x > 0, tf.float32),
          jax=lambda jax, x: (x > 0).astype(jax.numpy.float32),
          numpy=lambda x: (x > 0).astype(float).sum(),
          subgradients=interval(0, 0), min_norm=[0.0], differentiable=True),
    loss_entry(id="mae_loss_tie", loss="mae", y_true=[1.0, 2.0], point=[1.0, 2.0],
               what="gradient w.r.t. y_pred of the built-in mean absolute error at "
                    "y_pred = y_true = [1, 2]",
               subgradients=interval(-0.5, 0.5), min_norm=[0.0, 0.0]),
    # More kinks, ties, jumps and traps.
    replace(_ABS, id="abs_negative_zero", point=[-0.0],
            what="d/dx abs(x) at x = -0.0 (zero with its sign bit set)"),
    Entry(id="minimum_tie", what="d/dx minimum(x, y) at x = y = 1, w.r.t. x", point=[1.0],
          calls=_calls("torch.minimum", "tf.minimum", "jnp.minimum"),
          torch=lambda torch, x: torch.minimum(x, torch.ones_like(x)),
          tensorflow=lambda tf, x: tf.minimum(x, 1.0),
          jax=lambda jax, x: jax.numpy.minimum(x, 1.0),
          numpy=lambda x: np.minimum(x, 1.0).sum(),
          subgradients=interval(0, 1), min_norm=[0.0]),
    Entry(id="max_dim_tie",
          what="gradient of max over [1, 1] along a dimension w.r.t. the vector",
          point=[1.0, 1.0],
          calls=_calls("torch.max(x, dim=0).values", "tf.reduce_max(x, axis=0)",
                       "jnp.max(x, axis=0)"),
          torch=lambda torch, x: torch.max(x, dim=0).values,
          tensorflow=lambda tf, x: tf.reduce_max(x, axis=0),
          jax=lambda jax, x: jax.numpy.max(x, axis=0),
          numpy=lambda x: np.max(x),
          subgradients=simplex, min_norm=[0.5, 0.5]),
    Entry(id="amax_tie", what="gradient of amax over [1, 1] w.r.t. the vector", point=[1.0, 1.0],
          calls=_calls("torch.amax", "tf.math.reduce_max", "jnp.amax"),
          torch=lambda torch, x: torch.amax(x),
          tensorflow=lambda tf, x: tf.math.reduce_max(x),
          jax=lambda jax, x: jax.numpy.amax(x),
          numpy=lambda x: np.max(x),
          subgradients=simplex, min_norm=[0.5, 0.5]),
    replace(_CLIP_UPPER, id="clip_lower", what="d/dx clip(x, 0, 1) at x = 0", point=[0.0]),
    Entry(id="hardtanh_upper", what="d/dx hardtanh(x) = clip(x, -1, 1) at x = 1", point=[1.0],
          calls=_calls("F.hardtanh", "tf.clip_by_value(x, -1, 1)", "jax.nn.hard_tanh"),
          torch=lambda torch, x: torch.nn.functional.hardtanh(x),
          tensorflow=lambda tf, x: tf.clip_by_value(x, -1.0, 1.0),
          jax=lambda jax, x: jax.nn.hard_tanh(x),
          numpy=lambda x: np.clip(x, -1, 1).sum(),
          subgradients=interval(0, 1), min_norm=[0.0]),
    Entry(id="relu6_upper", what="d/dx relu6(x) = clip(x, 0, 6) at x = 6", point=[6.0],
          calls=_calls("F.relu6", "tf.nn.relu6", "jax.nn.relu6"),
          torch=lambda torch, x: torch.nn.functional.relu6(x),
          tensorflow=lambda tf, x: tf.nn.relu6(x),
          jax=lambda jax, x: jax.nn.relu6(x),
          numpy=lambda x: np.clip(x, 0, 6).sum(),
          subgradients=interval(0, 1), min_norm=[0.0]),
    Entry(id="sign_zero", what="d/dx sign(x) at x = 0 (a jump)", point=[0.0],
          calls=_calls("torch.sign", "tf.sign", "jnp.sign"),
          torch=lambda torch, x: torch.sign(x),
          tensorflow=lambda tf, x: tf.sign(x),
          jax=lambda jax, x: jax.numpy.sign(x),
          numpy=lambda x: np.sign(x).sum()),
    Entry(id="round_half", what="d/dx round(x) at x = 0.5 (a jump)", point=[0.5],
          calls=_calls("torch.round", "tf.round", "jnp.round"),
          torch=lambda torch, x: torch.round(x),
          tensorflow=lambda tf, x: tf.round(x),
          jax=lambda jax, x: jax.numpy.round(x),
          numpy=lambda x: np.round(x).sum()),
    Entry(id="floor_integer", what="d/dx floor(x) at x = 1 (a jump)", point=[1.0],
          calls=_calls("torch.floor", "tf.floor", "jnp.floor"),
          torch=lambda torch, x: torch.floor(x),
          tensorflow=lambda tf, x: tf.floor(x),
          jax=lambda jax, x: jax.numpy.floor(x),
          numpy=lambda x: np.floor(x).sum()),
    Entry(id="where_sqrt_zero",
          what="d/dx where(x > 0, sqrt(x), 0) at x = 0 (the branch not taken)", point=[0.0],
          calls=_calls("torch.where(x > 0, torch.sqrt(x), 0)", "tf.where(x > 0, tf.sqrt(x), 0)",
                       "jnp.where(x > 0, jnp.sqrt(x), 0)"),
          torch=lambda torch, x: torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x)),
          tensorflow=lambda tf, x: tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x)),
          jax=lambda jax, x: jax.numpy.where(x > 0, jax.numpy.sqrt(x), 0.0),
          numpy=lambda x: np.where(x > 0, np.sqrt(np.maximum(x, 0)), 0).sum()),
    Entry(id="hand_norm_zero", what="gradient of sqrt(sum(x * x)), written by hand, at [0, 0]",
          point=[0.0, 0.0],
          calls=_calls("torch.sqrt((x * x).sum())", "tf.sqrt(tf.reduce_sum(x * x))",
                       "jnp.sqrt(jnp.sum(x * x))"),
          torch=lambda torch, x: torch.sqrt((x * x).sum()),
          tensorflow=lambda tf, x: tf.sqrt(tf.reduce_sum(x * x)),
          jax=lambda jax, x: jax.numpy.sqrt(jax.numpy.sum(x * x)),
          numpy=lambda x: np.sqrt(np.sum(x * x)),
          subgradients=unit_ball, min_norm=[0.0, 0.0]),
    loss_entry(id="huber_threshold", loss="huber", delta=1.0, y_true=[0.0], point=[1.0],
               what="d/dr of the Huber / smooth L1 loss (delta = beta = 1) at r = 1",
               subgradients=interval(1, 1), min_norm=[1.0], differentiable=True),
    Entry(id="elu_zero", what="d/dx elu(x) at x = 0 (a corner that is not one: both slopes are 1)",
          point=[0.0],
          calls=_calls("F.elu", "tf.nn.elu", "jax.nn.elu"),
          torch=lambda torch, x: torch.nn.functional.elu(x),
          tensorflow=lambda tf, x: tf.nn.elu(x),
          jax=lambda jax, x: jax.nn.elu(x),
          numpy=_elu_numpy,
          subgradients=interval(1, 1), min_norm=[1.0], differentiable=True),
    Entry(id="accuracy_argmax", what="gradient of accuracy = mean(argmax(logits) == 1) w.r.t. "
          "the logits, at logits [0.2, 0.7, 0.1]", point=[0.2, 0.7, 0.1],
          calls=_calls("(x.argmax(-1) == 1).float().mean()",
                       "tf.reduce_mean(tf.cast(tf.argmax(x, -1) == 1, tf.float32))",
                       "jnp.mean(jnp.argmax(x, -1) == 1)"),
          torch=lambda torch, x: (x.argmax(dim=-1) == 1).float().mean(),
          tensorflow=lambda tf, x: tf.reduce_mean(tf.cast(tf.argmax(x, axis=-1) == 1, tf.float32)),
          jax=lambda jax, x: jax.numpy.mean(
              (jax.numpy.argmax(x, axis=-1) == 1).astype(jax.numpy.float32)),
          numpy=_accuracy_numpy,
          subgradients=interval(0, 0), min_norm=[0.0, 0.0, 0.0], differentiable=True),
    loss_entry(id="mae_subnormal", loss="mae", y_true=[0.0], point=[3 * _TINY_F32],
               what=f"gradient w.r.t. y_pred of the built-in MAE at y_true = 0, "
                    f"y_pred = 3 x {_TINY_F32:.3g} (a float32 subnormal)",
               subgradients=interval(1, 1), min_norm=[1.0], differentiable=True),
]
ENTRY_BY_ID = {entry.id: entry for entry in ENTRIES}
