"""Values, reductions and dtypes of lossedu.mae and lossedu.mse."""

import numpy as np
import pytest
from hypothesis import example, given, settings

import lossedu
from references import assert_as_expected, expect_loss
from strategies import examples, pairs, reductions

# The worked example of seed 001 (neuralthreads' MAE post): five targets and predictions, as columns.
SEED_Y_TRUE = np.array([[1.5], [0.2], [3.9], [6.2], [5.2]])
SEED_Y_PRED = np.array([[1.2], [0.5], [3.2], [4.2], [3.2]])


def python_mae(y_true, y_pred):
    """The definition, one element at a time, in plain Python."""
    pairs = list(zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()))
    return sum(abs(p - t) for t, p in pairs) / len(pairs)


def python_mse(y_true, y_pred):
    pairs = list(zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()))
    return sum((p - t) ** 2 for t, p in pairs) / len(pairs)


def test_seed_001_worked_example():
    assert lossedu.mae(SEED_Y_TRUE, SEED_Y_PRED) == pytest.approx(python_mae(SEED_Y_TRUE, SEED_Y_PRED))
    assert lossedu.mse(SEED_Y_TRUE, SEED_Y_PRED) == pytest.approx(python_mse(SEED_Y_TRUE, SEED_Y_PRED))


@pytest.mark.parametrize("name", ["mae", "mse"])
@settings(max_examples=examples(150))
@given(pair=pairs(), reduction=reductions)
@example(pair=(np.zeros(2), np.full(2, 1e308)), reduction="mean")
@example(pair=(np.float32([0.0, -1.0]), np.float32([3e38, 2e38])), reduction="mean")
def test_values_match_exact_arithmetic_in_every_dtype_and_size(name, pair, reduction):
    """float16/32/64 and mixed pairs, ties, subnormal and huge residuals, 0-d to 2-d: the value
    is within a few roundings of the exact one (the residuals as fractions, summed exactly), in
    y_pred's dtype, or an overflow is a ValueError with the exact message
    (tests/references.py)."""
    y_true, y_pred = pair
    loss = getattr(lossedu, name)
    got = assert_as_expected(lambda: loss(y_true, y_pred, reduction=reduction),
                             expect_loss(name, y_true, y_pred, reduction))
    if got is not None and reduction != "none":
        assert isinstance(got, np.floating)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss", [lossedu.mae, lossedu.huber, lossedu.smooth_l1, lossedu.log_cosh])
def test_a_mean_that_fits_is_returned_although_the_sum_overflows(loss, dtype):
    """A bug of lossedu 0.1.0, found by the property above (fails until fixed): it sums the
    elementwise losses in the dtype before dividing by N, so the mean of three losses of 0.4
    times the largest float is reported as "the loss overflows" although every element and the
    mean itself fit."""
    big = 0.4 * float(np.finfo(dtype).max)
    y_true, y_pred = np.zeros(3, dtype), np.full(3, big, dtype)
    one = loss(y_true[:1], y_pred[:1])  # the same loss, of one element: the mean of the three
    assert loss(y_true, y_pred) == pytest.approx(one, rel=4 * float(np.finfo(dtype).eps))


@pytest.mark.parametrize("loss, elementwise", [(lossedu.mae, np.abs), (lossedu.mse, np.square)])
def test_reductions(loss, elementwise):
    y_true = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]])
    y_pred = np.array([[0.0, 2.0, 0.5], [1.0, 1.0, -1.0]])
    expected = elementwise(y_pred - y_true)
    np.testing.assert_array_equal(loss(y_true, y_pred, reduction="none"), expected)
    assert loss(y_true, y_pred, reduction="sum") == expected.sum()
    # "mean" is over all six elements, not over the two rows.
    assert loss(y_true, y_pred, reduction="mean") == pytest.approx(expected.sum() / 6)
    assert loss(y_true, y_pred) == loss(y_true, y_pred, reduction="mean")


@pytest.mark.parametrize("loss", [lossedu.mae, lossedu.mse])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_floating_dtype_of_y_pred_is_kept(loss, dtype):
    y_true = np.array([1.0, 2.0, 4.0], dtype=dtype)
    y_pred = np.array([1.5, 2.0, 3.0], dtype=dtype)
    for reduction in ("mean", "sum", "none"):
        assert loss(y_true, y_pred, reduction=reduction).dtype == dtype


@pytest.mark.parametrize("loss", [lossedu.mae, lossedu.mse])
def test_integers_become_float64(loss):
    assert loss([1, 2, 3], [3, 2, 1]).dtype == np.float64
    assert loss([1, 2, 3], [3, 2, 1], reduction="none").dtype == np.float64


def test_mixed_precision_is_computed_promoted_and_returned_in_y_pred_dtype():
    # In float32 1 + 1e-9 rounds to 1 and the error would vanish; promotion keeps it.
    y_true = np.array([1.0 + 1e-9])
    y_pred = np.float32([1.0])
    assert lossedu.mae(y_true, y_pred).dtype == np.float32
    assert lossedu.mae(y_true, y_pred) == pytest.approx(1e-9, rel=1e-6)


def test_reduced_losses_are_numpy_scalars_and_none_keeps_the_shape():
    assert isinstance(lossedu.mae([1.0, 2.0], [2.0, 2.0]), np.floating)
    assert lossedu.mse(np.zeros((2, 3)), np.ones((2, 3)), reduction="none").shape == (2, 3)
    assert lossedu.mae(1.0, 3.0, reduction="none").shape == ()


def test_inputs_are_not_modified():
    y_true, y_pred = np.array([1.0, 2.0]), np.array([3.0, 2.0])
    for function in (lossedu.mae, lossedu.mse, lossedu.mae_grad, lossedu.mse_grad):
        function(y_true, y_pred)
    np.testing.assert_array_equal(y_true, [1.0, 2.0])
    np.testing.assert_array_equal(y_pred, [3.0, 2.0])


def test_symmetry_and_zero_at_the_target():
    y = np.array([0.3, -7.0, 2.0])
    assert lossedu.mae(y, y) == 0.0 and lossedu.mse(y, y) == 0.0
    assert lossedu.mae(y, y + 1) == lossedu.mae(y + 1, y)
