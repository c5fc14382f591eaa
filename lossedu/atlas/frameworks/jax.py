"""JAX: ``jax.grad`` of a lambda that sums the op's output.

The JAX column holds JAX's own ops (``jnp.``, ``jax.nn.``, ``jax.lax.``, ``jax.scipy.``). JAX
has no loss functions (they live in optax, a separate library), so the losses are Missing; where
JAX has the op itself (``jax.scipy.special.rel_entr``, ``xlogy``) it is used.

>>> FRAMEWORK.label
'JAX'
"""

from . import Framework, Missing  # noqa: F401
from ._gradients import jax_grad

_NO_LOSSES = "JAX has no loss functions in jax itself (optax, a separate library, has them)"

FRAMEWORK = Framework(
    name="jax", label="JAX", package="jax", module="jax",
    imports="import jax\nimport jax.numpy as jnp",
    tensor="{name} = jnp.array({value}, dtype=jnp.float32)",
    constant="{name} = jnp.array({value}, dtype=jnp.float32)",
    total="jnp.sum({expression})",
    gradient=jax_grad,
    home="https://docs.jax.dev/en/latest/",
    builtin_loss=lambda definition: Missing(_NO_LOSSES),
    ops={
        # absolute value
        "abs": "jnp.abs(x)",
        "abs_negative_zero": "jnp.abs(x)",
        # activations and clipping
        "relu": "jax.nn.relu(x)",
        "maximum_zero": "jnp.maximum(x, 0.0)",
        "leaky_relu": "jax.nn.leaky_relu(x, negative_slope=0.01)",
        "relu6_upper": "jax.nn.relu6(x)",
        "hardtanh_upper": "jax.nn.hard_tanh(x)",
        "clip_upper": "jnp.clip(x, 0.0, 1.0)",
        "clip_lower": "jnp.clip(x, 0.0, 1.0)",
        "hardsigmoid_lower": "jax.nn.hard_sigmoid(x)",
        "hardsigmoid_upper": "jax.nn.hard_sigmoid(x)",
        "hardswish_lower": "jax.nn.hard_swish(x)",
        "hardswish_upper": "jax.nn.hard_swish(x)",
        "elu_zero": "jax.nn.elu(x)",
        # ties of maximum and minimum
        "maximum_tie": "jnp.maximum(x, y)",
        "maximum_tie_xy": "jnp.maximum(x, y)",
        "maximum_tie_yx": "jnp.maximum(y, x)",
        "minimum_tie": "jnp.minimum(x, y)",
        "minimum_tie_xy": "jnp.minimum(x, y)",
        "minimum_tie_yx": "jnp.minimum(y, x)",
        # reductions
        "reduce_max_tie": "jnp.max(x)",
        "max_dim_tie": "jnp.max(x, axis=0)",
        "amax_tie": Missing("same op as reduce_max_tie: jnp.amax is documented as an alias of "
                            "jnp.max (it only calls jnp.max)"),
        "reduce_min_tie": "jnp.min(x)",
        "min_dim_tie": "jnp.min(x, axis=0)",
        "prod_one_zero": "jnp.prod(x)",
        "prod_two_zeros": "jnp.prod(x)",
        "std_constant": "jnp.std(x)",
        "var_constant": "jnp.var(x)",
        # sorting, order statistics and pooling
        "sort_tie": "jnp.sort(x) * w",
        "topk_tie": "jax.lax.top_k(x, 1)[0]",
        "median_tie": "jnp.median(x)",
        "quantile_tie": "jnp.quantile(x, 0.5)",
        "kthvalue_tie": Missing("no kthvalue op"),
        "maxpool_tie": "jax.lax.reduce_window(x.reshape(2, 2), -jnp.inf, jax.lax.max, "
                       "(2, 2), (2, 2), 'VALID')",
        # norms, distances and angles
        "norm_zero": "jnp.linalg.norm(x)",
        "hand_norm_zero": "jnp.sqrt(jnp.sum(x * x))",
        "norm_l1_zero": "jnp.linalg.norm(x, ord=1)",
        "norm_inf_tie": "jnp.linalg.norm(x, ord=jnp.inf)",
        "normalize_zero": Missing("no L2-normalize op (jax.nn.standardize subtracts the mean "
                                  "and divides by the standard deviation)"),
        "cosine_similarity_zero": Missing("no cosine-similarity op in jax itself (optax, a "
                                          "separate library, has one)"),
        "cdist_zero": Missing("no cdist (pairwise distance matrix) op"),
        "pairwise_distance_zero": Missing("no pairwise_distance op"),
        "hypot_zero": "jnp.hypot(x, y)",
        "atan2_zero": "jnp.arctan2(y, x)",
        # powers and roots
        "sqrt_zero": "jnp.sqrt(x)",
        "pow_half_zero": "x ** 0.5",
        "pow_zero_exponent": "x ** 0",
        "pow_zero_float_exponent": "x ** 0.0",
        "pow_one": "x ** 1",
        "pow_two": "x ** 2",
        "where_sqrt_zero": "jnp.where(x > 0, jnp.sqrt(x), 0.0)",
        "where_sqrt_negative": "jnp.where(x > 0, jnp.sqrt(x), 0.0)",
        # logarithms and probabilities
        "logsumexp_neginf": "jax.nn.logsumexp(x)",
        "xlogy_zero": "jax.scipy.special.xlogy(x, y)",
        "kl_div_zero": "jax.scipy.special.rel_entr(p, q)",
        "cross_entropy_neginf_logit": Missing("no cross-entropy in jax itself (optax, a "
                                              "separate library, has it)"),
        "bce_zero_prob": Missing(_NO_LOSSES),
        # linear algebra
        "svd_repeated": "jnp.linalg.svd(x, compute_uv=False) * w",
        "svd_vectors_repeated": "jnp.linalg.svd(x)[0][0, 0] ** 2",
        "eigh_degenerate": "jnp.linalg.eigh(x)[0] * w",
        "eigh_vectors_degenerate": "jnp.linalg.eigh(x)[1][0, 0] ** 2",
        # losses
        "huber_threshold": Missing(_NO_LOSSES),
        "smooth_l1_beta": Missing(_NO_LOSSES),
        "mae_subnormal": Missing(_NO_LOSSES),
        "hinge_margin": Missing(_NO_LOSSES),
        # steps, rounding and metrics
        "step": "(x > 0).astype(jnp.float32)",
        "sign_zero": "jnp.sign(x)",
        "round_half": "jnp.round(x)",
        "floor_integer": "jnp.floor(x)",
        "accuracy_argmax": "jnp.mean((jnp.argmax(x) == 1).astype(jnp.float32))",
    })
