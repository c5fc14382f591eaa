"""The score-function estimator against exact expectations computed by enumeration."""

import re

import numpy as np
import pytest

import lossedu
from lossedu.maths import metrics
from lossedu.maths.score_function import exact_expected_reward, score_function_estimates, sigmoid

Y = np.array([1, 0, 0, 1, 0, 1])
LOGITS = np.array([0.3, -1.2, 0.8, -0.4, 0.1, 1.5])


def accuracy_reward(y, sample):
    return metrics.accuracy(y, sample)


def f1_reward(y, sample):
    return metrics.f1(y, sample)


@pytest.mark.parametrize("reward", [accuracy_reward, f1_reward])
def test_exact_gradient_matches_finite_differences_of_the_exact_value(reward):
    _, grad = exact_expected_reward(reward, Y, LOGITS)
    numerical = lossedu.numerical_grad(lambda z: exact_expected_reward(reward, Y, z)[0], LOGITS)
    np.testing.assert_allclose(grad, numerical, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("reward", [accuracy_reward, f1_reward])
@pytest.mark.parametrize("baseline", ["leave-one-out", None])
def test_estimator_is_unbiased(reward, baseline):
    _, exact = exact_expected_reward(reward, Y, LOGITS)
    estimates = score_function_estimates(reward, Y, LOGITS, samples=20000,
                                         rng=np.random.default_rng(1), baseline=baseline)
    assert estimates.shape == (20000, 6)
    standard_error = estimates.std(axis=0) / np.sqrt(len(estimates))
    assert np.all(np.abs(estimates.mean(axis=0) - exact) < 5 * standard_error + 1e-12)


def test_the_baseline_reduces_the_variance():
    kwargs = dict(samples=5000, rng=np.random.default_rng(2))
    plain = score_function_estimates(f1_reward, Y, LOGITS, baseline=None, **kwargs)
    kwargs["rng"] = np.random.default_rng(2)
    baselined = score_function_estimates(f1_reward, Y, LOGITS, **kwargs)
    assert np.all(baselined.var(axis=0) < plain.var(axis=0))


def test_sigmoid_is_stable_and_correct():
    z = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    np.testing.assert_allclose(sigmoid(z), [0.0, 1 / (1 + np.exp(2)), 0.5, 1 / (1 + np.exp(-2)), 1.0])


@pytest.mark.parametrize("kwargs, error, word", [
    ({"samples": 1}, ValueError, "samples"), ({"samples": 2.5}, ValueError, "samples"),
    ({"rng": 0}, TypeError, "Generator"), ({"baseline": "mean"}, ValueError, "baseline"),
    ({"logits": LOGITS[:3]}, ValueError, "shape"), ({"reward": "f1"}, TypeError, "reward"),
    ({"reward": lambda y, s: np.nan}, ValueError, "finite"),
    ({"reward": lambda y, s: s}, ValueError, "one finite number"),
    ({"y_true": Y * 2}, ValueError, "binary"), ({"logits": LOGITS * np.nan}, ValueError, "nan"),
])
def test_bad_arguments_are_rejected(kwargs, error, word):
    arguments = {"reward": f1_reward, "y_true": Y, "logits": LOGITS, "samples": 10,
                 "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=word):
        score_function_estimates(arguments.pop("reward"), arguments.pop("y_true"),
                                 arguments.pop("logits"), **arguments)


def test_enumeration_refuses_too_many_outcomes():
    with pytest.raises(ValueError, match="2\\*\\*17"):
        exact_expected_reward(f1_reward, np.ones(17), np.zeros(17))


def test_labels_and_logits_of_different_lengths_are_refused_by_name():
    with pytest.raises(ValueError, match=re.escape("y_true has shape (3,) but logits have shape (2,)")):
        score_function_estimates(lambda y, s: 1.0, np.array([1, 0, 1]), np.array([0.1, 0.2]),
                                 samples=4, rng=np.random.default_rng(0))
