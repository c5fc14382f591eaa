"""Hard metrics, their soft surrogates, and the surrogates' analytic gradients."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossedu
from lossedu.maths import metrics

SOFT = {
    "soft_f1": (metrics.soft_f1, metrics.soft_f1_grad, metrics.f1),
    "soft_iou": (metrics.soft_iou, metrics.soft_iou_grad, metrics.iou),
    "soft_dice": (metrics.soft_dice, metrics.soft_dice_grad, metrics.f1),  # Dice == F1 on labels
}


def counts(y, pred):
    y, pred = np.asarray(y).astype(bool), np.asarray(pred).astype(bool)
    return (y & pred).sum(), (~y & pred).sum(), (y & ~pred).sum(), (~y & ~pred).sum()


def test_hard_metrics_on_a_worked_example():
    y = [1, 1, 1, 0, 0, 0, 0, 1]
    pred = [1, 0, 1, 1, 0, 0, 0, 0]
    tp, fp, fn, tn = counts(y, pred)
    assert (tp, fp, fn, tn) == (2, 1, 2, 3)
    assert metrics.accuracy(y, pred) == (tp + tn) / 8
    assert metrics.f1(y, pred) == pytest.approx(2 * tp / (2 * tp + fp + fn))
    assert metrics.iou(y, pred) == pytest.approx(tp / (tp + fp + fn))


# scikit-learn's documented cases for f1_score and jaccard_score (the examples in their API
# reference), each as the binary problem lossedu computes: per class, per column, per row, or
# over all elements (jaccard_score's average="micro"). The expected values are scikit-learn's.
SKLEARN_F1_CASES = [
    # multiclass y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1], average=None: [0.8, 0, 0]
    ([1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 1, 0], 0.8),
    ([0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 0, 1], 0.0),
    ([0, 0, 1, 0, 0, 1], [0, 1, 0, 0, 0, 0], 0.0),
    # multilabel [[0,0,0],[1,1,1],[0,1,1]] against [[0,0,0],[1,1,1],[1,1,0]]: [2/3, 1, 2/3]
    ([0, 1, 0], [0, 1, 1], 2 / 3),
    ([0, 1, 1], [0, 1, 1], 1.0),
    ([0, 1, 1], [0, 1, 0], 2 / 3),
]
SKLEARN_JACCARD_CASES = [
    # y_true = [[0, 1, 1], [1, 1, 0]], y_pred = [[1, 1, 1], [1, 0, 0]]
    ([0, 1, 1], [1, 1, 1], 2 / 3),                          # binary: the first rows
    ([[0, 1, 1], [1, 1, 0]], [[1, 1, 1], [1, 0, 0]], 0.6),  # average="micro"
    ([0, 1], [1, 1], 0.5), ([1, 1], [1, 0], 0.5), ([1, 0], [1, 0], 1.0),  # average=None
    ([1, 1, 0], [1, 0, 0], 0.5),                            # second row (average="samples")
    # multiclass y_true = [0, 1, 2, 2], y_pred = [0, 2, 1, 2], average=None: [1, 0, 1/3]
    ([1, 0, 0, 0], [1, 0, 0, 0], 1.0), ([0, 1, 0, 0], [0, 0, 1, 0], 0.0),
    ([0, 0, 1, 1], [0, 1, 0, 1], 1 / 3),
]


@pytest.mark.parametrize("y_true, y_pred, expected", SKLEARN_F1_CASES)
def test_f1_matches_scikit_learns_documented_cases(y_true, y_pred, expected):
    assert metrics.f1(y_true, y_pred) == pytest.approx(expected)


@pytest.mark.parametrize("y_true, y_pred, expected", SKLEARN_JACCARD_CASES)
def test_iou_matches_scikit_learns_documented_cases(y_true, y_pred, expected):
    assert metrics.iou(y_true, y_pred) == pytest.approx(expected)


def test_jaccard_samples_average_is_the_mean_of_the_rows():
    rows = [metrics.iou(t, p) for t, p in zip([[0, 1, 1], [1, 1, 0]], [[1, 1, 1], [1, 0, 0]])]
    assert np.mean(rows) == pytest.approx(0.5833, abs=1e-4)  # scikit-learn's documented value


ZERO_DIVISION_METRICS = {"f1": (metrics.f1, [0, 0, 0]), "iou": (metrics.iou, [0, 0, 0]),
                         "soft_f1": (metrics.soft_f1, [0.0, 0.0, 0.0]),
                         "soft_iou": (metrics.soft_iou, [0.0, 0.0, 0.0]),
                         "soft_dice": (metrics.soft_dice, [0.0, 0.0, 0.0])}


@pytest.mark.parametrize("name", ZERO_DIVISION_METRICS)
def test_zero_over_zero_follows_scikit_learns_zero_division(name):
    metric, second = ZERO_DIVISION_METRICS[name]
    with pytest.warns(metrics.UndefinedMetricWarning, match="0/0.*zero_division"):
        assert metric([0, 0, 0], second) == 0.0  # the default, "warn", as scikit-learn's
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an explicit choice is silent
        assert metric([0, 0, 0], second, zero_division=1.0) == 1.0
        assert metric([0, 0, 0], second, zero_division=0) == 0.0
        assert np.isnan(metric([0, 0, 0], second, zero_division=np.nan))
        assert metric([1, 0, 0], second, zero_division=1.0) == 0.0  # not 0/0: the policy is unused
    for bad in ("nan", 0.5, True, None, "1"):
        with pytest.raises(ValueError, match="zero_division must be"):
            metric([1, 0, 0], second, zero_division=bad)


@pytest.mark.parametrize("name", SOFT)
def test_surrogate_gradients_are_zero_where_the_surrogate_is_0_over_0(name):
    soft, grad, _ = SOFT[name]
    assert grad([0, 0, 0], [0.0, 0.0, 0.0]).tolist() == [0.0, 0.0, 0.0]
    # with no positive label the surrogate is 0 for any other probabilities: 0 is its limit
    assert soft([0, 0, 0], [0.3, 0.0, 1e-9]) == 0.0


binary = hnp.arrays(np.int8, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6),
                    elements=st.integers(0, 1))


@pytest.mark.parametrize("name", SOFT)
@given(data=st.data())
def test_soft_metrics_equal_the_hard_ones_on_hard_inputs(name, data):
    soft, _, hard = SOFT[name]
    y = data.draw(binary)
    pred = data.draw(hnp.arrays(np.int8, y.shape, elements=st.integers(0, 1)))
    assume(y.any() or pred.any())
    assert float(soft(y, pred.astype(float))) == pytest.approx(hard(y, pred))


@pytest.mark.needs_frameworks
@pytest.mark.parametrize("name", SOFT)
@given(data=st.data())
def test_soft_gradients_match_torch_autograd(name, data):
    import torch

    soft, grad, _ = SOFT[name]
    y = data.draw(binary)
    p = data.draw(hnp.arrays(np.float64, y.shape, elements=st.floats(0.01, 0.99)))
    pt = torch.tensor(p, requires_grad=True)
    yt = torch.tensor(y, dtype=torch.float64)
    overlap = (pt * yt).sum()
    if name == "soft_f1":
        value = 2 * overlap / (pt.sum() + yt.sum())
    elif name == "soft_iou":
        value = overlap / (pt.sum() + yt.sum() - overlap)
    else:
        value = 2 * overlap / ((pt * pt).sum() + (yt * yt).sum())
    value.backward()
    assert float(soft(y, p)) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(grad(y, p), pt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", SOFT)
def test_soft_gradients_match_finite_differences(name):
    soft, grad, _ = SOFT[name]
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=(3, 4))
    p = rng.uniform(0.05, 0.95, size=(3, 4))
    numerical = lossedu.numerical_grad(lambda q: soft(y, q), p)
    np.testing.assert_allclose(grad(y, p), numerical, rtol=1e-6, atol=1e-9)


HARD = {"accuracy": metrics.accuracy, "f1": metrics.f1, "iou": metrics.iou}
ALL = {**HARD, **{name: f for name, (f, _, _) in SOFT.items()},
       **{f"{name}_grad": g for name, (_, g, _) in SOFT.items()}}


@pytest.mark.parametrize("function", ALL.values(), ids=ALL.keys())
@pytest.mark.parametrize("y_true, second, error, word", [
    ([0, 2, 1], [0, 1, 1], ValueError, "binary labels"),
    ([0, 1, -1], [0, 1, 1], ValueError, "binary labels"),
    ([0, 0.5, 1], [0, 1, 1], ValueError, "binary labels"),
    ([0, np.nan, 1], [0, 1, 1], ValueError, "nan"),
    (np.zeros(5), np.zeros((5, 1)), ValueError, "does not broadcast"),
    ([], [], ValueError, "empty"),
    (["a", "b"], [0, 1], TypeError, "real numbers"),
])
def test_bad_labels_are_rejected(function, y_true, second, error, word):
    with pytest.raises(error, match=word):
        function(y_true, second)


@pytest.mark.parametrize("function", [f for n, f in ALL.items() if n.startswith("soft")])
@pytest.mark.parametrize("probabilities, word", [([0.2, 1.5], "\\[0, 1\\]"), ([-0.1, 0.5], "\\[0, 1\\]"),
                                                 ([np.inf, 0.5], "inf")])
def test_probabilities_must_lie_in_the_unit_interval(function, probabilities, word):
    with pytest.raises(ValueError, match=word):
        function([1, 0], probabilities)


@pytest.mark.parametrize("function", HARD.values(), ids=HARD.keys())
def test_hard_metrics_reject_probabilities_as_predictions(function):
    with pytest.raises(ValueError, match="y_pred must hold binary labels"):
        function([1, 0], [0.7, 0.2])


def test_booleans_are_labels():
    assert metrics.accuracy([True, False], np.array([1, 0])) == 1.0
