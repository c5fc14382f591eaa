"""Every public loss and gradient function rejects malformed input with a clear error.

The messages are the contract: each is compared whole, so a change of wording is a decision.
"""

import re

import numpy as np
import pytest

import lossedu
from lossedu.maths.validation import Overflow
from registry import public_functions

# every loss and gradient function of the table (registry.public_functions), and the Jacobian
PUBLIC_FUNCTIONS = {
    **public_functions(),
    "jacobian(mae_grad)": lambda t, p, **kw: lossedu.jacobian(lossedu.mae_grad, t, p, **kw),
    "jacobian(mse_grad)": lambda t, p, **kw: lossedu.jacobian(lossedu.mse_grad, t, p, **kw),
}


@pytest.fixture(params=PUBLIC_FUNCTIONS.values(), ids=PUBLIC_FUNCTIONS.keys())
def public_function(request):
    return request.param


FINITE = "losses and gradients need finite values"
NAN, INF = repr(np.float64(np.nan)), repr(np.float64(np.inf))  # "np.float64(nan)" in NumPy 2
NO_BROADCAST = "lossedu does not broadcast"

# (y_true, y_pred, exception, its whole message: a string, or a pattern where part of it is
# NumPy's own message, which differs between versions)
BAD_PAIRS = {
    "column vs flat (5,) vs (5, 1)": (
        np.zeros(5), np.zeros((5, 1)), ValueError,
        f"y_true has shape (5,) but y_pred has shape (5, 1); {NO_BROADCAST}, reshape one of them "
        f"(e.g. y_true.reshape((5, 1)))"),
    "flat vs column (5, 1) vs (5,)": (
        np.zeros((5, 1)), np.zeros(5), ValueError,
        f"y_true has shape (5, 1) but y_pred has shape (5,); {NO_BROADCAST}, reshape one of them "
        f"(e.g. y_true.reshape((5,)))"),
    "different lengths": ([1.0, 2.0, 3.0], [1.0, 2.0], ValueError,
                          f"y_true has shape (3,) but y_pred has shape (2,); {NO_BROADCAST}"),
    "scalar vs vector": (1.0, [1.0, 2.0], ValueError,
                         f"y_true has shape () but y_pred has shape (2,); {NO_BROADCAST}"),
    "transposed": (np.zeros((2, 3)), np.zeros((3, 2)), ValueError,
                   f"y_true has shape (2, 3) but y_pred has shape (3, 2); {NO_BROADCAST}, reshape "
                   f"one of them (e.g. y_true.reshape((3, 2)))"),
    "empty y_true": ([], [], ValueError,
                     "y_true is empty (shape (0,)); a loss needs at least one value"),
    "empty y_pred": ([1.0], np.zeros((1, 0)), ValueError,
                     "y_pred is empty (shape (1, 0)); a loss needs at least one value"),
    "empty 2-D": (np.zeros((0, 3)), np.zeros((0, 3)), ValueError,
                  "y_true is empty (shape (0, 3)); a loss needs at least one value"),
    "NaN in y_pred": ([1.0, 2.0], [1.0, np.nan], ValueError,
                      f"y_pred contains {NAN} at index (1,); {FINITE}"),
    "NaN in y_true": ([np.nan, 2.0], [1.0, 2.0], ValueError,
                      f"y_true contains {NAN} at index (0,); {FINITE}"),
    "NaN in a 0-d y_pred": (1.0, np.nan, ValueError, f"y_pred contains {NAN}; {FINITE}"),
    "NaN in float16": (np.float16([1.0]), np.float16([np.nan]), ValueError,
                       f"y_pred contains {np.float16(np.nan)!r} at index (0,); {FINITE}"),
    "inf in y_true": ([1.0, np.inf], [1.0, 2.0], ValueError,
                      f"y_true contains {INF} at index (1,); {FINITE}"),
    "-inf in y_pred": ([[1.0], [2.0]], [[-np.inf], [2.0]], ValueError,
                       f"y_pred contains {np.float64(-np.inf)!r} at index (0, 0); {FINITE}"),
    "inf in both": ([np.inf], [np.inf], ValueError, f"y_true contains {INF} at index (0,); {FINITE}"),
    "subtraction overflows": ([-1e308], [1e308], Overflow,
                              "y_pred - y_true overflows float64 (largest magnitude 1.79769e+308)"),
    "float32 overflow": (np.float32([-3e38]), np.float32([3e38]), Overflow,
                         "y_pred - y_true overflows float32 (largest magnitude 3.40282e+38)"),
    "float16 overflow": (np.float16([-40000]), np.float16([40000]), Overflow,
                         "y_pred - y_true overflows float16 (largest magnitude 65504)"),
    "strings": (["a", "b"], [1.0, 2.0], TypeError,
                "y_true must hold real numbers, got dtype <U1 (from list)"),
    "numeric strings": ([1.0, 2.0], ["1", "2"], TypeError,
                        "y_pred must hold real numbers, got dtype <U1 (from list)"),
    "None": (None, [1.0], TypeError,
             "y_true must hold real numbers, got dtype object (from NoneType)"),
    "object dtype": (np.array([1.0, 2.0], dtype=object), [1.0, 2.0], TypeError,
                     "y_true must hold real numbers, got dtype object (from ndarray)"),
    "complex": ([1 + 2j], [1.0], TypeError,
                "y_true holds complex numbers (complex128); these losses are defined for real "
                "values only"),
    "complex64 y_pred": ([1.0], np.complex64([1.0]), TypeError,
                         "y_pred holds complex numbers (complex64); these losses are defined for "
                         "real values only"),
    "booleans": ([True, False], [1.0, 0.0], TypeError,
                 "y_true holds booleans; convert them explicitly with .astype(float) if you mean "
                 "0/1 values"),
    "a boolean y_pred": ([1.0], np.True_, TypeError,
                         "y_pred holds booleans; convert them explicitly with .astype(float) if "
                         "you mean 0/1 values"),
    "ragged list": ([[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]], ValueError,
                    re.compile(re.escape("y_true is not a rectangular array of numbers: ") + ".+")),
    "masked array": (np.ma.masked_array([1.0, 2.0], mask=[0, 1]), [1.0, 2.0], TypeError,
                     "y_true is a masked array; lossedu would ignore the mask, so pass "
                     "y_true.compressed() or y_true.filled(...) explicitly"),
    "datetimes": (np.array(["2020-01-01"], dtype="datetime64[D]"), [1.0], TypeError,
                  "y_true must hold real numbers, got dtype datetime64[D] (from ndarray)"),
    "integers beyond 2**53": ([2**53 + 1], [2**53], ValueError,
                              "y_true holds integers beyond 2**53, which float64 cannot represent "
                              "exactly; convert them to float yourself if rounding is acceptable"),
}


