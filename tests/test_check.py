"""The exercise self-checks pass correct solutions and give the right hint for each kind of
mistake, without revealing the expected answer."""

import numpy as np
import pytest

import lossedu
from lossedu import check


def hint(result):
    assert not result.passed
    return result.feedback


# Exercise 1.3

def best_constant(y, loss):
    return float(np.mean(y) if loss == "mse" else np.median(y))


def test_1_3_passes_the_mean_and_the_median():
    assert check.exercise_1_3(best_constant).passed


def test_1_3_hints():
    assert "'mae'" in hint(check.exercise_1_3(lambda y, loss: float(np.mean(y))))
    assert "not implemented" in hint(check.exercise_1_3(lambda y, loss: (_ for _ in ()).throw(NotImplementedError)))
    assert "one finite number" in hint(check.exercise_1_3(lambda y, loss: [1.0, 2.0]))
    assert "not an array of numbers" in hint(check.exercise_1_3(lambda y, loss: "mean"))


# Exercise 2.1

def good_mae_grad(y_true, y_pred):
    r = np.asarray(y_pred, float) - np.asarray(y_true, float)
    return np.sign(r) / r.size


@pytest.mark.parametrize("wrong, words", [
    (lambda t, p: -good_mae_grad(t, p), "wrong sign"),
    (lambda t, p: np.sign(p - t) / np.shape(p)[0], "wrong scale"),
    (lambda t, p: np.sign(p - t), "wrong scale"),
    (lambda t, p: ((p - t) / np.abs(p - t)) / np.size(p), "NaN"),
    (lambda t, p: good_mae_grad(t, p).ravel(), "wrong shape"),
    (lambda t, p: lossedu.mae_grad(t, p, subgradient=1.0), "tie"),
    (lambda t, p: (p - t) / np.size(p), "wrong values"),
    (lambda t, p: 1 / 0, "ZeroDivisionError"),
])
def test_2_1_names_the_kind_of_mistake(wrong, words):
    with np.errstate(invalid="ignore", divide="ignore"):
        assert words in hint(check.exercise_2_1(wrong))


def test_2_1_passes_and_never_shows_the_expected_values():
    assert check.exercise_2_1(good_mae_grad).passed
    for wrong in (lambda t, p: -good_mae_grad(t, p), lambda t, p: np.sign(p - t)):
        text = repr(check.exercise_2_1(wrong))
        assert "0.083" not in text and "0.25" not in text and "[" not in text


def test_student_prints_do_not_leak_into_the_output(capsys):
    def chatty(t, p):
        print("debugging", p)
        return good_mae_grad(t, p)

    assert check.exercise_2_1(chatty).passed
    assert capsys.readouterr().out == ""


# Exercise 3.3

def test_3_3():
    import jax.numpy as jnp

    def safe_sqrt(x):
        positive = x > 0
        return jnp.where(positive, jnp.sqrt(jnp.where(positive, x, 1.0)), 0.0)

    assert check.exercise_3_3(safe_sqrt).passed
    assert "not finite" in hint(check.exercise_3_3(lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0)))
    assert "wrong value" in hint(check.exercise_3_3(lambda x: jnp.sqrt(x) + 1))


# Exercise 4.2

def mae_constant_path(y, start, rate, steps):
    path = [float(start)]
    for t in range(steps):
        path.append(path[-1] - rate(t) * np.mean(np.sign(path[-1] - np.asarray(y))))
    return np.array(path)


def test_4_2():
    assert check.exercise_4_2(mae_constant_path).passed
    assert "wrong length" in hint(check.exercise_4_2(lambda *a: mae_constant_path(*a)[1:]))
    flipped = lambda y, s, r, n: mae_constant_path(y, s, lambda t: -r(t), n)
    assert "away from the median" in hint(check.exercise_4_2(flipped))
    halved = lambda y, s, r, n: mae_constant_path(y, s, lambda t: r(t) / 2, n)
    assert "wrong steps" in hint(check.exercise_4_2(halved))


# Exercise 5.2

def test_5_2():
    import jax
    import jax.numpy as jnp

    safe = lambda v: (v - jax.lax.stop_gradient(v)) + jax.lax.stop_gradient(jnp.sign(v))
    naive = lambda v: v + jax.lax.stop_gradient(jnp.sign(v) - v)
    assert check.exercise_5_2(safe).passed
    assert "floating-point trap" in hint(check.exercise_5_2(naive))
    assert "gradient must be 1" in hint(check.exercise_5_2(jnp.sign))


# Exercise 5.3

def test_5_3():
    import torch
    import torch.nn.functional as F

    def good(pred, target):
        huber = F.huber_loss(pred, target)
        return F.l1_loss(pred, target).detach() + (huber - huber.detach())

    assert check.exercise_5_3(good).passed
    assert "not the Huber gradient" in hint(check.exercise_5_3(F.l1_loss))
    assert "not the mean absolute error" in hint(check.exercise_5_3(F.huber_loss))
    assert "single-number" in hint(check.exercise_5_3(lambda p, t: (p - t).abs()))


# Exercise 6.2

def test_6_2():
    def best_threshold(probabilities, labels):
        grid = np.linspace(0.05, 0.95, 91)
        return grid[int(np.argmax([lossedu.metrics.f1(labels, (probabilities >= t).astype(int))
                                   for t in grid]))]

    assert check.exercise_6_2(best_threshold).passed
    assert "higher F1" in hint(check.exercise_6_2(lambda p, y: 0.5))
    assert "between 0.05 and 0.95" in hint(check.exercise_6_2(lambda p, y: 2.0))


def test_grade_looks_the_function_up_by_name():
    assert check.grade("2.1", {"my_mae_grad": good_mae_grad}).passed
    assert "my_mae_grad is not defined" in check.grade("2.1", {}).feedback
    with pytest.raises(ValueError, match="unknown exercise"):
        check.grade("9.9", {})


def test_every_checked_exercise_is_in_a_notebook_with_a_check_cell():
    import nbformat
    from pathlib import Path

    found = set()
    for path in Path(__file__).resolve().parent.parent.glob("notebooks/*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if "check" in cell.metadata.get("tags", []):
                found.add(cell.metadata["lossedu"]["exercise"])
    assert found == set(check.EXERCISES)
