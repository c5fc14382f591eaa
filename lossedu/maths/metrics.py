"""Hard classification metrics and their differentiable ("soft") surrogates, for binary labels.

The hard metrics count correct decisions, so they change only when a decision flips: as
functions of a model's parameters they are staircases, with gradient 0 or none. The surrogates
replace each 0/1 decision by a probability, which makes every count a smooth sum:

- soft true positives :math:`\\sum_i p_i y_i`, soft predicted positives :math:`\\sum_i p_i`;
- soft F1 :math:`2\\sum p y / (\\sum p + \\sum y)`, soft IoU
  :math:`\\sum p y / (\\sum p + \\sum y - \\sum p y)`, and the soft Dice of V-Net,
  :math:`2\\sum p y / (\\sum p^2 + \\sum y^2)`.

On hard 0/1 probabilities each surrogate equals its hard metric (Dice is F1 for binary labels).
To train, minimise ``1 - surrogate``; the ``*_grad`` functions give the surrogate's gradient with
respect to the probabilities.

The functions: :func:`accuracy`, :func:`f1` and :func:`iou` (hard metrics of 0/1 predictions);
:func:`soft_f1`, :func:`soft_iou` and :func:`soft_dice` (the surrogates, of probabilities) and
their gradients :func:`soft_f1_grad`, :func:`soft_iou_grad` and :func:`soft_dice_grad`; and
:func:`as_labels` and :func:`as_probabilities`, which check inputs and return them as float64
arrays (or raise naming the problem). :class:`UndefinedMetricWarning` is the warning for 0/0.

**0/0.** With no positive label and no positive prediction (for the surrogates: every
probability 0) each of these metrics is 0/0. All of them follow scikit-learn's convention for
``f1_score`` and ``jaccard_score``: the ``zero_division`` parameter gives the value, ``"warn"``
(the default) returns 0.0 with an :class:`UndefinedMetricWarning`, and 0.0, 1.0 or ``nan``
return that value silently. For the surrogates 0.0 is also the limit: with no positive label
they are 0 for every other set of probabilities, so their ``*_grad`` functions return zeros there.

>>> f1([1, 0, 1, 1], [1, 1, 0, 1])
0.6666666666666666
>>> round(float(soft_f1([1, 0, 1, 1], [0.9, 0.6, 0.2, 0.8])), 4)
0.6909
"""

from __future__ import annotations

import warnings

import numpy as np

from .validation import as_real_array, check_finite, check_same_shape, first_bad_entry

class UndefinedMetricWarning(UserWarning):
    """A metric was 0/0 and returned 0.0 because ``zero_division="warn"``."""


def _check_zero_division(zero_division) -> None:
    if isinstance(zero_division, str) and zero_division == "warn":
        return
    if (isinstance(zero_division, (int, float)) and not isinstance(zero_division, bool)
            and (zero_division in (0, 1) or np.isnan(zero_division))):
        return
    raise ValueError(f"zero_division must be 'warn', 0.0, 1.0 or np.nan, got {zero_division!r}")


def _zero_division_value(metric: str, zero_division) -> float:
    """The value of ``metric`` at 0/0 under the ``zero_division`` policy (see the module)."""
    if zero_division == "warn":
        warnings.warn(f"{metric} is 0/0 (no positive label and no positive prediction); returning "
                      f"0.0. Pass zero_division=0.0, 1.0 or np.nan to choose the value and silence "
                      f"this warning.", UndefinedMetricWarning, stacklevel=3)
        return 0.0
    return float(zero_division)


def as_labels(values, name: str) -> np.ndarray:
    """Return binary labels as a float64 array of 0.0 and 1.0, or raise naming the problem.

    Booleans and the numbers 0 and 1 are accepted; anything else (2, -1, 0.5, NaN) is an error.

    >>> as_labels([True, False, 1], "y_true")
    array([1., 0., 1.])
    """
    array = np.asarray(values)
    if array.dtype.kind == "b":
        array = array.astype(np.float64)
    array = as_real_array(array, name).astype(np.float64)
    check_finite(array, name)
    found = first_bad_entry(array, (array != 0) & (array != 1))
    if found:
        raise ValueError(f"{name} must hold binary labels 0 and 1, got {found}")
    return array


def as_probabilities(values, name: str = "probabilities") -> np.ndarray:
    """Return probabilities in [0, 1] as a float64 array, or raise naming the problem."""
    array = as_real_array(values, name).astype(np.float64)
    check_finite(array, name)
    found = first_bad_entry(array, (array < 0) | (array > 1))
    if found:
        raise ValueError(f"{name} must lie in [0, 1], got {found}")
    return array


def _pair(y_true, second, second_name: str, as_second) -> tuple[np.ndarray, np.ndarray]:
    y = as_labels(y_true, "y_true")
    other = as_second(second, second_name)
    check_same_shape(y, other)
    return y, other


def accuracy(y_true, y_pred) -> float:
    """The fraction of predicted labels equal to the true ones.

    >>> accuracy([1, 0, 0, 1], [1, 0, 1, 1])
    0.75
    """
    y, pred = _pair(y_true, y_pred, "y_pred", as_labels)
    return float(np.mean(y == pred))


def f1(y_true, y_pred, *, zero_division="warn") -> float:
    """F1 score of the positive class, :math:`2TP / (2TP + FP + FN)`, over all elements.

    With no positive label in y_true or y_pred it is 0/0: ``zero_division`` decides (see the
    module; as scikit-learn's ``f1_score``).

    >>> f1([1, 0, 0, 1], [1, 0, 1, 1])
    0.8
    >>> f1([0, 0], [0, 0], zero_division=1.0)
    1.0
    """
    _check_zero_division(zero_division)
    y, pred = _pair(y_true, y_pred, "y_pred", as_labels)
    true_positives = np.sum(y * pred)
    denominator = np.sum(y) + np.sum(pred)
    if denominator == 0:
        return _zero_division_value("F1", zero_division)
    return float(2 * true_positives / denominator)


