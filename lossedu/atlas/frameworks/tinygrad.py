"""tinygrad: ``Tensor.gradient`` of the summed output with respect to the inputs, each realised
with ``numpy()`` (tinygrad computes lazily). Its CPU device compiles kernels with ``clang``.

>>> FRAMEWORK.label
'tinygrad'
"""

from . import Framework, Missing  # noqa: F401


def _grad(total: str, names: tuple) -> str:
    return f"[g.numpy() for g in {total}.gradient({', '.join(names)})]"


FRAMEWORK = Framework(
    name="tinygrad", label="tinygrad", package="tinygrad", module="tinygrad",
    imports="from tinygrad import Tensor, dtypes",
    tensor="{name} = Tensor({value}, dtype=dtypes.float32)",
    constant="{name} = Tensor({value}, dtype=dtypes.float32)",
    total="({expression}).sum()",
    gradient=_grad,
    home="https://docs.tinygrad.org/",
    ops={
        # absolute value
        "abs": "x.abs()",
        "abs_negative_zero": "x.abs()",
        # activations and clipping
        "relu": "x.relu()",
        "maximum_zero": "x.maximum(0.0)",
        "leaky_relu": "x.leaky_relu(neg_slope=0.01)",
        "relu6_upper": "x.relu6()",
        "hardtanh_upper": "x.hardtanh()",
        "clip_upper": "x.clip(0.0, 1.0)",
        "clip_lower": "x.clip(0.0, 1.0)",
        "hardsigmoid_lower": "x.hardsigmoid()",
        "hardsigmoid_upper": "x.hardsigmoid()",
        "hardswish_lower": "x.hardswish()",
        "hardswish_upper": "x.hardswish()",
        "elu_zero": "x.elu()",
        # ties of maximum and minimum
        "maximum_tie": "x.maximum(y)",
        "maximum_tie_xy": "x.maximum(y)",
        "maximum_tie_yx": "y.maximum(x)",
        "minimum_tie": "x.minimum(y)",
        "minimum_tie_xy": "x.minimum(y)",
        "minimum_tie_yx": "y.minimum(x)",
        # reductions
        "reduce_max_tie": "x.max()",
        "max_dim_tie": "x.max(axis=0)",
        "amax_tie": Missing("no amax op: Tensor.max is tinygrad's only max reduction"),
        "reduce_min_tie": "x.min()",
        "min_dim_tie": "x.min(axis=0)",
        "prod_one_zero": "x.prod()",
        "prod_two_zeros": "x.prod()",
        "std_constant": "x.std(correction=0)",
        "var_constant": "x.var(correction=0)",
        # sorting, order statistics and pooling
        "sort_tie": "x.sort()[0] * w",
        "topk_tie": "x.topk(1)[0]",
        "median_tie": Missing("no median op"),
        "quantile_tie": Missing("no quantile op"),
        "kthvalue_tie": Missing("no kthvalue op"),
        "maxpool_tie": "x.reshape(1, 1, 2, 2).max_pool2d(kernel_size=(2, 2))",
        # norms, distances and angles
        "norm_zero": Missing("no norm op"),
        "hand_norm_zero": "(x * x).sum().sqrt()",
        "norm_l1_zero": Missing("no norm op (no ord = 1 norm)"),
        "norm_inf_tie": Missing("no norm op (no ord = inf norm)"),
        "normalize_zero": "x.normalize(dim=0) * w",
        "cosine_similarity_zero": Missing("no cosine_similarity op"),
        "cdist_zero": Missing("no cdist op"),
        "pairwise_distance_zero": Missing("no pairwise_distance op"),
        "hypot_zero": Missing("no hypot op"),
        "atan2_zero": Missing("no atan2 op (only the one-argument atan)"),
        # powers and roots
        "sqrt_zero": "x.sqrt()",
        "pow_half_zero": "x ** 0.5",
        "pow_zero_exponent": "x ** 0",
        "pow_zero_float_exponent": "x ** 0.0",
        "pow_one": "x ** 1",
        "pow_two": "x ** 2",
        "where_sqrt_zero": "(x > 0).where(x.sqrt(), 0.0)",
        "where_sqrt_negative": "(x > 0).where(x.sqrt(), 0.0)",
        # logarithms and probabilities
        "logsumexp_neginf": "x.logsumexp()",
        "xlogy_zero": Missing("no xlogy op"),
        "kl_div_zero": Missing("no KL divergence op or loss"),
        "cross_entropy_neginf_logit": "x.cross_entropy(t)",
        "bce_zero_prob": "p.binary_crossentropy(t)",
        # linear algebra
        "svd_repeated": "x.svd()[1] * w",
        "svd_vectors_repeated": "x.svd()[0][0, 0] ** 2",
        "eigh_degenerate": Missing("no eigh (symmetric eigendecomposition) op"),
        "eigh_vectors_degenerate": Missing("no eigh (symmetric eigendecomposition) op"),
        # losses
        "mae_loss_tie": Missing("no mean absolute error (L1) loss"),
        "huber_threshold": Missing("no Huber loss"),
        "smooth_l1_beta": Missing("no smooth L1 loss"),
        "mae_subnormal": Missing("no mean absolute error (L1) loss"),
        "hinge_margin": Missing("no hinge loss"),
        # steps, rounding and metrics
        "step": "(x > 0).cast(dtypes.float32)",
        "sign_zero": "x.sign()",
        "round_half": "x.round()",
        "floor_integer": "x.floor()",
        "accuracy_argmax": "(x.argmax() == 1).cast(dtypes.float32).mean()",
    })
