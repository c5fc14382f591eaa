"""One small training run, written once per framework, so chapters can compare the runs.

The model is a line, ``y_pred = weight * x + bias``, fitted by plain gradient descent on a
built-in loss of each framework (the losses of :mod:`lossedu.frameworks`). Each step computes the
loss and its gradient with respect to (weight, bias) by the framework's own autodiff, or, for
``"numpy"``, by lossedu's analytic gradients and the chain rule.

>>> history = fit_line("numpy", "mse", [0.0, 1.0, 2.0], [1.0, 3.0, 5.0], learning_rate=0.1, steps=200)
>>> round(float(history.weight[-1]), 3), round(float(history.bias[-1]), 3)
(2.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frameworks import LOSSES, import_tensorflow
from .gradients import mae_grad, mse_grad
from .losses import mae, mse
from .validation import as_real_array, check_finite, check_real_number, check_same_shape

TRAINERS = ("numpy", "torch", "tensorflow", "jax")


@dataclass(frozen=True)
class History:
    """Parameters before each step and after the last (``steps + 1`` values each), and the
    loss before each step (``steps`` values), all float32."""

    weight: np.ndarray
    bias: np.ndarray
    loss: np.ndarray


def _numpy_steps(loss, x, y, w, b, lr, steps, subgradient):
    loss_fn, grad_fn = (mae, mae_grad) if loss == "mae" else (mse, mse_grad)
    options = {"subgradient": subgradient} if loss == "mae" else {}
    for _ in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            y_pred = w * x + b
        try:
            g = grad_fn(y, y_pred, **options)  # dL/dy_pred; chain rule to the parameters below
            value = loss_fn(y, y_pred)
        except ValueError:  # y_pred or the loss overflowed: diverged, and fit_line says so
            yield w, b, np.nan
            return
        yield w, b, value
        w, b = w - lr * np.sum(g * x), b - lr * np.sum(g)
    yield w, b, None


def _torch_steps(loss, x, y, w, b, lr, steps, subgradient):
    import torch
    import torch.nn.functional as F

    builtin = F.l1_loss if loss == "mae" else F.mse_loss
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    for _ in range(steps):
        value = builtin(w * x + b, y)
        value.backward()
        yield w.item(), b.item(), value.item()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = b.grad = None
    yield w.item(), b.item(), None


def _tensorflow_steps(loss, x, y, w, b, lr, steps, subgradient):
    tf = import_tensorflow()
    builtin = (tf.keras.losses.MeanAbsoluteError() if loss == "mae"
               else tf.keras.losses.MeanSquaredError())
    x, y = tf.constant(x), tf.constant(y)
    w, b = tf.Variable(w), tf.Variable(b)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            value = builtin(y, w * x + b)
        grad_w, grad_b = tape.gradient(value, [w, b])
        yield w.numpy(), b.numpy(), value.numpy()
        w.assign_sub(lr * grad_w)
        b.assign_sub(lr * grad_b)
    yield w.numpy(), b.numpy(), None


def _jax_steps(loss, x, y, w, b, lr, steps, subgradient):
    import jax
    import jax.numpy as jnp

    elementwise = jnp.abs if loss == "mae" else jnp.square

    def objective(params):
        return jnp.mean(elementwise(params[0] * x + params[1] - y))

    value_and_grad = jax.jit(jax.value_and_grad(objective))
    params = jnp.array([w, b], dtype=jnp.float32)
    for _ in range(steps):
        value, grad = value_and_grad(params)
        yield params[0].item(), params[1].item(), value.item()
        params = params - lr * grad
    yield params[0].item(), params[1].item(), None


_STEPS = {"numpy": _numpy_steps, "torch": _torch_steps, "tensorflow": _tensorflow_steps,
          "jax": _jax_steps}


def fit_line(framework: str, loss: str, x, y, *, weight: float = 0.0, bias: float = 0.0,
             learning_rate: float = 0.1, steps: int = 100, subgradient: float = 0.0) -> History:
    """Fit ``y ~ weight * x + bias`` by ``steps`` steps of gradient descent, in float32.

    ``framework`` is ``"numpy"``, ``"torch"``, ``"tensorflow"`` or ``"jax"``; ``loss`` is
    ``"mae"`` or ``"mse"`` (each framework's built-in, reduction mean). ``subgradient`` is the
    MAE derivative used at ties, for ``"numpy"`` only: the frameworks choose their own.
    """
    if framework not in TRAINERS:
        raise ValueError(f"unknown framework {framework!r}; use one of {TRAINERS}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; use one of {LOSSES}")
    x = as_real_array(x, "x").astype(np.float32)
    y = as_real_array(y, "y").astype(np.float32)
    check_same_shape(x, y)
    if x.ndim != 1:
        raise ValueError(f"x and y must be 1-D arrays of samples, got shape {x.shape}")
    check_finite(x, "x")
    check_finite(y, "y")
    with np.errstate(over="ignore"):
        weight = np.float32(check_real_number(weight, "weight"))
        bias = np.float32(check_real_number(bias, "bias"))
    if not (np.isfinite(weight) and np.isfinite(bias)):
        raise ValueError(f"weight and bias must be finite float32 numbers, got {weight}, {bias}")
    learning_rate = check_real_number(learning_rate, "learning_rate", low=0.0)
    if learning_rate == 0.0 or not np.isfinite(learning_rate):
        raise ValueError(f"learning_rate must be positive and finite, got {learning_rate!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    subgradient = check_real_number(subgradient, "subgradient", low=-1.0, high=1.0)
    if framework != "numpy" and subgradient != 0.0:
        raise ValueError("subgradient can only be chosen for framework='numpy'; "
                         "PyTorch, TensorFlow and JAX use their own convention")

    records = []
    for record in _STEPS[framework](loss, x, y, weight, bias, learning_rate, steps, subgradient):
        if not all(np.isfinite(v) for v in record if v is not None):
            raise ValueError(f"training diverged at step {len(records)} (weight {record[0]}, "
                             f"bias {record[1]}); use a smaller learning_rate")
        records.append(record)
    as_f32 = lambda values: np.asarray(values, dtype=np.float32)
    return History(weight=as_f32([r[0] for r in records]), bias=as_f32([r[1] for r in records]),
                   loss=as_f32([r[2] for r in records[:-1]]))
