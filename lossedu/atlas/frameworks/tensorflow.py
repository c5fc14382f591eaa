"""TensorFlow: the op on ``tf.Variable`` inputs under a ``tf.GradientTape``.

The TensorFlow column holds TensorFlow's own ops (``tf.``, ``tf.math.``, ``tf.nn.``). Its losses
and Keras activations (``tf.keras``) are Keras 3's, asked in the Keras on TensorFlow column.

>>> FRAMEWORK.label
'TensorFlow'
"""

from . import Framework, Missing, keras_function, no_builtin_loss  # noqa: F401
from ._gradients import gradient_tape

# Ops that TensorFlow has only through tf.keras, i.e. Keras 3's: asked in the Keras column.
_KERAS_LOSS = ("TensorFlow 2's losses are Keras's (tf.keras.losses.{}); see the Keras 3 "
               "(TensorFlow) column")
_KERAS_ACTIVATION = ("no {0} in core TensorFlow (tf.nn): tf.keras.activations.{0} is Keras 3's; "
                     "see the Keras 3 (TensorFlow) column")

def _builtin_loss(definition):
    if definition.keras is None:
        return no_builtin_loss("TensorFlow", definition)
    return Missing(_KERAS_LOSS.format(keras_function(definition)))


FRAMEWORK = Framework(
    name="tensorflow", label="TensorFlow", package="tensorflow-cpu", module="tensorflow",
    imports="import tensorflow as tf",
    tensor="{name} = tf.Variable({value}, dtype=tf.float32)",
    constant="{name} = tf.constant({value}, dtype=tf.float32)",
    total="tf.reduce_sum({expression})",
    gradient=gradient_tape,
    home="https://www.tensorflow.org/api_docs/python/tf",
    builtin_loss=_builtin_loss,
    ops={
        "abs": "tf.abs(x)",
        "abs_negative_zero": "tf.abs(x)",
        "relu": "tf.nn.relu(x)",
        "maximum_zero": "tf.maximum(x, 0.0)",
        "leaky_relu": "tf.nn.leaky_relu(x, alpha=0.01)",
        "relu6_upper": "tf.nn.relu6(x)",
        "hardtanh_upper": Missing("same op as clip_upper: tf.clip_by_value (TensorFlow has no "
                                  "hardtanh of its own)"),
        "clip_upper": "tf.clip_by_value(x, 0.0, 1.0)",
        "clip_lower": "tf.clip_by_value(x, 0.0, 1.0)",
        "hardsigmoid_lower": Missing(_KERAS_ACTIVATION.format("hard_sigmoid")),
        "hardsigmoid_upper": Missing(_KERAS_ACTIVATION.format("hard_sigmoid")),
        "hardswish_lower": Missing(_KERAS_ACTIVATION.format("hard_swish")),
        "hardswish_upper": Missing(_KERAS_ACTIVATION.format("hard_swish")),
        "elu_zero": "tf.nn.elu(x)",
        "maximum_tie": "tf.maximum(x, y)",
        "maximum_tie_xy": "tf.maximum(x, y)",
        "maximum_tie_yx": "tf.maximum(y, x)",
        "minimum_tie": "tf.minimum(x, y)",
        "minimum_tie_xy": "tf.minimum(x, y)",
        "minimum_tie_yx": "tf.minimum(y, x)",
        "reduce_max_tie": "tf.reduce_max(x)",
        "max_dim_tie": "tf.reduce_max(x, axis=0)",
        "amax_tie": Missing("same op as reduce_max_tie: tf.reduce_max (tf.math.reduce_max is the "
                            "same function; TensorFlow has no separate amax)"),
        "reduce_min_tie": "tf.reduce_min(x)",
        "min_dim_tie": "tf.reduce_min(x, axis=0)",
        "prod_one_zero": "tf.reduce_prod(x)",
        "prod_two_zeros": "tf.reduce_prod(x)",
        "std_constant": "tf.math.reduce_std(x)",
        "var_constant": "tf.math.reduce_variance(x)",
        "sort_tie": "tf.sort(x) * w",
        "topk_tie": "tf.math.top_k(x, k=1).values",
        "median_tie": Missing("no median op in TensorFlow (TensorFlow Probability, a separate "
                              "library, has tfp.stats.percentile)"),
        "quantile_tie": Missing("no quantile op in TensorFlow (TensorFlow Probability, a "
                                "separate library, has tfp.stats.percentile)"),
        "kthvalue_tie": Missing("no kthvalue op (tf.math.top_k gives the k largest only)"),
        "maxpool_tie": ('tf.nn.max_pool2d(tf.reshape(x, [1, 2, 2, 1]), ksize=2, strides=2, '
                        'padding="VALID")'),
        "norm_zero": "tf.norm(x)",
        "hand_norm_zero": "tf.sqrt(tf.reduce_sum(x * x))",
        "norm_l1_zero": "tf.norm(x, ord=1)",
        "norm_inf_tie": 'tf.norm(x, ord=float("inf"))',
        "normalize_zero": "tf.math.l2_normalize(x) * w",
        "cosine_similarity_zero": Missing(
            "no cosine similarity in core TensorFlow: tf.keras.losses.cosine_similarity is "
            "Keras 3's; see the Keras 3 (TensorFlow) column"),
        "cdist_zero": Missing("no cdist (pairwise distance matrix) op"),
        "pairwise_distance_zero": Missing("no pairwise_distance op"),
        "hypot_zero": Missing("no hypot op"),
        "atan2_zero": "tf.math.atan2(y, x)",
        "sqrt_zero": "tf.sqrt(x)",
        "pow_half_zero": "x ** 0.5",
        "pow_zero_exponent": "x ** 0",
        "pow_zero_float_exponent": "x ** 0.0",
        "pow_one": "x ** 1",
        "pow_two": "x ** 2",
        "where_sqrt_zero": "tf.where(x > 0, tf.sqrt(x), 0.0)",
        "where_sqrt_negative": "tf.where(x > 0, tf.sqrt(x), 0.0)",
        "logsumexp_neginf": "tf.reduce_logsumexp(x)",
        "xlogy_zero": "tf.math.xlogy(x, y)",
        "kl_div_zero": Missing(_KERAS_LOSS.format("kl_divergence")),
        "cross_entropy_neginf_logit": "tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x)",
        "bce_zero_prob": Missing(
            "core TensorFlow has binary cross-entropy on logits only "
            "(tf.nn.sigmoid_cross_entropy_with_logits); on probabilities it is Keras's "
            "tf.keras.losses.binary_crossentropy: see the Keras 3 (TensorFlow) column"),
        "svd_repeated": "tf.linalg.svd(x, compute_uv=False) * w",
        "svd_vectors_repeated": "tf.linalg.svd(x)[1][0, 0] ** 2",
        "eigh_degenerate": "tf.linalg.eigh(x)[0] * w",
        "eigh_vectors_degenerate": "tf.linalg.eigh(x)[1][0, 0] ** 2",
        "huber_threshold": Missing(_KERAS_LOSS.format("huber")),
        "smooth_l1_beta": Missing("no smooth L1 loss: TensorFlow 2's losses are Keras's "
                                  "(tf.keras.losses), which has Huber but no smooth L1"),
        "mae_subnormal": Missing(_KERAS_LOSS.format("mean_absolute_error")),
        "hinge_margin": Missing(_KERAS_LOSS.format("hinge")),
        "step": "tf.cast(x > 0, tf.float32)",
        "sign_zero": "tf.sign(x)",
        "round_half": "tf.round(x)",
        "floor_integer": "tf.floor(x)",
        "accuracy_argmax": "tf.reduce_mean(tf.cast(tf.argmax(x) == 1, tf.float32))",
    })
