"""lossedu.chapters.examples: the worked examples the chapters share."""

import numpy as np
import pytest

import lossedu
from lossedu.chapters.examples import INTERCEPT, SLOPE, line_targets, worked_example


def test_worked_example_is_the_tutorials_columns():
    y_true, y_pred = worked_example()
    assert y_true.shape == y_pred.shape == (5, 1)
    assert y_true.dtype == y_pred.dtype == np.float64
    # the tutorial's results (chapter 1 prints them)
    assert lossedu.mae(y_true, y_pred) == pytest.approx(1.06)
    assert lossedu.mse(y_true, y_pred) == pytest.approx(1.734)


def test_worked_example_returns_new_arrays_each_call():
    y_true, y_pred = worked_example()
    y_true[0, 0] = 99.0
    y_pred[:] = 0.0
    again_true, again_pred = worked_example()
    assert again_true[0, 0] == 1.5 and again_pred[0, 0] == 1.2


def test_line_targets_without_noise_lie_on_the_line_in_the_dtype_of_x():
    x = np.arange(5, dtype=np.float32)
    y = line_targets(x)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, SLOPE * x + INTERCEPT)
    np.testing.assert_array_equal(line_targets([0, 1]), [1.0, 3.0])


def test_line_targets_draw_the_noise_the_chapters_drew_inline():
    x = np.linspace(0, 3, 20)
    expected = 2 * x + 1 + np.random.default_rng(5).normal(scale=0.3, size=20)
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(line_targets(x, noise=0.3, rng=rng), expected)
    # the generator advanced by exactly the draws used, as the inline code left it
    reference = np.random.default_rng(5)
    reference.normal(size=20)
    assert rng.random() == reference.random()


def test_line_targets_without_noise_leave_the_generator_alone():
    rng = np.random.default_rng(1)
    line_targets(np.zeros(3), rng=rng)
    assert rng.random() == np.random.default_rng(1).random()


@pytest.mark.parametrize("x, options, error, words", [
    (np.zeros((2, 2)), {}, ValueError, "1-D"),
    ([0.0, np.nan], {}, ValueError, "x contains"),
    ([True, False], {}, TypeError, "booleans"),
    ([0.0, 1.0], {"noise": -0.1}, ValueError, "noise"),
    ([0.0, 1.0], {"noise": np.inf}, ValueError, "noise"),
    ([0.0, 1.0], {"noise": 0.1}, TypeError, "needs rng"),
    ([0.0, 1.0], {"noise": 0.1, "rng": 3}, TypeError, "Generator"),
])
def test_line_targets_refuse_bad_input_naming_it(x, options, error, words):
    with pytest.raises(error, match=words):
        line_targets(x, **options)
