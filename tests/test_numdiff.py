"""Finite differences and the kink-aware gradient checker."""

import numpy as np
import pytest

import lossedu


def test_at_the_kink_of_abs_central_is_zero_and_one_sided_are_plus_minus_one():
    assert lossedu.numerical_grad(np.abs, 0.0) == 0.0
    assert lossedu.numerical_grad(np.abs, 0.0, method="forward") == pytest.approx(1.0)
    assert lossedu.numerical_grad(np.abs, 0.0, method="backward") == pytest.approx(-1.0)


@pytest.mark.parametrize("method", ["central", "forward", "backward"])
@pytest.mark.parametrize("x", [-3.0, -0.5, 0.7, 12.0])
def test_away_from_the_kink_all_methods_give_the_sign(method, x):
    assert lossedu.numerical_grad(np.abs, x, method=method) == pytest.approx(np.sign(x))


def test_central_is_more_accurate_than_one_sided_on_a_smooth_function():
    x = np.array([0.3, -1.2, 2.0])
    exact = np.cos(x)
    errors = {m: np.abs(lossedu.numerical_grad(lambda v: np.sin(v).sum(), x, method=m) - exact).max()
              for m in ("central", "forward", "backward")}
    assert errors["central"] < 1e-9
    assert errors["central"] < errors["forward"] and errors["central"] < errors["backward"]
    assert errors["forward"] < 1e-6


def test_gradient_of_a_multivariate_function_keeps_the_shape():
    x = np.arange(6.0).reshape(2, 3)
    grad = lossedu.numerical_grad(lambda v: (v ** 2).sum(), x)
    assert grad.shape == (2, 3)
    np.testing.assert_allclose(grad, 2 * x, atol=1e-8)


def test_explicit_step_is_used():
    # With a step of 0.5 the forward quotient of x**2 at 1 is (1.5**2 - 1) / 0.5 = 2.5.
    assert lossedu.numerical_grad(lambda v: v ** 2, 1.0, method="forward", step=0.5) == 2.5


def test_input_is_not_modified_and_integers_are_accepted():
    x = np.array([1, 2, 3])
    grad = lossedu.numerical_grad(lambda v: v.sum(), x)
    np.testing.assert_allclose(grad, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(x, [1, 2, 3])


@pytest.mark.parametrize("kwargs, error, word", [
    ({"method": "centered"}, ValueError, "method"),
    ({"step": 0.0}, ValueError, "step"),
    ({"step": -1e-3}, ValueError, "step"),
    ({"step": np.inf}, ValueError, "step"),
    ({"step": "1e-5"}, ValueError, "step"),
])
def test_bad_options_are_rejected(kwargs, error, word):
    with pytest.raises(error, match=word):
        lossedu.numerical_grad(np.abs, 1.0, **kwargs)


@pytest.mark.parametrize("x, error, word", [
    ([np.nan], ValueError, "nan"), ([], ValueError, "empty"), (["a"], TypeError, "real"),
    ([1 + 1j], TypeError, "complex"),
])
def test_bad_points_are_rejected(x, error, word):
    with pytest.raises(error, match=word):
        lossedu.numerical_grad(lambda v: v.sum(), x)


def test_f_must_be_a_scalar_real_function():
    with pytest.raises(TypeError, match="function"):
        lossedu.numerical_grad("abs", 1.0)
    with pytest.raises(ValueError, match="single number"):
        lossedu.numerical_grad(lambda v: v * 2, [1.0, 2.0])
    with pytest.raises(TypeError, match="real number"):
        lossedu.numerical_grad(lambda v: "x", 1.0)


def test_check_gradient_finds_kinks_and_accepts_subgradients():
    report = lossedu.check_gradient(lambda v: np.abs(v).sum(), np.sign, [-1.0, 0.0, 2.0])
    assert report.passed
    assert report.kink.tolist() == [False, True, False]
    np.testing.assert_allclose(report.forward, [-1.0, 1.0, 1.0])
    np.testing.assert_allclose(report.backward, [-1.0, -1.0, 1.0])


def test_check_gradient_fails_a_wrong_gradient_and_says_where():
    report = lossedu.check_gradient(lambda v: (v ** 2).sum(), lambda v: v, [1.0, 0.0, -2.0])
    assert not report.passed
    assert report.ok.tolist() == [False, True, False]
    assert "FAILED at 2 element(s)" in str(report)


def test_check_gradient_rejects_a_value_outside_the_one_sided_slopes_at_a_kink():
    report = lossedu.check_gradient(lambda v: np.abs(v).sum(), lambda v: np.full_like(v, 1.5), [0.0])
    assert report.kink.tolist() == [True]
    assert not report.passed


def test_check_gradient_rejects_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match="shape"):
        lossedu.check_gradient(lambda v: v.sum(), lambda v: np.ones(3), [1.0, 2.0])


def test_report_prints_a_row_per_element():
    text = str(lossedu.check_gradient(lambda v: np.abs(v).sum(), np.sign, [[0.0, 1.0]]))
    lines = text.splitlines()
    assert lines[0].split() == ["index", "x", "analytic", "central", "forward", "backward", "kink", "ok"]
    assert len(lines) == 4 and lines[-1] == "gradient check passed"


def test_a_step_below_the_spacing_of_x_is_an_error_not_nan():
    with pytest.raises(ValueError, match="spacing"):
        lossedu.numerical_grad(lambda v: v.sum(), 1e300, step=1.0)
    with pytest.raises(ValueError, match="spacing"):
        lossedu.numerical_grad(lambda v: v.sum(), 1.0, step=1e-300)


def test_strong_curvature_is_not_mistaken_for_a_kink():
    # forward - backward = f'' * h = 1e5 * 1.5e-8 > 1e-3, but it shrinks with the step
    report = lossedu.check_gradient(lambda v: (5e4 * v ** 2).sum(), lambda v: 1e5 * v, [0.0, 1e-3])
    assert report.kink.tolist() == [False, False]
    assert report.passed
    wrong = lossedu.check_gradient(lambda v: (5e4 * v ** 2).sum(), lambda v: 1e5 * v + 0.01, [0.0])
    assert not wrong.passed


@pytest.mark.parametrize("kwargs, error, word", [
    ({"rtol": "1e-5"}, ValueError, "rtol"), ({"atol": np.nan}, ValueError, "atol"),
    ({"kink_tol": -1.0}, ValueError, "kink_tol"),
])
def test_check_gradient_rejects_bad_tolerances(kwargs, error, word):
    with pytest.raises(error, match=word):
        lossedu.check_gradient(lambda v: v.sum(), np.ones_like, [1.0], **kwargs)


@pytest.mark.parametrize("bad_grad, error, word", [
    (lambda v: None, TypeError, "grad\\(x\\)"), (lambda v: "x", TypeError, "grad\\(x\\)"),
    (lambda v: v + 1j, TypeError, "complex"), (lambda v: v > 0, TypeError, "booleans"),
])
def test_check_gradient_rejects_a_gradient_that_is_not_real_numbers(bad_grad, error, word):
    with pytest.raises(error, match=word):
        lossedu.check_gradient(lambda v: v.sum(), bad_grad, [1.0])
