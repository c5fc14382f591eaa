"""Classification by gradient descent: logistic regression trained on cross-entropy or on a soft
metric (:func:`fit_logistic`), or as a stochastic policy on any reward with the score-function
estimator (:func:`fit_logistic_policy`). Both return a :class:`Classifier`;
:data:`CLASSIFIER_LOSSES` names the losses :func:`fit_logistic` minimises.

>>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], steps=2000)
>>> model.predict([[0.0], [3.0]]).tolist(), model.kind
([0, 1], 'loss')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..maths import metrics
from ..maths.score_function import score_function_estimates, sigmoid
from ..maths.validation import as_real_array, check_choice, check_count, check_finite, check_positive


@dataclass(frozen=True)
class Classifier:
    """A logistic-regression model, ``probability = sigmoid(features @ weights + bias)``, and the
    objective it was trained on, per step (``objective[t]`` before step t): a loss that
    training lowered (``kind == "loss"``, :func:`fit_logistic`) or a reward that it raised
    (``kind == "reward"``, :func:`fit_logistic_policy`)."""

    weights: np.ndarray
    bias: float
    objective: np.ndarray
    kind: str = "loss"

    def __post_init__(self):
        if self.kind not in ("loss", "reward"):
            raise ValueError(f"kind must be 'loss' or 'reward', got {self.kind!r}")

    def probabilities(self, features) -> np.ndarray:
        """``sigmoid(features @ weights + bias)`` for features of shape (n, d)."""
        features = as_real_array(features, "features").astype(np.float64)
        if features.ndim != 2 or features.shape[1] != self.weights.size:
            raise ValueError(f"features must have shape (n, {self.weights.size}), got {features.shape}")
        return sigmoid(features @ self.weights + self.bias)

    def predict(self, features, threshold: float = 0.5) -> np.ndarray:
        """Hard 0/1 labels: 1 where the probability is at least ``threshold``."""
        return (self.probabilities(features) >= threshold).astype(np.int64)


CLASSIFIER_LOSSES = ("cross_entropy", "soft_f1", "soft_iou", "soft_dice")


def _features_and_labels(features, labels):
    X = as_real_array(features, "features").astype(np.float64)
    check_finite(X, "features")
    y = metrics.as_labels(labels, "labels")
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"features must have shape (n, d) and labels (n,), got {X.shape} and {y.shape}")
    return X, y


def _logit_gradient(loss: str, y: np.ndarray, z: np.ndarray) -> tuple[float, np.ndarray]:
    """The objective and its gradient w.r.t. the logits z, from lossedu's analytic gradients."""
    p = sigmoid(z)
    if loss == "cross_entropy":  # mean of softplus(z) - y z, written without overflow
        value = np.mean(np.logaddexp(0.0, z) - y * z)
        return float(value), (p - y) / y.size
    score = getattr(metrics, loss)
    grad = getattr(metrics, f"{loss}_grad")
    # minimise 1 - score; dp/dz = p (1 - p) by the chain rule
    return 1.0 - float(score(y, p)), -grad(y, p) * p * (1 - p)


def fit_logistic(features, labels, *, loss: str = "cross_entropy", learning_rate: float = 0.5,
                 steps: int = 500) -> Classifier:
    """Train logistic regression from zero weights by gradient descent on ``loss``:
    ``"cross_entropy"``, or ``1 - surrogate`` for ``"soft_f1"``, ``"soft_iou"``, ``"soft_dice"``
    (analytic gradients from :mod:`lossedu.maths.metrics`, chained through the sigmoid).

    >>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], steps=2000)
    >>> model.predict([[0.0], [3.0]]).tolist()
    [0, 1]
    """
    check_choice(loss, "loss", CLASSIFIER_LOSSES)
    X, y = _features_and_labels(features, labels)
    learning_rate = check_positive(learning_rate, "learning_rate")
    steps = check_count(steps, "steps")
    weights, bias, history = np.zeros(X.shape[1]), 0.0, []
    for _ in range(steps):
        value, g = _logit_gradient(loss, y, X @ weights + bias)
        history.append(value)
        weights, bias = weights - learning_rate * (X.T @ g), bias - learning_rate * g.sum()
    return Classifier(weights, float(bias), np.array(history), "loss")


def fit_logistic_policy(features, labels, reward: Callable, *, rng: np.random.Generator,
                        learning_rate: float = 0.5, steps: int = 300, samples: int = 32,
                        baseline: str | None = "leave-one-out") -> Classifier:
    """Train logistic regression as a stochastic policy to maximise the expected ``reward`` of
    sampled labels, with the score-function estimator (gradient *ascent*, from zero weights).
    ``objective[t]`` is the reward of the policy's most likely labels (probability at least
    0.5) before step t.

    >>> from lossedu.maths import metrics
    >>> model = fit_logistic_policy([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], metrics.accuracy,
    ...                             rng=np.random.default_rng(0), steps=200)
    >>> model.predict([[0.0], [3.0]]).tolist()
    [0, 1]
    """
    X, y = _features_and_labels(features, labels)
    learning_rate = check_positive(learning_rate, "learning_rate")
    steps = check_count(steps, "steps")
    weights, bias, history = np.zeros(X.shape[1]), 0.0, []
    for _ in range(steps):
        z = X @ weights + bias
        estimates = score_function_estimates(reward, y, z, samples=samples, rng=rng,
                                             baseline=baseline)
        g = estimates.mean(axis=0)  # estimated gradient of the expected reward w.r.t. z
        history.append(float(reward(y, (sigmoid(z) >= 0.5).astype(float))))
        weights, bias = weights + learning_rate * (X.T @ g), bias + learning_rate * g.sum()
    return Classifier(weights, float(bias), np.array(history), "reward")
