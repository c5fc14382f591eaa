r"""The score-function (REINFORCE) estimator: gradients of an expected reward that is not
differentiable, such as accuracy or F1 of sampled decisions.

A stochastic policy predicts label :math:`\hat y_i = 1` with probability
:math:`p_i = \sigma(z_i)` from a logit :math:`z_i`. A reward :math:`R(y, \hat y)` may be any
function of the sampled labels, step-like or not; its *expectation*
:math:`J(z) = \mathbb{E}_{\hat y \sim \pi_z}[R(y, \hat y)]` is smooth in :math:`z`, with

.. math::

    \nabla_z J = \mathbb{E}\big[(R(y, \hat y) - b)\, \nabla_z \log \pi_z(\hat y)\big],
    \qquad \nabla_{z_i} \log \pi_z(\hat y) = \hat y_i - p_i,

for any baseline :math:`b` that does not depend on the sample. Averaging over sampled
:math:`\hat y` estimates it without differentiating :math:`R`. The baseline changes nothing in
expectation but can reduce the variance a lot; :func:`score_function_estimates` uses the mean
reward of the *other* samples (leave-one-out), which keeps every estimate unbiased.

:func:`exact_expected_reward` gives the expected reward and its exact gradient by enumerating
every label vector, the reference the estimator is tested against; :func:`sigmoid` is the
logistic function, without overflow for large :math:`|z|`.

>>> rng = np.random.default_rng(0)
>>> estimates = score_function_estimates(lambda y, s: float(np.mean(y == s)), [1, 0],
...                                      [0.0, 0.0], samples=4000, rng=rng)
>>> estimates.mean(axis=0).round(1)  # the exact gradient is (0.125, -0.125)
array([ 0.1, -0.1])
"""

from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from .metrics import as_labels
from .validation import as_real_array, check_count, check_finite

MAX_ENUMERATED = 16  # exact_expected_reward enumerates 2**n outcomes


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow for large |z|, in float64.

    >>> sigmoid([0.0, 800.0, -800.0])
    array([0.5, 1. , 0. ])
    """
    z = as_real_array(z, "z").astype(np.float64)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1 + exp_z)
    return out


def _prepare(reward, y_true, logits):
    if not callable(reward):
        raise TypeError(f"reward must be a function reward(y_true, sampled_labels), got {reward!r}")
    y = as_labels(y_true, "y_true")
    z = as_real_array(logits, "logits").astype(np.float64)
    check_finite(z, "logits")
    if y.shape != z.shape:
        raise ValueError(f"y_true has shape {y.shape} but logits have shape {z.shape}")
    return y, z


def _reward(reward, y, sample) -> float:
    value = np.asarray(reward(y, sample), dtype=np.float64)
    if value.size != 1 or not np.isfinite(value).all():
        raise ValueError(f"reward must return one finite number, got {value!r}")
    return float(value.reshape(()))


def score_function_estimates(reward: Callable, y_true, logits, *, samples: int,
                             rng: np.random.Generator, baseline: str | None = "leave-one-out"):
    """One score-function estimate of the gradient of the expected reward per sample.

    ``reward(y_true, sampled_labels)`` returns a number for an array of 0/1 labels. Returns an
    array of shape ``(samples, *logits.shape)``; its mean over axis 0 is the estimate of
    :math:`\\nabla_z \\mathbb{E}[R]`, and its spread shows the estimator's variance.
    ``baseline`` is ``"leave-one-out"`` (default: each sample's reward minus the mean reward
    of the other samples) or ``None`` (no baseline).
    """
    y, z = _prepare(reward, y_true, logits)
    check_count(samples, "samples", minimum=2)
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    if baseline not in ("leave-one-out", None):
        raise ValueError(f"unknown baseline {baseline!r}; use 'leave-one-out' or None")
    p = sigmoid(z)
    draws = (rng.random((samples, *z.shape)) < p).astype(np.float64)
    rewards = np.array([_reward(reward, y, draw) for draw in draws])
    if baseline == "leave-one-out":
        rewards = rewards - (rewards.sum() - rewards) / (samples - 1)
    return rewards.reshape((samples,) + (1,) * z.ndim) * (draws - p)


def exact_expected_reward(reward: Callable, y_true, logits) -> tuple[float, np.ndarray]:
    """The expected reward and its exact gradient w.r.t. the logits, by enumerating all
    :math:`2^n` label vectors (n at most 16): the reference the estimator is tested against.

    >>> value, grad = exact_expected_reward(lambda y, s: float(np.mean(y == s)), [1, 0], [0.0, 0.0])
    >>> value, grad
    (0.5, array([ 0.125, -0.125]))
    """
    y, z = _prepare(reward, y_true, logits)
    if z.size > MAX_ENUMERATED:
        raise ValueError(f"{z.size} labels means 2**{z.size} outcomes; enumerate at most "
                         f"{MAX_ENUMERATED}, or estimate with score_function_estimates")
    p = sigmoid(z).reshape(-1)
    value, grad = 0.0, np.zeros(z.size)
    for outcome in itertools.product((0.0, 1.0), repeat=z.size):
        sample = np.array(outcome)
        probability = np.prod(np.where(sample == 1, p, 1 - p))
        r = _reward(reward, y, sample.reshape(z.shape))
        value += probability * r
        grad += probability * r * (sample - p)  # d/dz of the probability is prob * (s - p)
    return float(value), grad.reshape(z.shape)
