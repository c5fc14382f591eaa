"""MLX: ``mx.grad`` of a lambda that sums the op's output (``pip install "mlx[cpu]"`` on
Linux: plain ``mlx`` fails to import there).

>>> FRAMEWORK.label
'MLX'
"""

from . import Framework, Missing  # noqa: F401


def _grad(total: str, names: tuple) -> str:
    args = ", ".join(names)
    argnums = "" if len(names) == 1 else f", argnums={list(range(len(names)))}"
    return f"f = lambda {args}: {total}\nmx.grad(f{argnums})({args})"


FRAMEWORK = Framework(
    name="mlx", label="MLX", package="mlx", module="mlx.core",
    imports="import mlx.core as mx\nimport mlx.nn as nn",
    tensor="{name} = mx.array({value}, dtype=mx.float32)",
    constant="{name} = mx.array({value}, dtype=mx.float32)",
    total="mx.sum({expression})",
    gradient=_grad,
    home="https://ml-explore.github.io/mlx/",
    ops={
        # absolute value
        "abs": "mx.abs(x)",
        "abs_negative_zero": "mx.abs(x)",
        # activations and clipping
        "relu": "nn.relu(x)",
        "maximum_zero": "mx.maximum(x, 0.0)",
        "leaky_relu": "nn.leaky_relu(x, negative_slope=0.01)",
        "relu6_upper": "nn.relu6(x)",
        "hardtanh_upper": "nn.hard_tanh(x)",
        "clip_upper": "mx.clip(x, 0.0, 1.0)",
        "clip_lower": "mx.clip(x, 0.0, 1.0)",
        "hardsigmoid_lower": Missing("no hard sigmoid activation (mlx.nn has hardswish and "
                                     "hard_tanh, not hard_sigmoid)"),
        "hardsigmoid_upper": Missing("no hard sigmoid activation (mlx.nn has hardswish and "
                                     "hard_tanh, not hard_sigmoid)"),
        "hardswish_lower": "nn.hardswish(x)",
        "hardswish_upper": "nn.hardswish(x)",
        "elu_zero": "nn.elu(x)",
        # ties of maximum and minimum
        "maximum_tie": "mx.maximum(x, y)",
        "maximum_tie_xy": "mx.maximum(x, y)",
        "maximum_tie_yx": "mx.maximum(y, x)",
        "minimum_tie": "mx.minimum(x, y)",
        "minimum_tie_xy": "mx.minimum(x, y)",
        "minimum_tie_yx": "mx.minimum(y, x)",
        # reductions
        "reduce_max_tie": "mx.max(x)",
        "max_dim_tie": "mx.max(x, axis=0)",
        "amax_tie": Missing("no amax op: mx.max is MLX's only max reduction (entry "
                            "reduce_max_tie)"),
        "reduce_min_tie": "mx.min(x)",
        "min_dim_tie": "mx.min(x, axis=0)",
        "prod_one_zero": "mx.prod(x)",
        "prod_two_zeros": "mx.prod(x)",
        "std_constant": "mx.std(x)",
        "var_constant": "mx.var(x)",
        # sorting, order statistics and pooling
        "sort_tie": "mx.sort(x) * w",
        "topk_tie": "mx.topk(x, 1)",
        "median_tie": "mx.median(x)",
        "quantile_tie": Missing("no quantile op"),
        "kthvalue_tie": Missing("no kthvalue op"),
        "maxpool_tie": "nn.MaxPool2d(kernel_size=2)(x.reshape(1, 2, 2, 1))",
        # norms, distances and angles
        "norm_zero": "mx.linalg.norm(x)",
        "hand_norm_zero": "mx.sqrt(mx.sum(x * x))",
        "norm_l1_zero": "mx.linalg.norm(x, ord=1)",
        "norm_inf_tie": "mx.linalg.norm(x, ord=mx.inf)",
        "normalize_zero": Missing("no L2-normalize op"),
        "cosine_similarity_zero": "nn.losses.cosine_similarity_loss(x, y, axis=0)",
        "cdist_zero": Missing("no cdist (pairwise distance matrix) op"),
        "pairwise_distance_zero": Missing("no pairwise_distance op"),
        "hypot_zero": Missing("no hypot op"),
        "atan2_zero": "mx.arctan2(y, x)",
        # powers and roots
        "sqrt_zero": "mx.sqrt(x)",
        "pow_half_zero": "x ** 0.5",
        "pow_zero_exponent": "x ** 0",
        "pow_zero_float_exponent": "x ** 0.0",
        "pow_one": "x ** 1",
        "pow_two": "x ** 2",
        "where_sqrt_zero": "mx.where(x > 0, mx.sqrt(x), 0.0)",
        "where_sqrt_negative": "mx.where(x > 0, mx.sqrt(x), 0.0)",
        # logarithms and probabilities
        "logsumexp_neginf": "mx.logsumexp(x)",
        "xlogy_zero": Missing("no xlogy op"),
        "kl_div_zero": "nn.losses.kl_div_loss(mx.log(q), mx.log(p))",
        "cross_entropy_neginf_logit": "nn.losses.cross_entropy(x, t)",
        "bce_zero_prob": "nn.losses.binary_cross_entropy(p, t, with_logits=False)",
        # linear algebra
        "svd_repeated": "mx.linalg.svd(x, compute_uv=False) * w",
        "svd_vectors_repeated": "mx.linalg.svd(x)[0][0, 0] ** 2",
        "eigh_degenerate": "mx.linalg.eigh(x)[0] * w",
        "eigh_vectors_degenerate": "mx.linalg.eigh(x)[1][0, 0] ** 2",
        # losses
        "mae_loss_tie": "nn.losses.l1_loss(y_pred, y_true)",
        "huber_threshold": "nn.losses.huber_loss(y_pred, y_true, delta=2.0)",
        "smooth_l1_beta": "nn.losses.smooth_l1_loss(y_pred, y_true, beta=0.5)",
        "mae_subnormal": "nn.losses.l1_loss(y_pred, y_true)",
        "hinge_margin": "nn.losses.hinge_loss(y_pred, y_true)",
        # steps, rounding and metrics
        "step": "(x > 0).astype(mx.float32)",
        "sign_zero": "mx.sign(x)",
        "round_half": "mx.round(x)",
        "floor_integer": "mx.floor(x)",
        "accuracy_argmax": "mx.mean((mx.argmax(x) == 1).astype(mx.float32))",
    })
