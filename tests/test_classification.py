"""Tests of lossedu.chapters.classification: logistic fits on cross-entropy and soft metrics, and the
score-function policy learner."""

import numpy as np
import pytest

import lossedu
from lossedu.maths import metrics
from lossedu.chapters.classification import Classifier, _logit_gradient, fit_logistic, fit_logistic_policy


def imbalanced(seed=0, n=300):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.15).astype(int)
    features = rng.normal(size=(n, 2)) + 1.8 * labels[:, None]
    return features, labels


@pytest.mark.parametrize("loss", ["cross_entropy", "soft_f1", "soft_iou", "soft_dice"])
def test_logistic_regression_learns_and_its_objective_falls(loss):
    X_train, y_train = imbalanced()
    model = fit_logistic(X_train, y_train, loss=loss, learning_rate=0.5, steps=300)
    assert model.objective[-1] < model.objective[0]
    assert metrics.f1(y_train, model.predict(X_train)) > 0.5


def test_logistic_gradients_match_finite_differences():
    X_train, y_train = imbalanced(n=20)
    z = np.random.default_rng(3).normal(size=20)
    for loss in ["cross_entropy", "soft_f1", "soft_iou", "soft_dice"]:
        numerical = lossedu.numerical_grad(lambda v: _logit_gradient(loss, y_train.astype(float), v)[0], z)
        np.testing.assert_allclose(_logit_gradient(loss, y_train.astype(float), z)[1], numerical,
                                   rtol=1e-6, atol=1e-9)


def test_policy_gradient_improves_the_reward():
    X_train, y_train = imbalanced()
    model = fit_logistic_policy(X_train, y_train, metrics.f1, rng=np.random.default_rng(0),
                                learning_rate=0.5, steps=150)
    assert metrics.f1(y_train, model.predict(X_train)) > 0.5


@pytest.mark.parametrize("kwargs, error, word", [
    ({"loss": "hinge"}, ValueError, "loss"),
    ({"labels": np.full(300, 2)}, ValueError, "binary"),
    ({"features": np.zeros(300)}, ValueError, "shape"),
    ({"learning_rate": -1.0}, ValueError, "learning_rate"),
])
def test_fit_logistic_rejects_bad_arguments(kwargs, error, word):
    X_train, y_train = imbalanced()
    arguments = {"features": X_train, "labels": y_train, **kwargs}
    with pytest.raises(error, match=word):
        fit_logistic(arguments.pop("features"), arguments.pop("labels"), **arguments)


def test_classifier_checks_the_feature_shape():
    model = fit_logistic([[0.0, 1.0], [1.0, 0.0]], [0, 1], steps=5)
    with pytest.raises(ValueError, match="shape"):
        model.predict([[0.0]])




def test_the_objective_says_whether_it_was_a_loss_or_a_reward():
    X_train, y_train = imbalanced(n=40)
    fitted = fit_logistic(X_train, y_train, steps=20)
    policy = fit_logistic_policy(X_train, y_train, metrics.accuracy,
                                 rng=np.random.default_rng(1), steps=20)
    assert (fitted.kind, policy.kind) == ("loss", "reward")
    assert policy.objective.tolist() == [metrics.accuracy(y_train, p) for p in
                                         _most_likely_labels_per_step(X_train, y_train)]
    with pytest.raises(ValueError, match="kind must be 'loss' or 'reward', got 'score'"):
        Classifier(np.zeros(2), 0.0, np.zeros(3), "score")


def _most_likely_labels_per_step(X, y):
    """The policy's labels before each step, replayed with the same random draws."""
    from lossedu.maths.score_function import score_function_estimates, sigmoid

    rng, weights, bias, labels = np.random.default_rng(1), np.zeros(2), 0.0, []
    for _ in range(20):
        z = X @ weights + bias
        g = score_function_estimates(metrics.accuracy, y, z, samples=32, rng=rng,
                                     baseline="leave-one-out").mean(axis=0)
        labels.append((sigmoid(z) >= 0.5).astype(float))
        weights, bias = weights + 0.5 * (X.T @ g), bias + 0.5 * g.sum()
    return labels