def assert_message(message: str, expected):
    if isinstance(expected, re.Pattern):
        assert expected.fullmatch(message), f"{message!r} does not match {expected.pattern!r}"
    else:
        assert message == expected


@pytest.mark.parametrize("y_true, y_pred, error, message", BAD_PAIRS.values(), ids=BAD_PAIRS.keys())
def test_bad_input_is_rejected_with_a_clear_message(public_function, y_true, y_pred, error, message):
    with pytest.raises(error) as caught:
        public_function(y_true, y_pred)
    assert type(caught.value) is error
    assert_message(str(caught.value), message)


REDUCTIONS = "('mean', 'sum', 'none')"


@pytest.mark.parametrize("reduction, error, message", [
    ("average", ValueError, f"unknown reduction 'average'; use one of {REDUCTIONS}"),
    ("MEAN", ValueError, f"unknown reduction 'MEAN'; use one of {REDUCTIONS}"),
    ("", ValueError, f"unknown reduction ''; use one of {REDUCTIONS}"),
    (None, TypeError, f"reduction must be a string, one of {REDUCTIONS}, got None (NoneType)"),
    (0, TypeError, f"reduction must be a string, one of {REDUCTIONS}, got 0 (int)"),
    (["mean"], TypeError, f"reduction must be a string, one of {REDUCTIONS}, got ['mean'] (list)"),
])
def test_unknown_reduction_is_rejected(public_function, reduction, error, message):
    with pytest.raises(error) as caught:
        public_function([1.0, 2.0], [1.0, 3.0], reduction=reduction)
    assert type(caught.value) is error and str(caught.value) == message


