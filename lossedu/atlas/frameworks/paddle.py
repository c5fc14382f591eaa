"""PaddlePaddle: ``paddle.grad`` of the summed output with respect to tensors made with
``stop_gradient=False`` (a Paddle tensor takes no gradient by default).

Ops are written with ``paddle.``, ``paddle.nn.functional.`` and ``paddle.linalg.`` in full, so
that a snippet needs only ``import paddle``.

>>> FRAMEWORK.label
'PaddlePaddle'
"""

from . import Framework, Missing  # noqa: F401


def _grad(total: str, names: tuple) -> str:
    return f"paddle.grad({total}, [{', '.join(names)}])"


FRAMEWORK = Framework(
    name="paddle", label="PaddlePaddle", package="paddlepaddle", module="paddle",
    imports="import paddle",
    tensor='{name} = paddle.to_tensor({value}, dtype="float32", stop_gradient=False)',
    constant='{name} = paddle.to_tensor({value}, dtype="float32")',
    total="paddle.sum({expression})",
    gradient=_grad,
    home="https://www.paddlepaddle.org.cn/documentation/docs/en/api/index_en.html",
    ops={
        # absolute value
        "abs": "paddle.abs(x)",
        "abs_negative_zero": "paddle.abs(x)",
        # activations and clipping
        "relu": "paddle.nn.functional.relu(x)",
        # paddle.maximum(x, 0.0) raises "argument 'y' must be Tensor": a Paddle user writes a
        # tensor of zeros
        "maximum_zero": "paddle.maximum(x, paddle.zeros_like(x))",
        "leaky_relu": "paddle.nn.functional.leaky_relu(x, negative_slope=0.01)",
        "relu6_upper": "paddle.nn.functional.relu6(x)",
        "hardtanh_upper": "paddle.nn.functional.hardtanh(x)",
        "clip_upper": "paddle.clip(x, 0.0, 1.0)",
        "clip_lower": "paddle.clip(x, 0.0, 1.0)",
        "hardsigmoid_lower": "paddle.nn.functional.hardsigmoid(x)",
        "hardsigmoid_upper": "paddle.nn.functional.hardsigmoid(x)",
        "hardswish_lower": "paddle.nn.functional.hardswish(x)",
        "hardswish_upper": "paddle.nn.functional.hardswish(x)",
        "elu_zero": "paddle.nn.functional.elu(x)",
        # ties of maximum and minimum
        "maximum_tie": "paddle.maximum(x, y)",
        "maximum_tie_xy": "paddle.maximum(x, y)",
        "maximum_tie_yx": "paddle.maximum(y, x)",
        "minimum_tie": "paddle.minimum(x, y)",
        "minimum_tie_xy": "paddle.minimum(x, y)",
        "minimum_tie_yx": "paddle.minimum(y, x)",
        # reductions
        "reduce_max_tie": "paddle.max(x)",
        "max_dim_tie": "paddle.max(x, axis=0)",
        "amax_tie": "paddle.amax(x)",
        "reduce_min_tie": "paddle.min(x)",
        "min_dim_tie": "paddle.min(x, axis=0)",
        "prod_one_zero": "paddle.prod(x)",
        "prod_two_zeros": "paddle.prod(x)",
        "std_constant": "paddle.std(x, unbiased=False)",
        "var_constant": "paddle.var(x, unbiased=False)",
        # sorting, order statistics and pooling
        "sort_tie": "paddle.sort(x) * w",
        "topk_tie": "paddle.topk(x, k=1)[0]",
        "median_tie": "paddle.median(x)",
        "quantile_tie": "paddle.quantile(x, 0.5)",
        "kthvalue_tie": "paddle.kthvalue(x, k=2)[0]",
        "maxpool_tie": "paddle.nn.functional.max_pool2d(paddle.reshape(x, [1, 1, 2, 2]), "
                       "kernel_size=2)",
        # norms, distances and angles
        "norm_zero": "paddle.linalg.norm(x)",
        "hand_norm_zero": "paddle.sqrt(paddle.sum(x * x))",
        "norm_l1_zero": "paddle.linalg.norm(x, p=1)",
        "norm_inf_tie": 'paddle.linalg.norm(x, p=float("inf"))',
        "normalize_zero": "paddle.nn.functional.normalize(x, axis=0) * w",
        "cosine_similarity_zero": "paddle.nn.functional.cosine_similarity(x, y, axis=0)",
        "cdist_zero": "paddle.cdist(x, y)",
        "pairwise_distance_zero": "paddle.nn.functional.pairwise_distance(x, y)",
        "hypot_zero": "paddle.hypot(x, y)",
        "atan2_zero": "paddle.atan2(y, x)",
        # powers and roots
        "sqrt_zero": "paddle.sqrt(x)",
        "pow_half_zero": "x ** 0.5",
        "pow_zero_exponent": "x ** 0",
        "pow_zero_float_exponent": "x ** 0.0",
        "pow_one": "x ** 1",
        "pow_two": "x ** 2",
        "where_sqrt_zero": "paddle.where(x > 0, paddle.sqrt(x), 0.0)",
        "where_sqrt_negative": "paddle.where(x > 0, paddle.sqrt(x), 0.0)",
        # logarithms and probabilities
        "logsumexp_neginf": "paddle.logsumexp(x)",
        "xlogy_zero": Missing("no xlogy op (paddle.special has only expm1, logsumexp and "
                              "softmax)"),
        "kl_div_zero": 'paddle.nn.functional.kl_div(paddle.log(q), p, reduction="sum")',
        "cross_entropy_neginf_logit": "paddle.nn.functional.cross_entropy(x, t, "
                                      "soft_label=True)",
        "bce_zero_prob": "paddle.nn.functional.binary_cross_entropy(p, t)",
        # linear algebra
        "svd_repeated": "paddle.linalg.svd(x)[1] * w",
        "svd_vectors_repeated": "paddle.linalg.svd(x)[0][0, 0] ** 2",
        "eigh_degenerate": "paddle.linalg.eigh(x)[0] * w",
        "eigh_vectors_degenerate": "paddle.linalg.eigh(x)[1][0, 0] ** 2",
        # losses
        "mae_loss_tie": "paddle.nn.functional.l1_loss(y_pred, y_true)",
        "huber_threshold": "paddle.nn.functional.smooth_l1_loss(y_pred, y_true, delta=2.0)",
        "smooth_l1_beta": "paddle.nn.functional.smooth_l1_loss(y_pred, y_true, delta=0.5, "
                          "is_huber=False)",
        "mae_subnormal": "paddle.nn.functional.l1_loss(y_pred, y_true)",
        "hinge_margin": Missing("no hinge loss max(0, 1 - y_true y_pred) "
                                "(hinge_embedding_loss is another loss: it returns the input "
                                "itself where the label is 1)"),
        # steps, rounding and metrics
        "step": 'paddle.cast(x > 0, "float32")',
        "sign_zero": "paddle.sign(x)",
        "round_half": "paddle.round(x)",
        "floor_integer": "paddle.floor(x)",
        "accuracy_argmax": 'paddle.mean(paddle.cast(paddle.argmax(x) == 1, "float32"))',
    })
