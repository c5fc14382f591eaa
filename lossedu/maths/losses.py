r"""The reference losses, one block each: the elementwise value and derivative side by side,
the table entry, and the two public functions.

======================  =========================  ===========================================
loss                    functions                  elementwise value of the residual r
======================  =========================  ===========================================
mean absolute error     :func:`mae`, ``mae_grad``  ``|r|`` (a kink at 0)
mean squared error      :func:`mse`, ``mse_grad``  ``r**2``
Huber                   :func:`huber`              ``r**2 / 2``, linear beyond ``delta``
smooth L1               :func:`smooth_l1`          ``r**2 / (2 beta)``, ``|r| - beta / 2`` beyond
pseudo-Huber            :func:`pseudo_huber`       ``delta**2 (sqrt(1 + (r / delta)**2) - 1)``
log-cosh                :func:`log_cosh`           ``log(cosh(r))``
======================  =========================  ===========================================

Each gradient function is the loss's name with ``_grad`` (``huber_grad``, ``smooth_l1_grad``,
``pseudo_huber_grad``, ``log_cosh_grad``). Every loss takes ``(y_true, y_pred)`` of the same
shape, its parameters (``delta``, ``beta``) and a ``reduction``:

- ``"mean"``: the mean over *all* elements (a 5x3 array is averaged over 15 values);
- ``"sum"``: the sum over all elements;
- ``"none"``: the elementwise loss, with y_pred's shape.

For a reduced loss the gradient has y_pred's shape (entry ``i`` is
:math:`\partial L / \partial \hat y_i`); for ``"none"`` the loss is a vector with a diagonal
Jacobian, and the gradient functions return that diagonal, the elementwise derivative
(:func:`lossedu.jacobian` builds the full matrix). Results have y_pred's floating dtype
(integer inputs give float64); reduced losses are NumPy scalars, so ``mae(...).dtype`` tells the
precision it was computed in. What every loss shares, the checks, the reduction and the table
itself, is in :mod:`lossedu.maths.loss_table`.

>>> from lossedu import mae, mse_grad
>>> loss = mae([1.5, 0.2], [1.2, 0.5])
>>> print(loss, loss.dtype)
0.30000000000000004 float64
>>> mse_grad([1.0, 2.0], [3.0, 2.0], reduction="none")
array([4., 0.])

A new loss is one more block at the end of this module (the README's "Adding a loss").
"""

from __future__ import annotations

import math

import numpy as np

from .loss_table import LOSSES, ElementwiseLoss, Parameter, register_loss

_DELTA = Parameter("delta", 1.0, "where the loss turns from quadratic to linear")


# ---- mae -----------------------------------------------------------------------------
MAE = register_loss(ElementwiseLoss(
    name="mae", title="mean absolute error", short_title="MAE loss",
    value=np.abs, derivative=np.sign, kink_subgradients=(-1.0, 1.0),
    textbook=lambda xp, r: xp.abs(r), formula="{xp}abs({r})",
    torch="l1_loss", keras="MeanAbsoluteError"))


@MAE.loss_function
def mae(y_true, y_pred, *, reduction="mean"):
    r"""Mean absolute error, :math:`\frac{1}{N}\sum_i |\hat y_i - y_i|` for ``reduction="mean"``.

    >>> from lossedu import mae
    >>> print(mae([[1.5], [0.2], [3.9]], [[1.2], [0.5], [3.2]], reduction="sum").round(6))
    1.3
    """
    return MAE.loss(y_true, y_pred, reduction)


@MAE.gradient_function
def mae_grad(y_true, y_pred, *, reduction="mean", subgradient=0.0):
    r"""Gradient of :func:`lossedu.mae` with respect to ``y_pred``.

    Away from ties the derivative of :math:`|\hat y_i - y_i|` is
    :math:`\operatorname{sign}(\hat y_i - y_i) = \pm 1`. Where ``y_pred == y_true`` the absolute
    value has a kink and no derivative; any ``subgradient`` in ``[-1, 1]`` is a valid choice there.
    The default, 0, is what ``np.sign`` gives and what PyTorch and TensorFlow return. Ties are
    decided on the residual, computed in the dtype both inputs promote to.

    >>> from lossedu import mae_grad
    >>> mae_grad([[1.5], [0.2]], [[1.2], [0.5]])
    array([[-0.5],
           [ 0.5]])
    """
    return MAE.gradient(y_true, y_pred, reduction, subgradient=subgradient)


