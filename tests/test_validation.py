"""Every public loss and gradient function rejects malformed input with a clear error."""

import numpy as np
import pytest

import lossedu

PUBLIC_FUNCTIONS = {
    "mae": lossedu.mae,
    "mse": lossedu.mse,
    "mae_grad": lossedu.mae_grad,
    "mse_grad": lossedu.mse_grad,
    "jacobian(mae_grad)": lambda t, p, **kw: lossedu.jacobian(lossedu.mae_grad, t, p, **kw),
    "jacobian(mse_grad)": lambda t, p, **kw: lossedu.jacobian(lossedu.mse_grad, t, p, **kw),
    "huber": lossedu.huber,
    "huber_grad": lossedu.huber_grad,
    "smooth_l1": lossedu.smooth_l1,
    "smooth_l1_grad": lossedu.smooth_l1_grad,
    "pseudo_huber": lossedu.pseudo_huber,
    "pseudo_huber_grad": lossedu.pseudo_huber_grad,
    "log_cosh": lossedu.log_cosh,
    "log_cosh_grad": lossedu.log_cosh_grad,
}


@pytest.fixture(params=PUBLIC_FUNCTIONS.values(), ids=PUBLIC_FUNCTIONS.keys())
def public_function(request):
    return request.param


# (y_true, y_pred, exception, words the message must contain)
BAD_PAIRS = {
    "column vs flat (5,) vs (5, 1)": (np.zeros(5), np.zeros((5, 1)), ValueError,
                                      ["(5,)", "(5, 1)", "does not broadcast"]),
    "flat vs column (5, 1) vs (5,)": (np.zeros((5, 1)), np.zeros(5), ValueError,
                                      ["(5, 1)", "(5,)", "does not broadcast"]),
    "different lengths": ([1.0, 2.0, 3.0], [1.0, 2.0], ValueError, ["(3,)", "(2,)"]),
    "scalar vs vector": (1.0, [1.0, 2.0], ValueError, ["()", "(2,)"]),
    "transposed": (np.zeros((2, 3)), np.zeros((3, 2)), ValueError, ["(2, 3)", "(3, 2)"]),
    "empty y_true": ([], [], ValueError, ["y_true", "empty"]),
    "empty 2-D": (np.zeros((0, 3)), np.zeros((0, 3)), ValueError, ["empty", "(0, 3)"]),
    "NaN in y_pred": ([1.0, 2.0], [1.0, np.nan], ValueError, ["y_pred", "nan", "(1,)"]),
    "NaN in y_true": ([np.nan, 2.0], [1.0, 2.0], ValueError, ["y_true", "nan", "(0,)"]),
    "inf in y_true": ([1.0, np.inf], [1.0, 2.0], ValueError, ["y_true", "inf"]),
    "-inf in y_pred": ([[1.0], [2.0]], [[-np.inf], [2.0]], ValueError, ["y_pred", "-inf", "(0, 0)"]),
    "inf in both": ([np.inf], [np.inf], ValueError, ["y_true", "inf"]),
    "subtraction overflows": ([-1e308], [1e308], ValueError, ["overflows", "float64"]),
    "float32 overflow": (np.float32([-3e38]), np.float32([3e38]), ValueError,
                         ["overflows", "float32"]),
    "strings": (["a", "b"], [1.0, 2.0], TypeError, ["y_true", "real numbers"]),
    "numeric strings": ([1.0, 2.0], ["1", "2"], TypeError, ["y_pred", "real numbers"]),
    "None": (None, [1.0], TypeError, ["y_true", "object"]),
    "object dtype": (np.array([1.0, 2.0], dtype=object), [1.0, 2.0], TypeError, ["object"]),
    "complex": ([1 + 2j], [1.0], TypeError, ["y_true", "complex"]),
    "booleans": ([True, False], [1.0, 0.0], TypeError, ["y_true", "booleans"]),
    "ragged list": ([[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]], ValueError,
                    ["y_true", "rectangular"]),
    "masked array": (np.ma.masked_array([1.0, 2.0], mask=[0, 1]), [1.0, 2.0], TypeError,
                     ["y_true", "masked"]),
    "datetimes": (np.array(["2020-01-01"], dtype="datetime64[D]"), [1.0], TypeError,
                  ["real numbers", "datetime64"]),
}


