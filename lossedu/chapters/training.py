"""Gradient descent on regression losses, small enough to read: a line fitted in every
framework, a generic descent loop, and what they need.

- :func:`fit_line` fits ``y_pred = weight * x + bias`` by plain gradient descent in one of
  :data:`TRAINERS`, computing the loss and its gradient with respect to (weight, bias) by a
  framework's own autodiff and built-in loss (see :mod:`lossedu.frameworks`), or, for
  ``"numpy"``, by lossedu's analytic gradients and the chain rule; it returns a
  :class:`History`.
- :func:`descend` runs gradient descent on any gradient function; :func:`line_gradient` and
  :func:`constant_gradient` are such gradients (a line's two parameters, one constant
  prediction); :func:`constant_path` descends on a constant, and :func:`constant_optimum` finds
  the best constant by bisection.
- :func:`loss_surface` evaluates a loss on a grid of (weight, bias);
  :func:`reference_functions` gives lossedu's (loss, gradient) pair for a loss name.

Classification (logistic fits and the policy learner) is in :mod:`lossedu.chapters.classification`.

>>> history = fit_line("numpy", "mse", [0.0, 1.0, 2.0], [1.0, 3.0, 5.0], learning_rate=0.1, steps=200)
>>> round(float(history.weight[-1]), 3), round(float(history.bias[-1]), 3)
(2.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..frameworks import framework_loss, import_tensorflow
from ..maths.loss_table import gradient_function, loss_definition, loss_function
from ..maths.validation import (Overflow, as_real_array, check_choice, check_count, check_finite,
                         check_positive, check_real_number, check_same_shape)

TRAINERS = ("numpy", "torch", "tensorflow", "jax")


def reference_functions(loss: str) -> tuple[Callable, Callable]:
    """lossedu's ``(loss, gradient)`` functions for a loss name, e.g. ``(mae, mae_grad)``.

    >>> reference_functions("huber")[1].__name__
    'huber_grad'
    """
    return loss_function(loss), gradient_function(loss)


@dataclass(frozen=True)
class History:
    """Parameters before each step and after the last (``steps + 1`` values each), and the
    loss before each step (``steps`` values), all float32."""

    weight: np.ndarray
    bias: np.ndarray
    loss: np.ndarray

    @classmethod
    def of_steps(cls, record) -> "History":
        """The History of a training loop written in a chapter: ``record`` holds
        ``(weight, bias, loss)`` before each step, then ``(weight, bias)`` after the last.

        >>> History.of_steps([(2.0, 1.0, 0.5), (1.9, 0.9, 0.25), (1.8, 0.8)]).weight
        array([2. , 1.9, 1.8], dtype=float32)
        """
        record = list(record)
        if not record or len(record[-1]) != 2 or any(len(step) != 3 for step in record[:-1]):
            raise ValueError("record must hold (weight, bias, loss) before each step, then "
                             "(weight, bias) after the last")
        as_f32 = lambda values: np.asarray(values, dtype=np.float32)
        return cls(weight=as_f32([r[0] for r in record]), bias=as_f32([r[1] for r in record]),
                   loss=as_f32([r[2] for r in record[:-1]]))


def _numpy_steps(loss, parameters, x, y, w, b, lr, steps, subgradient):
    loss_fn, grad_fn = reference_functions(loss)
    kink = {"subgradient": subgradient} if loss_definition(loss).has_kink else {}
    options = dict(parameters, **kink)
    for _ in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            y_pred = w * x + b
        try:
            g = grad_fn(y, y_pred, **options)  # dL/dy_pred; chain rule to the parameters below
            value = loss_fn(y, y_pred, **parameters)
        except Overflow:  # y_pred or the loss overflowed: diverged, and fit_line says so
            yield w, b, np.nan
            return
        yield w, b, value
        w, b = w - lr * np.sum(g * x), b - lr * np.sum(g)
    yield w, b, None


def _torch_steps(objective, x, y, w, b, lr, steps):
    import torch

    x, y = torch.from_numpy(x), torch.from_numpy(y)
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    for _ in range(steps):
        value = objective(w * x + b, y)
        value.backward()
        yield w.item(), b.item(), value.item()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = b.grad = None
    yield w.item(), b.item(), None


def _tensorflow_steps(objective, x, y, w, b, lr, steps):
    tf = import_tensorflow()
    x, y = tf.constant(x), tf.constant(y)
    w, b = tf.Variable(w), tf.Variable(b)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            value = objective(w * x + b, y)
        grad_w, grad_b = tape.gradient(value, [w, b])
        yield w.numpy(), b.numpy(), value.numpy()
        w.assign_sub(lr * grad_w)
        b.assign_sub(lr * grad_b)
    yield w.numpy(), b.numpy(), None


def _jax_steps(objective, x, y, w, b, lr, steps):
    import jax
    import jax.numpy as jnp

    value_and_grad = jax.jit(jax.value_and_grad(lambda p: objective(p[0] * x + p[1], y)))
    params = jnp.array([w, b], dtype=jnp.float32)
    for _ in range(steps):
        value, grad = value_and_grad(params)
        yield params[0].item(), params[1].item(), value.item()
        params = params - lr * grad
    yield params[0].item(), params[1].item(), None


_FRAMEWORK_STEPS = {"torch": _torch_steps, "tensorflow": _tensorflow_steps, "jax": _jax_steps}


def _samples(x, y, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """Validated 1-D samples x and y of one length, as ``dtype``."""
    x = as_real_array(x, "x").astype(dtype)
    y = as_real_array(y, "y").astype(dtype)
    check_same_shape(x, y)
    if x.ndim != 1:
        raise ValueError(f"x and y must be 1-D arrays of samples, got shape {x.shape}")
    check_finite(x, "x")
    check_finite(y, "y")
    return x, y


def fit_line(framework: str, loss, x, y, *, weight: float = 0.0, bias: float = 0.0,
             learning_rate: float = 0.1, steps: int = 100, subgradient: float = 0.0,
             **parameters) -> History:
    """Fit ``y ~ weight * x + bias`` by ``steps`` steps of gradient descent, in float32.

    ``framework`` is ``"numpy"``, ``"torch"``, ``"tensorflow"`` or ``"jax"``. ``loss`` is one
    of lossedu's loss names (each framework's built-in, reduction mean; a framework without
    that built-in raises), with its ``delta`` or ``beta`` in ``parameters``; or, for the three
    frameworks, a function ``loss(y_pred, y_true)`` written with that framework's operations
    and returning a scalar, e.g. a loss with ``detach``. ``subgradient`` is the MAE derivative
    used at ties, for ``"numpy"`` only: the frameworks choose their own.

    >>> import torch
    >>> history = fit_line("torch", lambda p, t: ((p - t) ** 2).mean(), [0.0, 1.0], [1.0, 3.0],
    ...                    learning_rate=0.2, steps=300)
    >>> print(round(history.weight[-1], 3), round(history.bias[-1], 3))
    2.0 1.0
    """
    check_choice(framework, "framework", TRAINERS)
    if callable(loss):
        if framework == "numpy":
            raise ValueError("framework='numpy' needs a loss name: lossedu supplies its gradient")
        if parameters:
            raise TypeError(f"parameters {sorted(parameters)} apply to named losses only")
    else:
        parameters = loss_definition(loss).check_parameters(parameters)
    x, y = _samples(x, y, np.float32)
    with np.errstate(over="ignore"):
        weight = np.float32(check_real_number(weight, "weight"))
        bias = np.float32(check_real_number(bias, "bias"))
    if not (np.isfinite(weight) and np.isfinite(bias)):
        raise ValueError(f"weight and bias must be finite float32 numbers, got {weight}, {bias}")
    learning_rate = check_positive(learning_rate, "learning_rate")
    steps = check_count(steps, "steps")
    subgradient = check_real_number(subgradient, "subgradient")
    if framework != "numpy" and subgradient != 0.0:
        raise ValueError("subgradient can only be chosen for framework='numpy'; "
                         "PyTorch, TensorFlow and JAX use their own convention")
    if subgradient != 0.0:  # from the loss's own interval of subgradients
        subgradient = loss_definition(loss).check_subgradient(subgradient)

    if framework == "numpy":
        run = _numpy_steps(loss, parameters, x, y, weight, bias, learning_rate, steps, subgradient)
    else:
        objective = (loss if callable(loss)
                     else framework_loss(framework, loss, builtin_only=True, **parameters))
        run = _FRAMEWORK_STEPS[framework](objective, x, y, weight, bias, learning_rate, steps)
    records = []
    for record in run:
        if not all(np.isfinite(v) for v in record if v is not None):
            raise ValueError(f"training diverged at step {len(records)} (weight {record[0]}, "
                             f"bias {record[1]}); use a smaller learning_rate")
        records.append(record)
    *steps_taken, (last_weight, last_bias, _) = records  # the last record has no loss
    return History.of_steps([*steps_taken, (last_weight, last_bias)])


def descend(gradient: Callable[[np.ndarray], np.ndarray], start, *, learning_rate, steps: int):
    """Plain gradient descent from ``start``: ``p <- p - learning_rate(t) * gradient(p)``.

    ``learning_rate`` is a positive number, or a function of the step ``t = 0, 1, ...``
    returning one (a decaying schedule). Returns the path, an array of shape
    ``(steps + 1, len(start))`` in float64, starting point included.

    >>> descend(lambda p: 2 * p, [1.0], learning_rate=0.25, steps=3).ravel()
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    if not callable(gradient):
        raise TypeError(f"gradient must be a function of the parameters, got {gradient!r}")
    point = as_real_array(start, "start").astype(np.float64).reshape(-1)
    check_finite(point, "start")
    steps = check_count(steps, "steps")
    rate = learning_rate if callable(learning_rate) else None
    if rate is None:
        constant = check_positive(learning_rate, "learning_rate")
        rate = lambda t: constant
    path = [point]
    for t in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            g = as_real_array(gradient(point.copy()), "gradient(p)").astype(np.float64).reshape(-1)
        if g.shape != point.shape:
            raise ValueError(f"gradient(p) has {g.size} entries but p has {point.size}")
        with np.errstate(over="ignore", invalid="ignore"):
            point = point - check_positive(rate(t), "learning_rate(t)") * g
        if not np.isfinite(point).all():
            raise ValueError(f"gradient descent diverged at step {t + 1}; use a smaller learning rate")
        path.append(point)
    return np.array(path)


