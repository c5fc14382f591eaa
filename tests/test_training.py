"""The same line fit in NumPy, PyTorch, TensorFlow and JAX."""

import numpy as np
import pytest

from lossedu.training import TRAINERS, fit_line

X = np.arange(5, dtype=np.float32)
Y = 2 * X + 1 + np.float32([0.3, -0.2, 0.1, 0.0, 0.4])


@pytest.mark.parametrize("loss", ["mse", "mae"])
def test_frameworks_agree_away_from_ties(loss):
    runs = {fw: fit_line(fw, loss, X, Y, learning_rate=0.05, steps=150) for fw in TRAINERS}
    reference = runs["numpy"]
    assert reference.weight.shape == (151,) and reference.loss.shape == (150,)
    for framework, history in runs.items():
        np.testing.assert_allclose(history.weight, reference.weight, rtol=1e-5, atol=1e-5,
                                   err_msg=framework)
        np.testing.assert_allclose(history.loss, reference.loss, rtol=1e-5, atol=1e-6,
                                   err_msg=framework)


def test_mse_fit_converges_to_least_squares():
    history = fit_line("numpy", "mse", X, Y, learning_rate=0.05, steps=2000)
    slope, intercept = np.polyfit(X, Y, 1)
    assert history.weight[-1] == pytest.approx(slope, abs=1e-4)
    assert history.bias[-1] == pytest.approx(intercept, abs=1e-4)
    # gradient descent on a convex bowl: the loss never rises beyond float32 rounding
    assert np.all(np.diff(history.loss) <= 1e-5 * history.loss[1:])


def test_starting_at_an_exact_fit_the_tie_convention_decides():
    y = 2 * X + 1
    stay = fit_line("numpy", "mae", X, y, weight=2.0, bias=1.0, learning_rate=0.05, steps=10)
    move = fit_line("numpy", "mae", X, y, weight=2.0, bias=1.0, learning_rate=0.05, steps=10,
                    subgradient=1.0)
    assert np.all(stay.weight == 2.0) and np.all(stay.loss == 0.0)
    # with +1 at ties the first step leaves the optimum: w -= lr * mean(x), b -= lr * 1
    assert move.weight[1] == pytest.approx(2.0 - 0.05 * X.mean())
    assert move.loss[1] > 0


@pytest.mark.parametrize("kwargs, error, word", [
    ({"framework": "keras"}, ValueError, "framework"),
    ({"loss": "huber"}, ValueError, "loss"),
    ({"x": [[0.0, 1.0]], "y": [[1.0, 2.0]]}, ValueError, "1-D"),
    ({"x": [0.0, 1.0], "y": [1.0, 2.0, 3.0]}, ValueError, "shape"),
    ({"y": [1.0, np.nan, 0.0, 0.0, 0.0]}, ValueError, "nan"),
    ({"learning_rate": 0.0}, ValueError, "learning_rate"),
    ({"learning_rate": -1.0}, ValueError, "learning_rate"),
    ({"steps": 0}, ValueError, "steps"),
    ({"steps": 2.5}, ValueError, "steps"),
    ({"subgradient": 2.0}, ValueError, "subgradient"),
    ({"framework": "torch", "subgradient": 1.0}, ValueError, "numpy"),
    ({"weight": "1"}, ValueError, "weight"),
    ({"weight": 1e39}, ValueError, "finite float32"),
])
def test_bad_arguments_are_rejected(kwargs, error, word):
    arguments = {"framework": "numpy", "loss": "mae", "x": X, "y": Y, **kwargs}
    with pytest.raises(error, match=word):
        fit_line(arguments.pop("framework"), arguments.pop("loss"), arguments.pop("x"),
                 arguments.pop("y"), **arguments)


@pytest.mark.parametrize("framework", TRAINERS)
def test_divergence_is_reported_the_same_way_by_every_framework(framework):
    with pytest.raises(ValueError, match="diverged"):
        fit_line(framework, "mse", X * 1000, Y, learning_rate=10.0, steps=200)
