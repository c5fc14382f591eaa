"""Hard metrics, their soft surrogates, and the surrogates' analytic gradients."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossedu
from lossedu import metrics

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


def test_empty_positive_class_is_perfect_agreement():
    assert metrics.f1([0, 0], [0, 0]) == 1.0 and metrics.iou([0, 0], [0, 0]) == 1.0
    assert metrics.f1([0, 0], [0, 1]) == 0.0


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


@pytest.mark.parametrize("name", SOFT)
def test_soft_metrics_are_undefined_without_any_positive(name):
    soft, grad, _ = SOFT[name]
    for function in (soft, grad):
        with pytest.raises(ValueError, match="undefined"):
            function([0, 0, 0], [0.0, 0.0, 0.0])


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
