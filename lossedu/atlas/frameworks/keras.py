"""Keras 3 on each of its backends: TensorFlow, JAX and PyTorch.

Keras has no gradient API of its own: its ops, losses and activations run on the backend's
tensors, and the backend differentiates them. ``KERAS_BACKEND`` is read when Keras is imported,
so each backend is one process, and each snippet sets it first. The ops below are written once
(``keras.ops``, ``keras.losses``, ``keras.activations``) and asked on all three backends.

>>> [framework.name for framework in KERAS_FRAMEWORKS]
['keras-tensorflow', 'keras-jax', 'keras-torch']
"""

from . import Framework, Missing, keras_function, no_builtin_loss  # noqa: F401
from . import jax as _jax
from . import tensorflow as _tensorflow
from . import torch as _torch

OPS = {
    # absolute value
    "abs": "keras.ops.abs(x)",
    "abs_negative_zero": "keras.ops.abs(x)",
    # activations and clipping
    "relu": "keras.ops.relu(x)",
    "maximum_zero": "keras.ops.maximum(x, 0.0)",
    "leaky_relu": "keras.ops.leaky_relu(x, negative_slope=0.01)",
    "relu6_upper": "keras.ops.relu6(x)",
    "hardtanh_upper": "keras.ops.hard_tanh(x)",
    "clip_upper": "keras.ops.clip(x, 0.0, 1.0)",
    "clip_lower": "keras.ops.clip(x, 0.0, 1.0)",
    "hardsigmoid_lower": "keras.ops.hard_sigmoid(x)",
    "hardsigmoid_upper": "keras.ops.hard_sigmoid(x)",
    "hardswish_lower": "keras.ops.hard_silu(x)",
    "hardswish_upper": "keras.ops.hard_silu(x)",
    "elu_zero": "keras.ops.elu(x)",
    # ties of maximum and minimum
    "maximum_tie": "keras.ops.maximum(x, y)",
    "maximum_tie_xy": "keras.ops.maximum(x, y)",
    "maximum_tie_yx": "keras.ops.maximum(y, x)",
    "minimum_tie": "keras.ops.minimum(x, y)",
    "minimum_tie_xy": "keras.ops.minimum(x, y)",
    "minimum_tie_yx": "keras.ops.minimum(y, x)",
    # reductions
    "reduce_max_tie": "keras.ops.max(x)",
    "max_dim_tie": "keras.ops.max(x, axis=0)",
    "amax_tie": "keras.ops.amax(x)",
    "reduce_min_tie": "keras.ops.min(x)",
    "min_dim_tie": "keras.ops.min(x, axis=0)",
    "prod_one_zero": "keras.ops.prod(x)",
    "prod_two_zeros": "keras.ops.prod(x)",
    "std_constant": "keras.ops.std(x)",
    "var_constant": "keras.ops.var(x)",
    # sorting, order statistics and pooling
    "sort_tie": "keras.ops.sort(x) * w",
    "topk_tie": "keras.ops.top_k(x, 1)[0]",
    "median_tie": "keras.ops.median(x)",
    "quantile_tie": "keras.ops.quantile(x, 0.5)",
    "kthvalue_tie": Missing("no kthvalue op (keras.ops has sort and top_k)"),
    # strides given: with strides=None, Keras 3.15's JAX max_pool converts the pool size twice
    # and raises (reduce_window got inconsistent window_strides)
    "maxpool_tie": "keras.ops.max_pool(keras.ops.reshape(x, (1, 2, 2, 1)), 2, strides=2)",
    # norms, distances and angles
    "norm_zero": "keras.ops.norm(x)",
    "hand_norm_zero": "keras.ops.sqrt(keras.ops.sum(x * x))",
    "norm_l1_zero": "keras.ops.norm(x, ord=1)",
    "norm_inf_tie": 'keras.ops.norm(x, ord=float("inf"))',
    "normalize_zero": "keras.ops.normalize(x) * w",
    "cosine_similarity_zero": "-keras.losses.cosine_similarity(y, x)",
    "cdist_zero": "keras.ops.cdist(x, y)",
    "pairwise_distance_zero": Missing("no pairwise_distance op "
                                      "(keras.ops.cdist, all pairs, is cdist_zero)"),
    "hypot_zero": "keras.ops.hypot(x, y)",
    "atan2_zero": "keras.ops.arctan2(y, x)",
    # powers and roots
    "sqrt_zero": "keras.ops.sqrt(x)",
    "pow_half_zero": "keras.ops.power(x, 0.5)",
    "pow_zero_exponent": "keras.ops.power(x, 0)",
    "pow_zero_float_exponent": "keras.ops.power(x, 0.0)",
    "pow_one": "keras.ops.power(x, 1)",
    "pow_two": "keras.ops.power(x, 2)",
    "where_sqrt_zero": "keras.ops.where(keras.ops.greater(x, 0), keras.ops.sqrt(x), 0.0)",
    "where_sqrt_negative": "keras.ops.where(keras.ops.greater(x, 0), keras.ops.sqrt(x), 0.0)",
    # logarithms and probabilities
    "logsumexp_neginf": "keras.ops.logsumexp(x)",
    "xlogy_zero": Missing("no xlogy op"),
    "kl_div_zero": "keras.losses.kl_divergence(p, q)",
    "cross_entropy_neginf_logit": "keras.losses.categorical_crossentropy(t, x, from_logits=True)",
    "bce_zero_prob": "keras.losses.binary_crossentropy(t, p)",
    # linear algebra
    # keras.ops.copy: on TensorFlow the snippet's input is a tf.Variable, which has no .ndim,
    # and Keras's svd, eigh (and argmax below) read x.ndim (a keras.Variable or a tensor has it)
    "svd_repeated": "keras.ops.svd(keras.ops.copy(x), compute_uv=False) * w",
    "svd_vectors_repeated": "keras.ops.square(keras.ops.svd(keras.ops.copy(x))[0][0, 0])",
    "eigh_degenerate": "keras.ops.eigh(keras.ops.copy(x))[0] * w",
    "eigh_vectors_degenerate": "keras.ops.square(keras.ops.eigh(keras.ops.copy(x))[1][0, 0])",
    # losses
    "huber_threshold": "keras.losses.huber(y_true, y_pred, delta=2.0)",
    "smooth_l1_beta": Missing("no smooth L1 loss "
                              "(keras.losses.huber with delta = beta is beta times it)"),
    "mae_subnormal": "keras.losses.mean_absolute_error(y_true, y_pred)",
    "hinge_margin": "keras.losses.hinge(y_true, y_pred)",
    # steps, rounding and metrics
    "step": 'keras.ops.cast(keras.ops.greater(x, 0), "float32")',
    "sign_zero": "keras.ops.sign(x)",
    "round_half": "keras.ops.round(x)",
    "floor_integer": "keras.ops.floor(x)",
    "accuracy_argmax": ("keras.ops.mean(keras.ops.cast("
                        'keras.ops.equal(keras.ops.argmax(keras.ops.copy(x)), 1), "float32"))'),
}


def _on(backend, label: str) -> Framework:
    imports = (f'import os\nos.environ["KERAS_BACKEND"] = "{backend.FRAMEWORK.name}"\n'
               f"import keras\n{backend.FRAMEWORK.imports}")
    return Framework(
        name=f"keras-{backend.FRAMEWORK.name}", label=f"Keras 3 ({label})", package="keras",
        module="keras", imports=imports, tensor=backend.FRAMEWORK.tensor,
        constant=backend.FRAMEWORK.constant, total="keras.ops.sum({expression})",
        gradient=backend.FRAMEWORK.gradient, ops=OPS, home="https://keras.io/api/",
        requires=(backend.FRAMEWORK.module,), builtin_loss=_builtin_loss)


def _builtin_loss(definition):
    if definition.keras is None:
        return no_builtin_loss("Keras", definition)
    return f"keras.losses.{keras_function(definition)}(y_true, y_pred)"


KERAS_FRAMEWORKS = (_on(_tensorflow, "TensorFlow"), _on(_jax, "JAX"), _on(_torch, "PyTorch"))
