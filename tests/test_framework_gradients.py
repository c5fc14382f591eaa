"""lossedu.frameworks.value_and_gradient: one call for a gradient in PyTorch, TensorFlow or JAX."""

import numpy as np
import pytest

import jax
import jax.numpy as jnp
import torch

from lossedu.frameworks import FRAMEWORKS, gradient, import_tensorflow, value_and_gradient

tf = import_tensorflow()
SQUARE = {"torch": lambda v: v * v, "tensorflow": lambda v: v * v, "jax": lambda v: v * v}
ABS = {"torch": torch.abs, "tensorflow": tf.abs, "jax": jnp.abs}


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_value_and_gradient_of_a_sum_keep_the_dtype(framework, dtype):
    x = np.array([-1.5, 0.0, 2.0], dtype=dtype)
    value, grad = value_and_gradient(framework, SQUARE[framework], x)
    assert value.dtype == grad.dtype == dtype
    np.testing.assert_array_equal(value, x * x)
    np.testing.assert_array_equal(grad, 2 * x)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_upstream_gives_a_vector_jacobian_product(framework):
    x = np.array([1.0, 2.0, 3.0])
    grad = gradient(framework, SQUARE[framework], x, upstream=[1.0, 0.0, -2.0])
    np.testing.assert_array_equal(grad, [2.0, 0.0, -12.0])


def test_the_frameworks_own_answers_at_a_kink_and_without_a_gradient_path():
    at_zero = {f: float(gradient(f, ABS[f], np.float32(0.0))) for f in FRAMEWORKS}
    assert at_zero == {"torch": 0.0, "tensorflow": 0.0, "jax": 1.0}  # chapter 3's atlas
    # no gradient path: PyTorch raises, TensorFlow says None, JAX returns zeros
    with pytest.raises(RuntimeError, match="grad_fn"):
        gradient("torch", lambda v: (v > 0).float(), [1.0])
    assert gradient("tensorflow", lambda v: tf.cast(v > 0, v.dtype), [1.0]) is None
    assert gradient("jax", lambda v: (v > 0).astype(v.dtype), [1.0]).tolist() == [0.0]


def test_jax_computes_in_64_bits_only_for_float64_input():
    assert value_and_gradient("jax", jnp.sin, np.float64(1.0))[1].dtype == np.float64
    assert value_and_gradient("jax", jnp.sin, np.float32(1.0))[1].dtype == np.float32
    assert jnp.asarray(1.0).dtype == jnp.float32  # the setting is restored afterwards


def test_custom_gradients_are_respected():
    @jax.custom_jvp
    def half_slope(v):
        return v

    half_slope.defjvp(lambda primals, tangents: (primals[0], 0.5 * tangents[0]))
    assert gradient("jax", half_slope, [2.0]).tolist() == [0.5]


@pytest.mark.parametrize("call, error, words", [
    (lambda: value_and_gradient("numpy", np.abs, [1.0]), ValueError, "unknown framework"),
    (lambda: value_and_gradient("torch", "abs", [1.0]), TypeError, "f must be a function"),
    (lambda: value_and_gradient("torch", torch.abs, [True]), TypeError, "booleans"),
    (lambda: value_and_gradient("torch", torch.abs, []), ValueError, "empty"),
    (lambda: value_and_gradient("torch", torch.abs, [1.0, 2.0], upstream=[1.0]), ValueError,
     "upstream has shape"),
    (lambda: value_and_gradient("torch", lambda v: 1.0, [1.0]), TypeError, "torch tensor"),
])
def test_bad_arguments_are_refused_with_a_clear_message(call, error, words):
    with pytest.raises(error, match=words):
        call()
