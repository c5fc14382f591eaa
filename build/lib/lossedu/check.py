"""Self-checks for the code exercises: call one with your function, read pass or a hint.

Each check runs your function on cases you do not see and says whether it passed or which kind
of case failed (wrong sign, wrong scale, NaN at a tie, wrong shape, ...). It never prints the
expected answer. Everything runs locally: no server, so the checks work offline, in Colab and in
Binder. The instructors' grader (:mod:`lossedu.assign`) calls the same checks.

There is one check per exercise, each taking the student's function: :func:`exercise_1_3`
(``best_constant``), :func:`exercise_2_1` (``my_mae_grad``), :func:`exercise_3_3`
(``safe_sqrt``), :func:`exercise_4_2` (``mae_constant_path``), :func:`exercise_5_2`
(``ste_sign``), :func:`exercise_5_3` (``mae_value_huber_gradient``) and :func:`exercise_6_2`
(``best_threshold``). :data:`EXERCISES` maps each exercise id to the name of the function it
checks and its check. Each check returns a :class:`CheckResult` (``passed`` and a hint), shown
as one line. For the grader, :func:`grade` checks an exercise against a notebook's globals, and
:func:`write_verdict` writes that verdict to a file instead of printing it.

>>> import numpy as np
>>> exercise_2_1(lambda y_true, y_pred: np.sign(np.subtract(y_pred, y_true)) / np.size(y_pred))
Exercise 2.1: passed
>>> exercise_2_1(lambda y_true, y_pred: np.sign(np.subtract(y_pred, y_true)))
Exercise 2.1: not yet. Wrong scale: the gradient of a mean carries a factor 1/N, with N the number of elements.
"""

from __future__ import annotations

import io
import math
import sys
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import Callable

import numpy as np

from lossedu.messages import exception_line


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one exercise's check: ``passed`` and a hint for the student."""

    exercise: str
    passed: bool
    feedback: str

    def __repr__(self) -> str:
        if self.passed:
            return f"Exercise {self.exercise}: passed"
        hint = self.feedback[:1].upper() + self.feedback[1:]
        return f"Exercise {self.exercise}: not yet. {hint}{'' if hint.endswith('.') else '.'}"

    __str__ = __repr__


class _Failed(Exception):
    """Raised inside a check with the hint for the student."""


def _call(function: Callable, *args):
    """Call the student's function, turning its exceptions into hints."""
    if not callable(function):
        raise _Failed(f"expected a function, got {type(function).__name__}")
    try:
        with redirect_stdout(io.StringIO()):  # the student's debugging prints stay out of the hint
            return function(*args)
    except NotImplementedError:
        raise _Failed("not implemented yet (the function raises NotImplementedError)") from None
    except Exception as error:  # any failure of student code becomes feedback
        raise _Failed(f"your function raised {exception_line(error)}") from None


def _run(exercise: str, body: Callable[[], None]) -> CheckResult:
    try:
        body()
    except _Failed as failure:
        return CheckResult(exercise, False, str(failure))
    return CheckResult(exercise, True, "all hidden cases pass")