@pytest.mark.parametrize("subgradient, message", [
    (1.5, "subgradient must lie in [-1, 1], got 1.5"),
    (-1.0001, "subgradient must lie in [-1, 1], got -1.0001"),
    (np.nan, "subgradient must lie in [-1, 1], got nan"),
    (np.inf, "subgradient must lie in [-1, 1], got inf"),
    ("0", "subgradient must be a real number in [-1, 1], got '0' (str)"),
    (None, "subgradient must be a real number in [-1, 1], got None (NoneType)"),
    (True, "subgradient must be a real number in [-1, 1], got True (bool)"),
    (1j, "subgradient must be a real number in [-1, 1], got 1j (complex)"),
    ([0.0], "subgradient must be a real number in [-1, 1], got [0.0] (list)"),
])
def test_subgradient_outside_minus_one_to_one_is_a_value_error(subgradient, message):
    with pytest.raises(ValueError) as caught:
        lossedu.mae_grad([1.0, 2.0], [1.0, 3.0], subgradient=subgradient)
    assert str(caught.value) == message


@pytest.mark.parametrize("subgradient", [-1.0, -1, 1.0, 1, np.float32(0.5), np.float16(-0.25), 0])
def test_subgradients_at_the_ends_and_of_any_real_type_are_accepted(subgradient):
    grad = lossedu.mae_grad([1.0, 2.0], [1.0, 3.0], reduction="sum", subgradient=subgradient)
    assert grad.tolist() == [float(subgradient), 1.0]


def test_jacobian_needs_a_function():
    with pytest.raises(TypeError) as caught:
        lossedu.jacobian("mae", [1.0], [2.0])
    assert str(caught.value) == "grad_fn must be a gradient function such as mae_grad, got 'mae' (str)"


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


WIDER = "compute in a wider dtype, e.g. with y_pred.astype(np.float64)"


@pytest.mark.parametrize("call, message", [
    (lambda: lossedu.mse([0.0], [1e200]),
     "the loss overflows float64 (largest finite value 1.79769e+308); rescale the data"),
    (lambda: lossedu.mse_grad([0.0], [1e308], reduction="sum"),
     "the gradient overflows float64 (largest finite value 1.79769e+308); rescale the data"),
    (lambda: lossedu.mse(np.float16(0), np.float16(300)),
     f"the loss overflows float16 (largest finite value 65504); {WIDER}"),
    (lambda: lossedu.mse(np.float16([0, 0]), np.float16([300, 1]), reduction="none"),
     f"the loss overflows float16 (largest finite value 65504); {WIDER}"),
    (lambda: lossedu.mae(np.float16([0] * 100), np.float16([1000] * 100), reduction="sum"),
     f"the loss overflows float16 (largest finite value 65504); {WIDER}"),
    (lambda: lossedu.huber(np.float32([0]), np.float32([3e38]), delta=2.0, reduction="sum"),
     f"the loss overflows float32 (largest finite value 3.40282e+38); {WIDER}"),
    # the residual fits float64 but the result must be float16, y_pred's dtype
    (lambda: lossedu.mae(np.array([1e6]), np.float16([0])),
     f"the loss overflows float16 (largest finite value 65504); {WIDER}"),
    (lambda: lossedu.mse_grad(np.array([-1e300]), np.float32([0.0]), reduction="none"),
     f"the gradient overflows float32 (largest finite value 3.40282e+38); {WIDER}"),
])
def test_a_result_that_overflows_its_dtype_is_an_error_not_inf(call, message):
    with pytest.raises(Overflow) as caught:  # a ValueError that fit_line reads as divergence
        call()
    assert str(caught.value) == message


def test_float16_sums_that_fit_are_not_overflow_errors():
    # 60 x 1000 = 60000 fits float16, though a float16 running sum would be imprecise
    assert lossedu.mae(np.float16([0] * 60), np.float16([1000] * 60), reduction="sum") == 60000


def test_jacobian_rejects_a_function_that_is_not_a_gradient():
    with pytest.raises(ValueError) as caught:
        lossedu.jacobian(lossedu.mae, [1.0, 3.0], [2.0, 3.0])
    assert str(caught.value) == ("grad_fn returned shape () but y_pred has shape (2,); pass a "
                                 "gradient function such as mae_grad, not a loss")
    with pytest.raises(ValueError) as caught:
        lossedu.jacobian(lossedu.mae_grad, [1.0], [2.0], reduction="average")
    assert str(caught.value) == f"unknown reduction 'average'; use one of {REDUCTIONS}"


def test_an_overflow_is_still_a_value_error():
    # callers that catch ValueError keep working; fit_line catches Overflow alone
    assert issubclass(Overflow, ValueError) and Overflow is not ValueError
