"""Analytic gradients and Jacobians of MAE and MSE, checked against finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossedu
from references import assert_as_expected, expect_grad
from strategies import examples, pairs, reductions
from test_losses import SEED_Y_PRED, SEED_Y_TRUE

GRADIENTS = {"mae": (lossedu.mae, lossedu.mae_grad), "mse": (lossedu.mse, lossedu.mse_grad)}


def test_seed_001_gradient_is_sign_over_n():
    grad = lossedu.mae_grad(SEED_Y_TRUE, SEED_Y_PRED)
    assert grad.shape == (5, 1)
    np.testing.assert_allclose(grad, np.sign(SEED_Y_PRED - SEED_Y_TRUE) / 5)
    assert set(np.abs(grad).ravel()) == {1 / 5}


@pytest.mark.parametrize("name", GRADIENTS)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@given(data=st.data())
def test_gradient_matches_finite_differences_away_from_ties(name, reduction, data):
    loss, grad = GRADIENTS[name]
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4))
    y_true = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    offsets = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.01, 5)))
    signs = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    y_pred = y_true + signs * offsets
    numerical = lossedu.numerical_grad(lambda p: loss(y_true, p, reduction=reduction), y_pred)
    np.testing.assert_allclose(grad(y_true, y_pred, reduction=reduction), numerical,
                               rtol=1e-6, atol=1e-8)


subgradients = st.one_of(st.sampled_from([0.0, 1.0, -1.0, 0.5]), st.floats(-1.0, 1.0))


@pytest.mark.parametrize("name", GRADIENTS)
@settings(max_examples=examples(150))
@given(pair=pairs(), reduction=reductions, subgradient=subgradients)
def test_gradients_match_exact_arithmetic_at_ties_and_near_misses(name, pair, reduction,
                                                                   subgradient):
    """sign(r) / N and 2 r / N from the exact residual, for float16/32/64 and mixed pairs with
    exact ties (MAE: the chosen subgradient there), residuals of a few units in the last place
    (between a float32 value and a float64 one, the tie is decided on the float64 residual),
    subnormal and huge residuals; an overflow is a ValueError with the exact message."""
    y_true, y_pred = pair
    options = {"subgradient": subgradient} if name == "mae" else {}
    assert_as_expected(lambda: GRADIENTS[name][1](y_true, y_pred, reduction=reduction, **options),
                       expect_grad(name, y_true, y_pred, reduction, subgradient=subgradient))


def test_mae_gradient_at_a_tie_is_the_chosen_subgradient():
    y_true = np.array([1.0, 2.0, 3.0, 4.0])
    y_pred = np.array([1.0, 5.0, 3.0, 0.0])  # ties at 0 and 2
    for subgradient in (0.0, 1.0, -1.0, 0.25):
        grad = lossedu.mae_grad(y_true, y_pred, reduction="sum", subgradient=subgradient)
        np.testing.assert_array_equal(grad, [subgradient, 1.0, subgradient, -1.0])
    np.testing.assert_array_equal(lossedu.mae_grad(y_true, y_pred), [0.0, 0.25, 0.0, -0.25])


def test_negative_zero_residual_is_a_tie():
    grad = lossedu.mae_grad([0.0], [-0.0], subgradient=0.5)
    np.testing.assert_array_equal(grad, [0.5])


@pytest.mark.parametrize("subgradient", [-1.0, -0.3, 0.0, 1.0])
def test_every_allowed_subgradient_lies_between_the_one_sided_slopes(subgradient):
    y_true = np.array([0.0, 1.0, -2.0])
    y_pred = np.array([0.0, 1.5, -2.0])
    report = lossedu.check_gradient(
        lambda p: lossedu.mae(y_true, p),
        lambda p: lossedu.mae_grad(y_true, p, subgradient=subgradient), y_pred)
    assert report.passed
    assert report.kink.tolist() == [True, False, True]


def test_mean_divides_by_all_elements_of_a_2d_array():
    y_true = np.zeros((4, 3))
    y_pred = np.ones((4, 3))
    np.testing.assert_allclose(lossedu.mae_grad(y_true, y_pred), np.full((4, 3), 1 / 12))
    np.testing.assert_allclose(lossedu.mse_grad(y_true, y_pred), np.full((4, 3), 2 / 12))


def test_none_reduction_is_the_elementwise_derivative():
    y_true = np.array([0.0, 0.0, 0.0])
    y_pred = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(lossedu.mae_grad(y_true, y_pred, reduction="none"), [-1, 0, 1])
    np.testing.assert_array_equal(lossedu.mse_grad(y_true, y_pred, reduction="none"), [-4, 0, 6])


@pytest.mark.parametrize("grad", [lossedu.mae_grad, lossedu.mse_grad])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradient_has_y_pred_shape_and_dtype(grad, dtype, reduction):
    y_true = np.zeros((2, 3), dtype=dtype)
    y_pred = np.arange(6, dtype=dtype).reshape(2, 3) - 2
    result = grad(y_true, y_pred, reduction=reduction)
    assert result.shape == (2, 3)
    assert result.dtype == dtype


@pytest.mark.parametrize("grad", [lossedu.mae_grad, lossedu.mse_grad])
def test_integer_inputs_give_float64_gradients(grad):
    result = grad([1, 2, 3], [3, 2, 1])
    assert result.dtype == np.float64
    assert result.shape == (3,)


def test_scalar_input_gives_a_0d_gradient():
    assert lossedu.mae_grad(1.0, 3.0).shape == ()
    assert lossedu.mse_grad(1.0, 3.0) == 4.0


def test_jacobian_of_the_mean_is_a_row_and_of_none_is_diagonal():
    y_true = np.array([[1.5], [0.2], [3.9]])
    y_pred = np.array([[1.2], [0.5], [3.2]])
    row = lossedu.jacobian(lossedu.mae_grad, y_true, y_pred)
    np.testing.assert_allclose(row, [[-1 / 3, 1 / 3, -1 / 3]])
    diagonal = lossedu.jacobian(lossedu.mae_grad, y_true, y_pred, reduction="none")
    np.testing.assert_array_equal(diagonal, np.diag([-1.0, 1.0, -1.0]))
    # Chain rule: mean = (1/N) * ones(1, N) @ elementwise, so J_mean = (1/N) ones @ J_none.
    np.testing.assert_allclose(row, np.ones((1, 3)) @ diagonal / 3)


def test_jacobian_passes_options_to_the_gradient():
    jac = lossedu.jacobian(lossedu.mae_grad, [1.0, 2.0], [1.0, 2.0], reduction="sum", subgradient=1.0)
    np.testing.assert_array_equal(jac, [[1.0, 1.0]])


def test_jacobian_of_a_2d_input_is_flattened_row_major():
    y_true = np.zeros((2, 2))
    y_pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(lossedu.jacobian(lossedu.mse_grad, y_true, y_pred, reduction="sum"),
                                  [[2.0, 4.0, 6.0, 8.0]])
    assert lossedu.jacobian(lossedu.mse_grad, y_true, y_pred, reduction="none").shape == (4, 4)


@pytest.mark.parametrize("grad", [lossedu.mae_grad, lossedu.mse_grad])
def test_float16_mean_gradient_of_a_large_array_is_not_zero(grad):
    # N = 70000 does not fit float16 (largest 65504): dividing by N in float16 would give 0.
    n = 70_000
    result = grad(np.zeros(n, dtype=np.float16), np.full(n, 0.5, dtype=np.float16))
    assert result.dtype == np.float16
    # sign(0.5) / n for MAE, 2 * 0.5 / n for MSE; 1/n is a float16 subnormal, precise to ~0.5%
    np.testing.assert_allclose(result.astype(np.float64), 1 / n, rtol=5e-3)


def test_ties_are_decided_in_the_residuals_dtype_not_y_preds():
    # float32(0.1) and float64(0.1) differ by about 1.5e-9: not a tie in the residual's
    # float64, although they are equal in y_pred's float32
    y_true, y_pred = np.array([0.1]), np.array([0.1], dtype=np.float32)
    result = lossedu.mae_grad(y_true, y_pred, subgradient=0.5)
    assert result.dtype == np.float32 and result.tolist() == [1.0]
    assert lossedu.mae_grad(y_true.astype(np.float32), y_pred, subgradient=0.5).tolist() == [0.5]