def loss_surface(loss: Callable, x, y, weights, biases, **options) -> np.ndarray:
    """The mean loss of the line ``weight * x + bias`` for every pair on a grid.

    ``loss`` is a lossedu loss such as :func:`lossedu.mae`; ``options`` go to it (e.g.
    ``delta``). Returns an array of shape ``(len(biases), len(weights))``, the layout
    ``matplotlib``'s ``contour(weights, biases, Z)`` expects.

    >>> from lossedu import mse
    >>> loss_surface(mse, [0.0, 1.0], [1.0, 3.0], [2.0], [0.0, 1.0]).ravel()
    array([1., 0.])
    """
    x, y = _samples(x, y)
    weights = as_real_array(weights, "weights").astype(np.float64)
    biases = as_real_array(biases, "biases").astype(np.float64)
    if weights.ndim != 1 or biases.ndim != 1:
        raise ValueError("weights and biases must be 1-D grids")
    # (bias, weight, sample): every line's predictions at once; the targets are broadcast
    # explicitly, because lossedu's losses refuse to broadcast by themselves
    predictions = weights[np.newaxis, :, np.newaxis] * x + biases[:, np.newaxis, np.newaxis]
    targets = np.broadcast_to(y, predictions.shape)
    return loss(targets, predictions, reduction="none", **options).mean(axis=-1)