@pytest.mark.parametrize("y_true, y_pred, error, words", BAD_PAIRS.values(), ids=BAD_PAIRS.keys())
def test_bad_input_is_rejected_with_a_clear_message(public_function, y_true, y_pred, error, words):
    with pytest.raises(error) as caught:
        public_function(y_true, y_pred)
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"


@pytest.mark.parametrize("reduction, error", [
    ("average", ValueError), ("MEAN", ValueError), ("", ValueError),
    (None, TypeError), (0, TypeError), (["mean"], TypeError),
])
def test_unknown_reduction_is_rejected(public_function, reduction, error):
    with pytest.raises(error, match="reduction"):
        public_function([1.0, 2.0], [1.0, 3.0], reduction=reduction)


@pytest.mark.parametrize("subgradient", [1.5, -1.0001, np.nan, np.inf, "0", None, True, 1j, [0.0]])
def test_subgradient_outside_minus_one_to_one_is_a_value_error(subgradient):
    with pytest.raises(ValueError, match="subgradient"):
        lossedu.mae_grad([1.0, 2.0], [1.0, 3.0], subgradient=subgradient)


def test_jacobian_needs_a_function():
    with pytest.raises(TypeError, match="grad_fn"):
        lossedu.jacobian("mae", [1.0], [2.0])


def test_keyword_only_options_cannot_be_passed_positionally():
    with pytest.raises(TypeError):
        lossedu.mae([1.0], [2.0], "sum")


def test_the_broadcasting_trap_is_real_in_bare_numpy():
    """Why the shape check exists: NumPy silently computes a 5x5 residual matrix."""
    y_true, y_pred = np.arange(5.0), np.arange(5.0).reshape(5, 1)
    assert np.mean(np.abs(y_pred - y_true)) == pytest.approx(1.6)  # a wrong answer, not 0.0
    with pytest.raises(ValueError):
        lossedu.mae(y_true, y_pred)


@pytest.mark.parametrize("values", [[1.0, 4.0], (1.0, 4.0), np.float32([1.0, 4.0]), [1, 4]])
def test_lists_tuples_and_arrays_are_accepted_and_give_the_array_answer(public_function, values):
    reference = public_function(np.array([1.0, 4.0]), np.array([3.0, 4.0]))
    result = public_function(values, np.asarray(values, dtype=float) + [2.0, 0.0])
    np.testing.assert_allclose(result, reference)


def test_scalars_are_accepted_and_give_the_array_answer(public_function):
    np.testing.assert_allclose(np.ravel(public_function(2.0, 3)),
                               np.ravel(public_function(np.array([2.0]), np.array([3.0]))))


@pytest.mark.parametrize("call, words", [
    (lambda: lossedu.mse([0.0], [1e200]), ["loss overflows float64", "rescale"]),
    (lambda: lossedu.mse_grad([0.0], [1e308], reduction="sum"), ["gradient overflows float64"]),
    (lambda: lossedu.mse(np.float16(0), np.float16(300)), ["loss overflows float16", "65504"]),
    (lambda: lossedu.mse(np.float16([0, 0]), np.float16([300, 1]), reduction="none"),
     ["loss overflows float16"]),
    (lambda: lossedu.mae(np.float16([0] * 100), np.float16([1000] * 100), reduction="sum"),
     ["loss overflows float16"]),
    # the residual fits float64 but the result must be float16, y_pred's dtype
    (lambda: lossedu.mae(np.array([1e6]), np.float16([0])), ["loss overflows float16"]),
])
def test_a_result_that_overflows_its_dtype_is_an_error_not_inf(call, words):
    with pytest.raises(ValueError) as caught:
        call()
    for word in words:
        assert word in str(caught.value)


def test_float16_sums_that_fit_are_not_overflow_errors():
    # 60 x 1000 = 60000 fits float16, though a float16 running sum would be imprecise
    assert lossedu.mae(np.float16([0] * 60), np.float16([1000] * 60), reduction="sum") == 60000


def test_integers_beyond_2_to_the_53_are_rejected_not_rounded():
    with pytest.raises(ValueError, match="2\\*\\*53"):
        lossedu.mae([2**53 + 1], [2**53])


def test_jacobian_rejects_a_function_that_is_not_a_gradient():
    with pytest.raises(ValueError, match="not a loss"):
        lossedu.jacobian(lossedu.mae, [1.0, 3.0], [2.0, 3.0])
    with pytest.raises(ValueError, match="reduction"):
        lossedu.jacobian(lossedu.mae_grad, [1.0], [2.0], reduction="average")