def _as_float_array(value, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Failed(f"{what} is not an array of numbers (got {type(value).__name__})") from None


# Exercise 1.3: the best constant prediction for MSE and for MAE.

def exercise_1_3(best_constant: Callable) -> CheckResult:
    """``best_constant(y, loss)``, loss ``"mse"`` or ``"mae"``: the constant c minimising that
    loss of predicting c for every target (to within 0.01)."""
    rng = np.random.default_rng(13)
    cases = [np.append(rng.normal(size=8), 40.0), rng.uniform(-5, 5, size=11)]

    def body():
        for y in cases:
            for loss, target in (("mse", np.mean(y)), ("mae", np.median(y))):
                c = _as_float_array(_call(best_constant, y.copy(), loss), "the constant")
                if c.size != 1 or not np.isfinite(c).all():
                    raise _Failed(f"for {loss!r} return one finite number")
                if abs(float(c.reshape(())) - target) > 0.011:
                    raise _Failed(f"for {loss!r} your constant is not the minimiser on a hidden "
                                  f"data set (one with an outlier, and one without)")
    return _run("1.3", body)


# Exercise 2.1: the gradient of the mean absolute error.

def exercise_2_1(my_mae_grad: Callable) -> CheckResult:
    """``my_mae_grad(y_true, y_pred)``: the gradient of the mean absolute error w.r.t. y_pred,
    0 at ties, for arrays of any shape."""
    rng = np.random.default_rng(21)
    y_true = rng.normal(size=(3, 4))
    y_pred = rng.normal(size=(3, 4))
    y_pred[1, 2] = y_true[1, 2]  # a tie
    expected = np.sign(y_pred - y_true) / y_pred.size

    def body():
        for t, p, e in ((y_true, y_pred, expected), (y_true[0], y_pred[0], np.sign(y_pred[0] - y_true[0]) / 4)):
            got = _as_float_array(_call(my_mae_grad, t.copy(), p.copy()), "the gradient")
            if got.shape != p.shape:
                raise _Failed(f"wrong shape: the gradient must have y_pred's shape, "
                              f"{p.shape} for a hidden case, not {got.shape}")
            if np.isnan(got).any():
                raise _Failed("NaN in the gradient: check what happens where y_pred == y_true")
            if np.allclose(got, -e):
                raise _Failed("wrong sign: increasing a prediction that is too high must increase the loss")
            away = e != 0
            ratio = got[away] / e[away]
            if np.allclose(ratio, ratio[0]) and not np.isclose(ratio[0], 1):
                raise _Failed("wrong scale: the gradient of a mean carries a factor 1/N, "
                              "with N the number of elements")
            if not np.allclose(got[away], e[away]):
                raise _Failed("wrong values away from ties")
            if not np.allclose(got[~away], 0):
                raise _Failed("at a tie (y_pred == y_true) the exercise asks for 0")
    return _run("2.1", body)


# Exercise 3.3: a square root inside where(), with a finite gradient at 0 (JAX).

def exercise_3_3(safe_sqrt: Callable) -> CheckResult:
    """``safe_sqrt(x)`` in JAX: ``sqrt(x)`` for x > 0 and 0 otherwise, with a gradient of 0 at
    x = 0 and ``1 / (2 sqrt(x))`` for x > 0."""
    import jax

    points = [0.0, 0.0625, 2.25, 9.0]

    def body():
        for x in points:
            value = float(_as_float_array(_call(safe_sqrt, x), "the value"))
            if not math.isclose(value, math.sqrt(x), rel_tol=1e-6, abs_tol=1e-7):
                raise _Failed("wrong value: safe_sqrt must equal sqrt(x) for x >= 0")
        try:
            grads = [float(jax.grad(safe_sqrt)(x)) for x in points]
        except Exception as error:  # jax.grad of student code
            raise _Failed(f"jax.grad failed on your function: {type(error).__name__}") from None
        if not math.isfinite(grads[0]):
            raise _Failed("the gradient at 0 is not finite: the branch not taken still sees sqrt(0)")
        if grads[0] != 0:
            raise _Failed("the gradient at 0 must be 0")
        for x, g in zip(points[1:], grads[1:]):
            if not math.isclose(g, 0.5 / math.sqrt(x), rel_tol=1e-5):
                raise _Failed("wrong gradient for x > 0")
    return _run("3.3", body)


# Exercise 4.2: gradient descent on the MAE of a constant with a schedule.

def _reference_path(y, start, rate, steps):
    path = [float(start)]
    for t in range(steps):
        c = path[-1]
        path.append(c - rate(t) * float(np.mean(np.sign(c - y))))
    return np.array(path)


def exercise_4_2(mae_constant_path: Callable) -> CheckResult:
    """``mae_constant_path(y, start, rate, steps)``: gradient descent on the mean absolute error
    of a constant prediction c, from ``start``, with step size ``rate(t)`` at step t; returns the
    ``steps + 1`` values of c, the start included."""
    rng = np.random.default_rng(42)
    y = rng.normal(size=9) * 3
    cases = [(10.3, lambda t: 1 / np.sqrt(t + 1), 60), (-7.1, lambda t: 0.2, 30)]

    def body():
        for start, rate, steps in cases:
            expected = _reference_path(y, start, rate, steps)
            got = _as_float_array(_call(mae_constant_path, y.copy(), start, rate, steps), "the path")
            got = got.reshape(-1) if got.size == steps + 1 else got
            if got.shape != expected.shape:
                raise _Failed(f"wrong length: return steps + 1 = {steps + 1} values, the start included")
            if not math.isclose(got[0], start):
                raise _Failed("the path must start with the starting value")
            if abs(got[-1] - np.median(y)) > abs(start - np.median(y)):
                raise _Failed("the path moves away from the median: check the sign of the step")
            if not np.allclose(got, expected, rtol=1e-9, atol=1e-9):
                raise _Failed("wrong steps: each step is rate(t) times the MAE gradient, "
                              "the mean of sign(c - y)")
    return _run("4.2", body)


# Exercise 5.2: a straight-through sign in JAX.

def exercise_5_2(ste_sign: Callable) -> CheckResult:
    """``ste_sign(v)`` in JAX: the value ``jnp.sign(v)`` exactly for every float32 v, the
    gradient 1."""
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(52)
    samples = (rng.choice([-1, 1], size=20_000) * 10.0 ** rng.uniform(-6, 12, size=20_000))
    samples = jnp.asarray(samples.astype(np.float32))

    def body():
        value = _as_float_array(_call(ste_sign, samples), "the value")
        if value.shape != samples.shape:
            raise _Failed("wrong shape: ste_sign works elementwise")
        if not np.array_equal(value, np.sign(np.asarray(samples))):
            raise _Failed("the value differs from sign(v) for some inputs: the floating-point "
                          "trap of x + (f(x) - x)?")
        try:
            grad = jax.grad(lambda v: jnp.sum(ste_sign(v)))(samples[:50])
        except Exception as error:
            raise _Failed(f"jax.grad failed on your function: {type(error).__name__}") from None
        if not np.allclose(np.asarray(grad), 1.0):
            raise _Failed("the gradient must be 1 everywhere (straight through)")
    return _run("5.2", body)


# Exercise 5.3: a loss with the value of MAE and the gradient of Huber (PyTorch).

def exercise_5_3(mae_value_huber_gradient: Callable) -> CheckResult:
    """``mae_value_huber_gradient(pred, target)`` on float64 torch tensors: the value of the mean
    absolute error, the gradient w.r.t. pred of the Huber loss with delta = 1."""
    import torch

    from .gradients import huber_grad
    from .losses import mae

    rng = np.random.default_rng(53)
    target = rng.normal(size=7)
    prediction = target + rng.normal(scale=2.0, size=7)

    def body():
        pred = torch.tensor(prediction, requires_grad=True)
        value = _call(mae_value_huber_gradient, pred, torch.tensor(target))
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            raise _Failed("return a single-number torch tensor")
        if not math.isclose(value.item(), float(mae(target, prediction)), rel_tol=1e-9):
            raise _Failed("the value is not the mean absolute error")
        try:
            value.backward()
        except Exception as error:
            raise _Failed(f"backward() failed: {type(error).__name__}") from None
        if pred.grad is None or not np.allclose(pred.grad.numpy(), huber_grad(target, prediction)):
            raise _Failed("the gradient is not the Huber gradient (delta = 1)")
    return _run("5.3", body)


# Exercise 6.2: the threshold that maximises F1.

def exercise_6_2(best_threshold: Callable) -> CheckResult:
    """``best_threshold(probabilities, labels)``: a threshold among 0.05, 0.06, ..., 0.95 that
    maximises F1 of ``probabilities >= threshold`` against the labels."""
    from .metrics import f1

    rng = np.random.default_rng(62)
    labels = (rng.random(400) < 0.12).astype(int)
    probabilities = np.clip(0.25 * labels + rng.beta(2, 6, size=400), 0, 1)
    grid = np.linspace(0.05, 0.95, 91)
    best = max(f1(labels, (probabilities >= t).astype(int)) for t in grid)

    def body():
        t = _as_float_array(_call(best_threshold, probabilities.copy(), labels.copy()), "the threshold")
        if t.size != 1 or not 0.05 - 1e-9 <= float(t.reshape(())) <= 0.95 + 1e-9:
            raise _Failed("return one threshold between 0.05 and 0.95")
        if f1(labels, (probabilities >= float(t.reshape(()))).astype(int)) < best - 1e-12:
            raise _Failed("on a hidden data set a threshold on the grid gives a higher F1 than yours")
    return _run("6.2", body)


# The exercises that the grader scores: exercise id -> (name the student defines, check).
EXERCISES: dict[str, tuple[str, Callable[[Callable], CheckResult]]] = {
    "1.3": ("best_constant", exercise_1_3),
    "2.1": ("my_mae_grad", exercise_2_1),
    "3.3": ("safe_sqrt", exercise_3_3),
    "4.2": ("mae_constant_path", exercise_4_2),
    "5.2": ("ste_sign", exercise_5_2),
    "5.3": ("mae_value_huber_gradient", exercise_5_3),
    "6.2": ("best_threshold", exercise_6_2),
}


def grade(exercise: str, namespace: dict) -> CheckResult:
    """Check ``exercise`` against the function of the right name in ``namespace`` (a notebook's
    globals): what the grader runs inside the student's kernel."""
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; checked exercises: {sorted(EXERCISES)}")
    name, check = EXERCISES[exercise]
    if name not in namespace:
        return CheckResult(exercise, False, f"{name} is not defined: run the cell that defines it")
    return check(namespace[name])


def write_verdict(exercise: str, path: str, nonce: str) -> None:
    """The grader's end of a check (:mod:`lossedu.assign`): grade ``exercise`` against the
    caller's globals (the student's notebook) and write the verdict to ``path``: ``nonce``, then
    ``passed`` or ``failed``, then the feedback, one per line. Nothing is printed.

    The grader runs this from a copy of this module loaded afresh from its file, so nothing the
    notebook did to ``lossedu.check`` or to its own names (``print``, ``json``, ...) changes the
    verdict.
    """
    result = grade(exercise, sys._getframe(1).f_globals)
    feedback = " ".join(result.feedback.split())
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"{nonce}\n{'passed' if result.passed else 'failed'}\n{feedback}\n")