def line_gradient(loss: str, x, y, **options) -> Callable[[np.ndarray], np.ndarray]:
    """The gradient of the mean ``loss`` of the line ``weight * x + bias`` with respect to
    ``p = (weight, bias)``, by the chain rule from lossedu's analytic gradient ``g`` with respect
    to the predictions: ``(sum(g * x), sum(g))``. ``options`` go to the gradient (``delta``,
    ``beta``, ``subgradient``). For :func:`descend`.

    >>> line_gradient("mse", [0.0, 1.0], [1.0, 3.0])([2.0, 0.0])
    array([-1., -2.])
    """
    _, grad_fn = reference_functions(loss)
    x, y = _samples(x, y)

    def gradient(p):
        g = grad_fn(y, p[0] * x + p[1], **options)
        return np.array([np.sum(g * x), np.sum(g)])

    return gradient


def constant_gradient(loss: str, y, **options) -> Callable[[np.ndarray], np.ndarray]:
    """The gradient of the mean ``loss`` of predicting one constant ``c`` for every target, with
    respect to ``p = (c,)``: the sum of lossedu's gradient with respect to the predictions.

    >>> constant_gradient("mae", [1.0, 2.0, 3.0])([0.0])
    array([-1.])
    """
    _, grad_fn = reference_functions(loss)
    _, y = _samples(np.zeros_like(np.asarray(y, dtype=float)), y)
    return lambda p: np.array([np.sum(grad_fn(y, np.full_like(y, p[0]), **options))])