# ---- mse -----------------------------------------------------------------------------
MSE = register_loss(ElementwiseLoss(
    name="mse", title="mean squared error", short_title="MSE loss",
    value=np.square, derivative=lambda r: 2 * r,
    textbook=lambda xp, r: xp.square(r), formula="{xp}square({r})",
    torch="mse_loss", keras="MeanSquaredError"))


@MSE.loss_function
def mse(y_true, y_pred, *, reduction="mean"):
    r"""Mean squared error, :math:`\frac{1}{N}\sum_i (\hat y_i - y_i)^2` for ``reduction="mean"``.

    >>> from lossedu import mse
    >>> print(mse([0.0, 0.0], [1.0, 3.0]))
    5.0
    """
    return MSE.loss(y_true, y_pred, reduction)


@MSE.gradient_function
def mse_grad(y_true, y_pred, *, reduction="mean"):
    r"""Gradient of :func:`lossedu.mse` with respect to ``y_pred``: :math:`2(\hat y_i - y_i)`,
    divided by N for ``reduction="mean"``.

    >>> from lossedu import mse_grad
    >>> mse_grad([0.0, 0.0], [1.0, 3.0])
    array([1., 3.])
    """
    return MSE.gradient(y_true, y_pred, reduction)


# ---- huber ---------------------------------------------------------------------------
def _huber_value(r, delta):
    return np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))


def _huber_derivative(r, delta):
    return np.where(np.abs(r) <= delta, r, delta * np.sign(r))


HUBER = register_loss(ElementwiseLoss(
    name="huber", title="Huber loss", parameters=(_DELTA,),
    value=_huber_value, derivative=_huber_derivative,
    textbook=lambda xp, r, delta: xp.where(xp.abs(r) <= delta, 0.5 * r * r,
                                           delta * (xp.abs(r) - 0.5 * delta)),
    formula="{xp}where({xp}abs({r}) <= {delta}, {r}**2 / 2, {delta} * ({xp}abs({r}) - {delta} / 2))",
    torch="huber_loss", keras="Huber"))


@HUBER.loss_function
def huber(y_true, y_pred, *, delta=1.0, reduction="mean"):
    r"""Huber loss: :math:`r^2/2` where :math:`|r| \le \delta`, :math:`\delta(|r| - \delta/2)` beyond.

    Quadratic (like MSE) for small residuals, linear with slope :math:`\delta` (like MAE) for
    large ones, with a continuous derivative at :math:`|r| = \delta`. The same function as
    ``torch.nn.functional.huber_loss`` and ``tf.keras.losses.Huber``. ``delta`` must be positive.

    >>> from lossedu import huber
    >>> huber([0.0, 0.0], [0.5, 3.0], reduction="none")
    array([0.125, 2.5  ])
    """
    return HUBER.loss(y_true, y_pred, reduction, delta=delta)


@HUBER.gradient_function
def huber_grad(y_true, y_pred, *, delta=1.0, reduction="mean"):
    r"""Gradient of :func:`lossedu.huber`: :math:`r` where :math:`|r| \le \delta`, else
    :math:`\delta \operatorname{sign}(r)`. Continuous, so :math:`|r| = \delta` needs no convention.

    >>> from lossedu import huber_grad
    >>> huber_grad([0.0, 0.0, 0.0], [0.5, 3.0, -3.0], reduction="none")
    array([ 0.5,  1. , -1. ])
    """
    return HUBER.gradient(y_true, y_pred, reduction, delta=delta)


# ---- smooth_l1 -----------------------------------------------------------------------
def _smooth_l1_value(r, beta):
    return np.where(np.abs(r) < beta, 0.5 * r * r / beta, np.abs(r) - 0.5 * beta)


