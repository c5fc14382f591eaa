"""lossedu.training.constant_path: gradient descent on one constant prediction."""

import numpy as np
import pytest

from lossedu.training import constant_gradient, constant_optimum, constant_path, descend

Y_SEVEN = np.array([1.0, 2.0, 2.5, 3.0, 4.5, 6.0, 12.0])


@pytest.mark.parametrize("loss, options", [("mse", {}), ("mae", {}), ("huber", {"delta": 1.0}),
                                           ("mse", {"reduction": "sum"})])
def test_constant_path_is_descend_on_constant_gradient(loss, options):
    path = constant_path(loss, Y_SEVEN, 10.05, learning_rate=0.01, steps=50, **options)
    expected = descend(constant_gradient(loss, Y_SEVEN, **options), [10.05],
                       learning_rate=0.01, steps=50)[:, 0]
    assert path.shape == (51,) and path[0] == 10.05
    np.testing.assert_array_equal(path, expected)


def test_constant_path_heads_for_the_optimum_and_accepts_a_schedule():
    mse = constant_path("mse", Y_SEVEN, 10.05, learning_rate=0.1, steps=300)
    assert mse[-1] == pytest.approx(constant_optimum("mse", Y_SEVEN))
    decaying = constant_path("mae", Y_SEVEN, 10.05, learning_rate=lambda t: (t + 1) ** -0.5,
                             steps=2000)
    assert abs(decaying[-1] - np.median(Y_SEVEN)) < 0.01


@pytest.mark.parametrize("start, options, words", [
    ("10", {}, "start must be a real number"),
    (np.nan, {}, "start must lie"),
    (0.0, {"learning_rate": -1.0}, "learning_rate"),
    (0.0, {"steps": 0}, "steps must be a positive integer"),
])
def test_constant_path_refuses_bad_input(start, options, words):
    arguments = dict({"learning_rate": 0.1, "steps": 3}, **options)
    with pytest.raises(ValueError, match=words):
        constant_path("mse", Y_SEVEN, start, **arguments)


def test_constant_path_refuses_an_unknown_loss():
    with pytest.raises(ValueError, match="unknown loss"):
        constant_path("l3", Y_SEVEN, 0.0, learning_rate=0.1, steps=3)