def constant_path(loss: str, y, start: float, *, learning_rate, steps: int,
                  **options) -> np.ndarray:
    """Gradient descent on the mean ``loss`` of one constant prediction ``c`` for the targets
    ``y``, from ``c = start``: :func:`descend` on :func:`constant_gradient`. ``learning_rate``
    is a number or a schedule ``t -> rate``; ``options`` go to the gradient (``delta``,
    ``reduction``, ...). Returns the ``steps + 1`` values of ``c``, the start included.

    >>> constant_path("mse", [1.0, 3.0], 0.0, learning_rate=0.25, steps=3)
    array([0.  , 1.  , 1.5 , 1.75])
    """
    start = check_real_number(start, "start")
    return descend(constant_gradient(loss, y, **options), [start],
                   learning_rate=learning_rate, steps=steps)[:, 0]


def constant_optimum(loss: str, y, **options) -> float:
    """The constant prediction ``c`` with the smallest mean ``loss`` over the targets ``y``, for
    a convex loss: where its gradient (:func:`constant_gradient`) stops being negative, found by
    bisection between the smallest and the largest target. Where a whole interval is optimal (MAE
    with an even number of targets) this is the interval's left end.

    >>> constant_optimum("mse", [1.0, 2.0, 6.0]), constant_optimum("mae", [1.0, 2.0, 6.0])
    (3.0, 2.0)
    """
    y = as_real_array(y, "y").astype(np.float64)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"y must be a 1-D array of at least one target, got shape {y.shape}")
    gradient = constant_gradient(loss, y, **options)
    low, high = float(y.min()), float(y.max())
    while True:  # ends: the interval halves until no float lies strictly inside it
        middle = (low + high) / 2
        if not low < middle < high:
            return high if gradient([low])[0] < 0 else low
        low, high = (middle, high) if gradient([middle])[0] < 0 else (low, middle)


def __getattr__(name: str):
    """A deprecation shim: the logistic fits moved to :mod:`lossedu.chapters.classification`."""
    if name in ("Classifier", "CLASSIFIER_LOSSES", "fit_logistic", "fit_logistic_policy"):
        import warnings

        from . import classification

        warnings.warn(f"{__name__}.{name} moved to lossedu.chapters.classification; import it "
                      f"from there (the old name goes in lossedu 0.3)", DeprecationWarning,
                      stacklevel=2)
        return getattr(classification, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