def _smooth_l1_derivative(r, beta):
    return np.where(np.abs(r) < beta, r / beta, np.sign(r))


SMOOTH_L1 = register_loss(ElementwiseLoss(
    name="smooth_l1", title="smooth L1 loss",
    parameters=(Parameter("beta", 1.0, "where the loss turns from quadratic to linear"),),
    value=_smooth_l1_value, derivative=_smooth_l1_derivative,
    textbook=lambda xp, r, beta: xp.where(xp.abs(r) < beta, 0.5 * r * r / beta,
                                          xp.abs(r) - 0.5 * beta),
    formula="{xp}where({xp}abs({r}) < {beta}, {r}**2 / (2 * {beta}), {xp}abs({r}) - {beta} / 2)",
    torch="smooth_l1_loss"))


@SMOOTH_L1.loss_function
def smooth_l1(y_true, y_pred, *, beta=1.0, reduction="mean"):
    r"""Smooth L1 loss: :math:`r^2 / (2\beta)` where :math:`|r| < \beta`, :math:`|r| - \beta/2` beyond.

    PyTorch's ``smooth_l1_loss``; it equals ``huber(delta=beta) / beta``, so its linear part has
    slope 1 like MAE. ``beta`` must be positive: PyTorch reads ``beta=0`` as plain L1, but that
    is :func:`mae`, and lossedu keeps one name per function rather than a special case.

    >>> from lossedu import smooth_l1
    >>> smooth_l1([0.0, 0.0], [0.5, 3.0], reduction="none")
    array([0.125, 2.5  ])
    """
    return SMOOTH_L1.loss(y_true, y_pred, reduction, beta=beta)


@SMOOTH_L1.gradient_function
def smooth_l1_grad(y_true, y_pred, *, beta=1.0, reduction="mean"):
    r"""Gradient of :func:`lossedu.smooth_l1`: :math:`r / \beta` where :math:`|r| < \beta`, else
    :math:`\operatorname{sign}(r)`.

    >>> from lossedu import smooth_l1_grad
    >>> smooth_l1_grad([0.0, 0.0], [0.5, 3.0], beta=2.0, reduction="none")
    array([0.25, 1.  ])
    """
    return SMOOTH_L1.gradient(y_true, y_pred, reduction, beta=beta)


# ---- pseudo_huber --------------------------------------------------------------------
def _pseudo_huber_value(r, delta):
    # delta^2 t^2 / (sqrt(1 + t^2) + 1) with t = |r| / delta: no cancellation for small t; for
    # |r| > delta, delta |r| / (sqrt(1 + s^2) + s) with s = delta / |r| = 1 / t, so that no
    # t^2, nor t itself, overflows where the loss fits
    size = np.abs(r)
    near = size <= delta
    t = np.where(near, size, delta) / delta
    s = delta / np.where(near, delta, size)
    return np.where(near, delta * delta * t * (t / (np.hypot(1.0, t) + 1.0)),
                    delta * size / (np.hypot(1.0, s) + s))


def _pseudo_huber_derivative(r, delta):
    # r / sqrt(1 + (r / delta)^2), written with delta / |r| beyond delta so r / delta cannot
    # overflow to infinity and turn the slope delta into 0
    size = np.abs(r)
    near = size <= delta
    s = delta / np.where(near, delta, size)
    return np.where(near, r / np.hypot(1.0, np.where(near, r, 0.0) / delta),
                    delta * np.sign(r) / np.hypot(1.0, s))


PSEUDO_HUBER = register_loss(ElementwiseLoss(
    name="pseudo_huber", title="pseudo-Huber loss", parameters=(_DELTA,),
    value=_pseudo_huber_value, derivative=_pseudo_huber_derivative,
    textbook=lambda xp, r, delta: delta * delta * (xp.sqrt(1 + (r / delta) ** 2) - 1),
    formula="{delta}**2 * ({xp}sqrt(1 + ({r} / {delta})**2) - 1)"))


