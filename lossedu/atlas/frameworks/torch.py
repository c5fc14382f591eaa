"""PyTorch: ``backward()`` on the summed output, then ``x.grad``.

Ops are written with ``torch.`` and ``torch.nn.functional.`` in full, so that a snippet needs
only ``import torch``.

>>> FRAMEWORK.label
'PyTorch'
"""

from . import Framework, Missing, no_builtin_loss  # noqa: F401  (Missing: ops a framework lacks)
from ._gradients import backward


def _builtin_loss(definition):
    if definition.torch is None:
        return no_builtin_loss("PyTorch", definition)
    return f"torch.nn.functional.{definition.torch}(y_pred, y_true)"


FRAMEWORK = Framework(
    name="torch", label="PyTorch", package="torch", module="torch",
    imports="import torch",
    tensor="{name} = torch.tensor({value}, dtype=torch.float32, requires_grad=True)",
    constant="{name} = torch.tensor({value}, dtype=torch.float32)",
    total="({expression}).sum()",
    gradient=backward,
    home="https://pytorch.org/docs/stable/",
    builtin_loss=_builtin_loss,
    ops={
        # absolute value
        "abs": "torch.abs(x)",
        "abs_negative_zero": "torch.abs(x)",
        # activations and clipping
        "relu": "torch.nn.functional.relu(x)",
        "maximum_zero": "torch.maximum(x, torch.tensor(0.0))",
        "leaky_relu": "torch.nn.functional.leaky_relu(x, negative_slope=0.01)",
        "relu6_upper": "torch.nn.functional.relu6(x)",
        "hardtanh_upper": "torch.nn.functional.hardtanh(x)",
        "clip_upper": "torch.clamp(x, 0.0, 1.0)",
        "clip_lower": "torch.clamp(x, 0.0, 1.0)",
        "hardsigmoid_lower": "torch.nn.functional.hardsigmoid(x)",
        "hardsigmoid_upper": "torch.nn.functional.hardsigmoid(x)",
        "hardswish_lower": "torch.nn.functional.hardswish(x)",
        "hardswish_upper": "torch.nn.functional.hardswish(x)",
        "elu_zero": "torch.nn.functional.elu(x)",
        # ties of maximum and minimum
        "maximum_tie": "torch.maximum(x, y)",
        "maximum_tie_xy": "torch.maximum(x, y)",
        "maximum_tie_yx": "torch.maximum(y, x)",
        "minimum_tie": "torch.minimum(x, y)",
        "minimum_tie_xy": "torch.minimum(x, y)",
        "minimum_tie_yx": "torch.minimum(y, x)",
        # reductions
        "reduce_max_tie": "torch.max(x)",
        "max_dim_tie": "torch.max(x, dim=0).values",
        "amax_tie": "torch.amax(x)",
        "reduce_min_tie": "torch.min(x)",
        "min_dim_tie": "torch.min(x, dim=0).values",
        "prod_one_zero": "torch.prod(x)",
        "prod_two_zeros": "torch.prod(x)",
        "std_constant": "torch.std(x, correction=0)",
        "var_constant": "torch.var(x, correction=0)",
        # sorting, order statistics and pooling
        "sort_tie": "torch.sort(x).values * w",
        "topk_tie": "torch.topk(x, 1).values",
        "median_tie": "torch.median(x)",
        "quantile_tie": "torch.quantile(x, 0.5)",
        "kthvalue_tie": "torch.kthvalue(x, 2).values",
        "maxpool_tie": "torch.nn.functional.max_pool2d(x.reshape(1, 1, 2, 2), 2)",
        # norms, distances and angles
        "norm_zero": "torch.linalg.vector_norm(x)",
        "hand_norm_zero": "torch.sqrt(torch.sum(x * x))",
        "norm_l1_zero": "torch.linalg.vector_norm(x, ord=1)",
        "norm_inf_tie": 'torch.linalg.vector_norm(x, ord=float("inf"))',
        "normalize_zero": "torch.nn.functional.normalize(x, dim=0) * w",
        "cosine_similarity_zero": "torch.nn.functional.cosine_similarity(x, y, dim=0)",
        "cdist_zero": "torch.cdist(x, y)",
        "pairwise_distance_zero": "torch.nn.functional.pairwise_distance(x, y)",
        "hypot_zero": "torch.hypot(x, y)",
        "atan2_zero": "torch.atan2(y, x)",
        # powers and roots
        "sqrt_zero": "torch.sqrt(x)",
        "pow_half_zero": "x ** 0.5",
        "pow_zero_exponent": "x ** 0",
        "pow_zero_float_exponent": "x ** 0.0",
        "pow_one": "x ** 1",
        "pow_two": "x ** 2",
        "where_sqrt_zero": "torch.where(x > 0, torch.sqrt(x), 0.0)",
        "where_sqrt_negative": "torch.where(x > 0, torch.sqrt(x), 0.0)",
        # logarithms and probabilities
        "logsumexp_neginf": "torch.logsumexp(x, dim=0)",
        "xlogy_zero": "torch.xlogy(x, y)",
        "kl_div_zero": 'torch.nn.functional.kl_div(q.log(), p, reduction="sum")',
        "cross_entropy_neginf_logit": "torch.nn.functional.cross_entropy(x, t)",
        "bce_zero_prob": "torch.nn.functional.binary_cross_entropy(p, t)",
        # linear algebra
        "svd_repeated": "torch.linalg.svd(x).S * w",
        "svd_vectors_repeated": "torch.linalg.svd(x).U[0, 0] ** 2",
        "eigh_degenerate": "torch.linalg.eigh(x).eigenvalues * w",
        "eigh_vectors_degenerate": "torch.linalg.eigh(x).eigenvectors[0, 0] ** 2",
        # losses
        "huber_threshold": "torch.nn.functional.huber_loss(y_pred, y_true, delta=2.0)",
        "smooth_l1_beta": "torch.nn.functional.smooth_l1_loss(y_pred, y_true, beta=0.5)",
        "mae_subnormal": "torch.nn.functional.l1_loss(y_pred, y_true)",
        "hinge_margin": Missing("no hinge loss for ±1 labels: hinge_embedding_loss is another "
                                "loss (x itself where y = 1), multi_margin_loss takes class "
                                "scores and class indices"),
        # steps, rounding and metrics
        "step": "(x > 0).to(torch.float32)",
        "sign_zero": "torch.sign(x)",
        "round_half": "torch.round(x)",
        "floor_integer": "torch.floor(x)",
        "accuracy_argmax": "(torch.argmax(x) == 1).to(torch.float32).mean()",
    })
