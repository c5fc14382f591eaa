"""lossedu agrees with PyTorch's and Keras' built-in losses and their autodiff gradients.

Inputs are random and include exact ties (y_pred == y_true), where MAE has no derivative and
lossedu's default subgradient 0 must be what PyTorch and TensorFlow return.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lossedu
from strategies import examples, pairs

LOSSES = {"mae": (lossedu.mae, lossedu.mae_grad), "mse": (lossedu.mse, lossedu.mse_grad)}
TOLERANCE = {np.float16: dict(rtol=4e-3, atol=1e-5), np.float32: dict(rtol=2e-5, atol=1e-6),
             np.float64: dict(rtol=1e-12, atol=1e-14)}


def has_subnormal_residual(y_true, y_pred):
    residual = np.abs(y_pred.astype(np.float64) - y_true)
    return bool(np.any((residual > 0) & (residual < np.finfo(y_pred.dtype).tiny)))


# The largest value drawn in each dtype, so that no loss overflows: where one does, the frameworks
# return inf and lossedu raises (tested in test_losses.py and test_gradients.py).
LARGEST = {np.float16: 16.0, np.float32: 100.0, np.float64: 100.0}


@st.composite
def pairs_with_ties(draw, dtype, subnormal_residuals=True):
    """(y_true, y_pred) of one dtype and shape (0-d to 2-d, tests/strategies.py), where some
    y_pred equal y_true exactly, some differ by a few units in the last place, some are
    subnormal.

    With ``subnormal_residuals=False`` no pair differs by less than the smallest normal number
    (see test_tensorflow_flushes_subnormal_residuals_to_zero).
    """
    y_true, y_pred = draw(pairs(dtypes=(dtype,), mixed=False, largest=LARGEST[dtype],
                                subnormals=subnormal_residuals))
    assume(subnormal_residuals or not has_subnormal_residual(y_true, y_pred))
    return y_true, y_pred


def assert_agrees(framework, name, y_true, y_pred, reduction="mean"):
    loss, grad = LOSSES[name]
    value, framework_grad = lossedu.builtin_loss_and_grad(framework, name, y_true, y_pred,
                                                          reduction=reduction)
    ours = grad(y_true, y_pred, reduction=reduction)
    tolerance = TOLERANCE[y_pred.dtype.type]
    np.testing.assert_allclose(loss(y_true, y_pred, reduction=reduction), value, **tolerance)
    np.testing.assert_allclose(ours, framework_grad, **tolerance)
    assert framework_grad.dtype == ours.dtype == y_pred.dtype
    ties = y_pred == y_true
    # At ties the comparison is exact: both must return the subgradient 0 (or -0.0).
    np.testing.assert_array_equal(framework_grad[ties], 0.0)
    np.testing.assert_array_equal(ours[ties], 0.0)


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@settings(max_examples=examples(40))
@given(data=st.data())
def test_agrees_with_torch_functional_and_autograd(name, reduction, dtype, data):
    y_true, y_pred = data.draw(pairs_with_ties(dtype))
    assert_agrees("torch", name, y_true, y_pred, reduction)


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@settings(max_examples=examples(27))
@given(data=st.data())
def test_agrees_with_keras_losses_under_gradient_tape(name, dtype, data):
    y_true, y_pred = data.draw(pairs_with_ties(dtype, subnormal_residuals=False))
    assert_agrees("tensorflow", name, y_true, y_pred)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tensorflow_flushes_subnormal_residuals_to_zero(dtype):
    """Found by hypothesis: TensorFlow's CPU kernels treat subnormal numbers as 0, so a residual
    below the smallest normal number becomes a tie (gradient 0); lossedu, NumPy and PyTorch keep
    IEEE 754 semantics and return sign(r) / N = 1. Chapter 3's atlas reports this; if this test
    fails, TensorFlow changed and the atlas text must be re-read."""
    y_true = np.zeros(1, dtype=dtype)
    y_pred = np.array([3 * np.finfo(dtype).smallest_subnormal], dtype=dtype)
    assert has_subnormal_residual(y_true, y_pred)
    assert lossedu.mae_grad(y_true, y_pred)[0] == 1.0
    assert lossedu.builtin_loss_and_grad("torch", "mae", y_true, y_pred)[1][0] == 1.0
    assert lossedu.builtin_loss_and_grad("tensorflow", "mae", y_true, y_pred)[1][0] == 0.0


@pytest.mark.parametrize("framework", ["torch", "tensorflow"])
@pytest.mark.parametrize("name", LOSSES)
def test_agrees_on_a_vector_of_nothing_but_ties(framework, name):
    y = np.array([0.5, -3.0, 7.25])
    assert_agrees(framework, name, y, y.copy())


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_jax_agrees_away_from_ties_and_returns_a_subgradient_at_them(name, dtype):
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(4, 3)).astype(dtype)
    y_pred = rng.normal(size=(4, 3)).astype(dtype)
    y_pred[0, 0] = y_true[0, 0]
    loss, grad = LOSSES[name]
    value, jax_grad = lossedu.builtin_loss_and_grad("jax", name, y_true, y_pred)
    tolerance = TOLERANCE[dtype]
    np.testing.assert_allclose(loss(y_true, y_pred), value, **tolerance)
    assert jax_grad.dtype == dtype
    away = y_pred != y_true
    np.testing.assert_allclose(grad(y_true, y_pred)[away], jax_grad[away], **tolerance)
    if name == "mse":  # differentiable at the tie: 2 r / N with r = 0
        assert jax_grad[0, 0] == 0.0
    else:  # any value in [-1/N, 1/N] is a valid subgradient of the mean absolute error
        assert abs(jax_grad[0, 0]) <= 1 / y_pred.size


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_jax_sum_and_none_reductions_agree_away_from_ties(name, reduction):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    loss, grad = LOSSES[name]
    value, jax_grad = lossedu.builtin_loss_and_grad("jax", name, y_true, y_pred, reduction=reduction)
    np.testing.assert_allclose(value, loss(y_true, y_pred, reduction=reduction), rtol=1e-12)
    np.testing.assert_allclose(jax_grad, grad(y_true, y_pred, reduction=reduction), rtol=1e-12)


def test_keras_only_offers_the_mean_reduction():
    with pytest.raises(ValueError, match="mean"):
        lossedu.builtin_loss_and_grad("tensorflow", "mae", [1.0], [2.0], reduction="sum")


@pytest.mark.parametrize("framework, loss", [("pytorch", "mae"), ("torch", "hinge"), ("jax", None)])
def test_unknown_framework_or_loss_is_rejected(framework, loss):
    with pytest.raises(ValueError, match="unknown"):
        lossedu.builtin_loss_and_grad(framework, loss, [1.0], [2.0])


def test_builtin_inputs_are_validated_like_lossedu_losses():
    with pytest.raises(ValueError, match="does not broadcast"):
        lossedu.builtin_loss_and_grad("torch", "mae", np.zeros(5), np.zeros((5, 1)))


@pytest.mark.parametrize("y_true, y_pred, message", [
    # a cast would make a tie
    (np.array([1.0 + 1e-9]), np.float32([1.0]), "y_true is float64 but y_pred is float32; the "
     "frameworks need one dtype, so convert one of them explicitly"),
    # a cast would overflow
    (np.array([1e6]), np.float16([0.0]), "y_true is float64 but y_pred is float16; the "
     "frameworks need one dtype, so convert one of them explicitly"),
    (np.longdouble([1.0]), np.longdouble([2.0]),
     f"the frameworks support float16, float32 and float64, not {np.dtype(np.longdouble)}"),
])
def test_builtin_rejects_inputs_that_a_framework_would_need_converted(y_true, y_pred, message):
    with pytest.raises(ValueError) as caught:
        lossedu.builtin_loss_and_grad("torch", "mae", y_true, y_pred)
    assert str(caught.value) == message


@pytest.mark.parametrize("framework", ["torch", "tensorflow", "jax"])
def test_builtin_accepts_scalars(framework):
    value, grad = lossedu.builtin_loss_and_grad(framework, "mse", 1.0, 3.0)
    assert float(value) == 4.0
    assert grad.shape == () and float(grad) == 4.0


def test_import_lossedu_imports_no_framework_and_no_matplotlib():
    code = ("import sys, lossedu; heavy = ['torch', 'tensorflow', 'jax', 'matplotlib'];"
            "print([m for m in heavy if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# One fresh Python for what needs a process that has imported nothing yet: the versions are
# read without importing TensorFlow, then TensorFlow is imported and used.
FRESH_PROCESS = ("import sys, lossedu; v = lossedu.framework_versions();"
                 "print(sorted(v), all(v.values()), 'tensorflow' in sys.modules);"
                 "tf = lossedu.import_tensorflow(); tf.abs(tf.constant([0.0]))")


@pytest.fixture(scope="module")
def fresh_process():
    return subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True,
                          check=True)


def test_versions_are_reported_without_importing_tensorflow(fresh_process):
    assert fresh_process.stdout.strip() == "['jax', 'numpy', 'tensorflow', 'torch'] True False"


def test_tensorflow_import_writes_nothing_to_stderr(fresh_process):
    assert fresh_process.stderr == ""


def test_jax_x64_switches_precision_both_ways():
    import jax.numpy as jnp

    with lossedu.jax_x64():
        assert jnp.asarray(1.0).dtype == np.float64
    with lossedu.jax_x64(False):
        assert jnp.asarray(1.0).dtype == np.float32
    with pytest.raises(TypeError, match="True or False"):
        lossedu.jax_x64("yes")


def test_jax_x64_uses_the_old_name_where_jax_has_only_that(monkeypatch):
    # Colab's JAX (0.7) has jax.experimental.enable_x64 and no jax.enable_x64
    import types

    import jax

    calls = []
    monkeypatch.delattr(jax, "enable_x64", raising=False)
    old_home = types.ModuleType("jax.experimental")
    old_home.enable_x64 = lambda value: calls.append(value) or "context"
    monkeypatch.setitem(sys.modules, "jax.experimental", old_home)
    monkeypatch.setattr(jax, "experimental", old_home, raising=False)
    assert lossedu.jax_x64(False) == "context" and calls == [False]


def test_print_versions_fits_a_page_in_two_lines(capsys, monkeypatch):
    lossedu.print_versions()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(len(line) <= 74 for line in lines)
    assert ", ".join(lines) == lossedu.versions_line()
    long = {"numpy": "2.1.3", "torch": "2.11.0+cu130", "tensorflow": "2.20.0", "jax": "0.7.2"}
    monkeypatch.setattr(lossedu.frameworks.environment, "framework_versions", lambda names: long)
    lossedu.print_versions()
    assert capsys.readouterr().out.splitlines()[1] == "torch 2.11.0+cu130, tensorflow 2.20.0, jax 0.7.2"