@PSEUDO_HUBER.loss_function
def pseudo_huber(y_true, y_pred, *, delta=1.0, reduction="mean"):
    r"""Pseudo-Huber loss :math:`\delta^2 (\sqrt{1 + (r/\delta)^2} - 1)`: a Huber loss that is
    smooth everywhere (all derivatives continuous).

    Computed as :math:`\delta^2 t^2 / (\sqrt{1 + t^2} + 1)` with :math:`t = |r| / \delta`, which
    has no cancellation for small residuals, and beyond :math:`\delta` as
    :math:`\delta |r| / (\sqrt{1 + s^2} + s)` with :math:`s = \delta / |r|`, which does not
    overflow where the loss fits, even when :math:`r / \delta` would.

    >>> from lossedu import pseudo_huber
    >>> print(pseudo_huber([0.0], [1.0]).round(6))
    0.414214
    """
    return PSEUDO_HUBER.loss(y_true, y_pred, reduction, delta=delta)


@PSEUDO_HUBER.gradient_function
def pseudo_huber_grad(y_true, y_pred, *, delta=1.0, reduction="mean"):
    r"""Gradient of :func:`lossedu.pseudo_huber`: :math:`r / \sqrt{1 + (r/\delta)^2}`, which
    tends to :math:`\pm\delta` for large residuals.

    >>> from lossedu import pseudo_huber_grad
    >>> pseudo_huber_grad([0.0, 0.0], [0.0, 1e6], reduction="none").round(6)
    array([0., 1.])
    """
    return PSEUDO_HUBER.gradient(y_true, y_pred, reduction, delta=delta)


# ---- log_cosh ------------------------------------------------------------------------
def _log_cosh_value(r):
    # log(cosh(r)) overflows for |r| > 710 in float64; the two forms below do not, and the
    # first keeps full precision for tiny residuals (sinh overflows only where it is unused)
    size = np.abs(r)
    with np.errstate(over="ignore"):
        near = np.log1p(2 * np.sinh(size / 2) ** 2)
    far = size + np.log1p(np.exp(-2 * size)) - np.log(2.0).astype(size.dtype)
    return np.where(size < 1, near, far)


def _log_cosh_derivative(r):
    return np.tanh(r)


LOG_COSH = register_loss(ElementwiseLoss(
    name="log_cosh", title="log-cosh loss",
    value=_log_cosh_value, derivative=_log_cosh_derivative,
    textbook=lambda xp, r: xp.logaddexp(r, -r) - math.log(2.0),
    formula="{xp}logaddexp({r}, -{r}) - log(2)",
    keras="LogCosh"))


@LOG_COSH.loss_function
def log_cosh(y_true, y_pred, *, reduction="mean"):
    r"""Log-cosh loss :math:`\log\cosh r`: about :math:`r^2/2` for small residuals and
    :math:`|r| - \log 2` for large ones.

    ``np.log(np.cosh(r))`` overflows for :math:`|r| > 710` in float64 (89 in float32), so
    lossedu computes :math:`|r| + \log(1 + e^{-2|r|}) - \log 2` for :math:`|r| \ge 1` and
    :math:`\log(1 + 2\sinh^2(r/2))` below, which keeps full precision for tiny residuals too.

    >>> from lossedu import log_cosh
    >>> log_cosh([0.0, 0.0], [1e-8, 1e4], reduction="none")
    array([5.00000000e-17, 9.99930685e+03])
    """
    return LOG_COSH.loss(y_true, y_pred, reduction)


@LOG_COSH.gradient_function
def log_cosh_grad(y_true, y_pred, *, reduction="mean"):
    r"""Gradient of :func:`lossedu.log_cosh`: :math:`\tanh r`, between -1 and 1.

    >>> from lossedu import log_cosh_grad
    >>> log_cosh_grad([0.0, 0.0], [0.0, 1e4], reduction="none")
    array([0., 1.])
    """
    return LOG_COSH.gradient(y_true, y_pred, reduction)


# ---- the end of the table: a new loss goes above this line --------------------------------
# ``from lossedu.maths.losses import *`` (lossedu/__init__.py) gives every loss's two functions
__all__ = [f"{name}{suffix}" for name in LOSSES for suffix in ("", "_grad")]