def iou(y_true, y_pred, *, zero_division="warn") -> float:
    """Intersection over union (Jaccard index) of the positive class, :math:`TP / (TP + FP + FN)`,
    over all elements.

    With no positive label in y_true or y_pred it is 0/0: ``zero_division`` decides (see the
    module; as scikit-learn's ``jaccard_score``).

    >>> iou([1, 0, 0, 1], [1, 0, 1, 1])
    0.6666666666666666
    """
    _check_zero_division(zero_division)
    y, pred = _pair(y_true, y_pred, "y_pred", as_labels)
    intersection = np.sum(y * pred)
    union = np.sum(y) + np.sum(pred) - intersection
    if union == 0:
        return _zero_division_value("IoU", zero_division)
    return float(intersection / union)


def _soft_counts(y_true, probabilities):
    y, p = _pair(y_true, probabilities, "probabilities", as_probabilities)
    return y, p, np.sum(p * y)


def soft_f1(y_true, probabilities, *, zero_division="warn") -> np.floating:
    """Soft F1, :math:`2\\sum p y / (\\sum p + \\sum y)`: F1 with probabilities as soft decisions.
    At 0/0 (no positive label, every probability 0) ``zero_division`` decides (see the module).

    >>> print(soft_f1([1, 0], [1.0, 0.0]))
    1.0
    """
    _check_zero_division(zero_division)
    y, p, overlap = _soft_counts(y_true, probabilities)
    denominator = np.sum(p) + np.sum(y)
    if denominator == 0:
        return np.float64(_zero_division_value("soft F1", zero_division))
    return 2 * overlap / denominator


def soft_f1_grad(y_true, probabilities) -> np.ndarray:
    """Gradient of :func:`soft_f1` w.r.t. the probabilities: :math:`2(y_i D - A) / D^2` with
    :math:`A = \\sum p y`, :math:`D = \\sum p + \\sum y`.

    >>> soft_f1_grad([1, 0], [0.5, 0.5])
    array([ 0.75, -0.25])
    """
    y, p, overlap = _soft_counts(y_true, probabilities)
    denominator = np.sum(p) + np.sum(y)
    if denominator == 0:
        return np.zeros_like(p)  # the surrogate is 0 all around this point
    return 2 * (y * denominator - overlap) / denominator ** 2


def soft_iou(y_true, probabilities, *, zero_division="warn") -> np.floating:
    """Soft IoU (Jaccard), :math:`\\sum p y / (\\sum p + \\sum y - \\sum p y)`.
    At 0/0 (no positive label, every probability 0) ``zero_division`` decides (see the module).

    >>> print(soft_iou([1, 0], [0.5, 0.5]))
    0.3333333333333333
    """
    _check_zero_division(zero_division)
    y, p, overlap = _soft_counts(y_true, probabilities)
    union = np.sum(p) + np.sum(y) - overlap
    if union == 0:
        return np.float64(_zero_division_value("soft IoU", zero_division))
    return overlap / union


def soft_iou_grad(y_true, probabilities) -> np.ndarray:
    """Gradient of :func:`soft_iou` w.r.t. the probabilities:
    :math:`(y_i U - A (1 - y_i)) / U^2` with :math:`A = \\sum p y`, :math:`U = \\sum p + \\sum y - A`.

    >>> soft_iou_grad([1, 0], [0.5, 0.5]).round(4)
    array([ 0.6667, -0.2222])
    """
    y, p, overlap = _soft_counts(y_true, probabilities)
    union = np.sum(p) + np.sum(y) - overlap
    if union == 0:
        return np.zeros_like(p)  # the surrogate is 0 all around this point
    return (y * union - overlap * (1 - y)) / union ** 2


def soft_dice(y_true, probabilities, *, zero_division="warn") -> np.floating:
    """Soft Dice in the form of V-Net, :math:`2\\sum p y / (\\sum p^2 + \\sum y^2)`. On hard
    labels it equals F1; on probabilities the squares make it differ from :func:`soft_f1`.
    At 0/0 (no positive label, every probability 0) ``zero_division`` decides (see the module).

    >>> print(soft_dice([1, 0], [0.5, 0.5]))
    0.6666666666666666
    """
    _check_zero_division(zero_division)
    y, p, overlap = _soft_counts(y_true, probabilities)
    denominator = np.sum(p * p) + np.sum(y * y)
    if denominator == 0:
        return np.float64(_zero_division_value("soft Dice", zero_division))
    return 2 * overlap / denominator


def soft_dice_grad(y_true, probabilities) -> np.ndarray:
    """Gradient of :func:`soft_dice` w.r.t. the probabilities:
    :math:`2(y_i D - 2 A p_i) / D^2` with :math:`A = \\sum p y`, :math:`D = \\sum p^2 + \\sum y^2`.

    >>> soft_dice_grad([1, 0], [0.5, 0.5]).round(4)
    array([ 0.8889, -0.4444])
    """
    y, p, overlap = _soft_counts(y_true, probabilities)
    denominator = np.sum(p * p) + np.sum(y * y)
    if denominator == 0:
        return np.zeros_like(p)  # the surrogate is 0 all around this point
    return 2 * (y * denominator - 2 * overlap * p) / denominator ** 2
