r"""One place per loss: each loss's elementwise value and derivative, side by side.

Every loss in lossedu is a function of the residual :math:`r = \hat y - y`, applied to each
element and then reduced (mean, sum or none). An :class:`ElementwiseLoss` holds everything
lossedu knows about one loss, and :data:`LOSSES` is the table of them, by name. Everything else
is derived from this table:

- :mod:`lossedu.losses` and :mod:`lossedu.gradients` turn the entry ``"mae"`` into
  ``lossedu.mae`` and ``lossedu.mae_grad`` (validated, reduced, in y_pred's dtype);
- :mod:`lossedu.frameworks` finds each framework's built-in loss by the names the entry gives,
  and writes the entry's textbook formula with JAX (or PyTorch, or TensorFlow) functions;
- the atlas's loss entries (:func:`lossedu.atlas.loss_entry`) probe those framework versions.

:func:`register_loss` adds an entry (see the README's "Adding a loss"), :func:`loss_definition`
looks one up by name, and :meth:`ElementwiseLoss.check_call` is the one validator that every
loss and gradient function runs first; it returns a :class:`LossCall`. A :class:`Parameter`
describes a keyword parameter such as Huber's ``delta``.

>>> huber = loss_definition("huber")
>>> r = np.array([0.5, 3.0])
>>> huber.value(r, delta=1.0), huber.derivative(r, delta=1.0)
(array([0.125, 2.5  ]), array([0.5, 1. ]))
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from .validation import (check_choice, check_positive, check_real_number, check_reduction,
                         prepare_pair)

_NOT_GIVEN = object()  # check_call's subgradient when the caller (a loss function) passes none


@dataclass(frozen=True)
class Parameter:
    """A keyword parameter of a loss: a positive, finite number such as Huber's ``delta``."""

    name: str
    default: float = 1.0
    meaning: str = ""


class LossCall(NamedTuple):
    """The checked arguments of one call of a loss or gradient function."""

    y_true: np.ndarray
    y_pred: np.ndarray
    residual: np.ndarray  # y_pred - y_true, in the dtype both promote to; finite
    reduction: str
    parameters: dict
    subgradient: float | None  # the choice at a kink, for losses that have one


@dataclass(frozen=True)
class ElementwiseLoss:
    r"""One loss, as a function of the residual ``r = y_pred - y_true``, element by element.

    - ``value(r, **parameters)`` and ``derivative(r, **parameters)``: NumPy arrays of r's shape,
      written to be accurate (no overflow or cancellation where the formula has some). The
      derivative is 0 at a kink; where the loss has one (at r = 0), ``kink_subgradients`` is the
      interval of its subgradients there, and the gradient function takes a ``subgradient``
      argument from it.
    - ``textbook(xp, r, **parameters)``: the formula as a textbook writes it, with the array
      functions of ``xp`` (``numpy``, ``jax.numpy``, ``torch`` or ``tf.experimental.numpy``);
      ``formula`` is the same formula as text, with ``{xp}`` before each function and ``{r}``
      and the parameters as fields, e.g. ``"{xp}abs({r})"``.
    - ``torch``, ``keras``: the name of the built-in in ``torch.nn.functional`` and in
      ``tf.keras.losses``, or ``None`` where the framework has none.
    - ``doc``, ``derivative_doc``: the docstrings of the loss and gradient functions.
    """

    name: str
    title: str
    value: Callable[..., np.ndarray]
    derivative: Callable[..., np.ndarray]
    textbook: Callable[..., object]
    formula: str
    doc: str
    derivative_doc: str
    parameters: tuple[Parameter, ...] = ()
    kink_subgradients: tuple[float, float] | None = None
    torch: str | None = None
    keras: str | None = None

    def check_parameters(self, given: dict) -> dict:
        """The loss's parameters from ``given`` keyword arguments, defaults filled in.

        >>> loss_definition("huber").check_parameters({})
        {'delta': 1.0}
        """
        expected = [p.name for p in self.parameters]
        unexpected = sorted(set(given) - set(expected))
        if unexpected:
            takes = "no parameters" if not expected else ", ".join(map(repr, expected))
            raise TypeError(f"{self.name} takes {takes}, got {unexpected}")
        return {p.name: check_positive(given.get(p.name, p.default), p.name)
                for p in self.parameters}

    def check_call(self, y_true, y_pred, reduction, parameters: dict,
                   subgradient=_NOT_GIVEN) -> LossCall:
        """Check every argument of a loss or gradient call, the names first and the arrays last.
        A gradient call passes ``subgradient`` (only losses with a kink take one).

        >>> call = loss_definition("mae").check_call([1, 2], [1.5, 2.0], "sum", {})
        >>> call.residual, call.y_pred.dtype
        (array([0.5, 0. ]), dtype('float64'))
        """
        parameters = self.check_parameters(parameters)
        reduction = check_reduction(reduction)
        subgradient = None if subgradient is _NOT_GIVEN else self.check_subgradient(subgradient)
        y_true, y_pred, residual = prepare_pair(y_true, y_pred)
        return LossCall(y_true, y_pred, residual, reduction, parameters, subgradient)

    @property
    def has_kink(self) -> bool:
        """Whether the loss has a kink at r = 0 (and its gradient takes a ``subgradient``)."""
        return self.kink_subgradients is not None

    def check_subgradient(self, subgradient) -> float:
        """``subgradient`` as a float if it lies in :attr:`kink_subgradients`; a loss without a
        kink takes none (TypeError).

        >>> loss_definition("mae").check_subgradient(-1)
        -1.0
        """
        if not self.has_kink:
            raise TypeError(f"{self.name} has no kink, so it takes no subgradient")
        low, high = self.kink_subgradients
        return check_real_number(subgradient, "subgradient", low=low, high=high)

    def formula_text(self, xp: str = "", r: str = "r") -> str:
        """:attr:`formula` with ``xp`` before each function and ``r`` for the residual.

        >>> loss_definition("mae").formula_text("jnp.", "y_pred - y_true")
        'jnp.abs(y_pred - y_true)'
        """
        return self.formula.format(xp=xp, r=r, **{p.name: p.name for p in self.parameters})


LOSSES: dict[str, ElementwiseLoss] = {}


def register_loss(definition: ElementwiseLoss) -> ElementwiseLoss:
    """Add a loss to :data:`LOSSES`; every part of lossedu finds it by its name from then on.

    The name must be a new lowercase identifier; the checks catch the mistakes that would
    otherwise surface far away (a formula that names a parameter the loss does not have).
    """
    if not isinstance(definition, ElementwiseLoss):
        raise TypeError(f"register_loss takes an ElementwiseLoss, got {type(definition).__name__}")
    name = definition.name
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"a loss name is a lowercase identifier such as 'log_cosh', got {name!r}")
    if name in LOSSES:
        raise ValueError(f"there is already a loss named {name!r}")
    for field in ("value", "derivative", "textbook"):
        if not callable(getattr(definition, field)):
            raise TypeError(f"{name}: {field} must be a function of the residual")
    try:
        definition.formula_text()
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(f"{name}: formula {definition.formula!r} does not format with the "
                         f"fields xp, r and its parameters ({error!r})") from None
    if definition.has_kink:
        low, high = definition.kink_subgradients
        if not low <= 0.0 <= high:
            raise ValueError(f"{name}: kink_subgradients must contain 0 (the derivative lossedu "
                             f"returns at the kink), got {definition.kink_subgradients}")
    LOSSES[name] = definition
    return definition


def loss_definition(name) -> ElementwiseLoss:
    """The entry of :data:`LOSSES` named ``name``; an unknown name raises ValueError.

    >>> loss_definition("log_cosh").title
    'log-cosh loss'
    """
    return LOSSES[check_choice(name, "loss", LOSSES)]


# ---- the table ---------------------------------------------------------------------------
# Each entry's value and derivative sit side by side and share their branch conditions.

def _huber_value(r, delta):
    return np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))


def _huber_derivative(r, delta):
    return np.where(np.abs(r) <= delta, r, delta * np.sign(r))


def _smooth_l1_value(r, beta):
    return np.where(np.abs(r) < beta, 0.5 * r * r / beta, np.abs(r) - 0.5 * beta)


def _smooth_l1_derivative(r, beta):
    return np.where(np.abs(r) < beta, r / beta, np.sign(r))


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


_DELTA = Parameter("delta", 1.0, "where the loss turns from quadratic to linear")

register_loss(ElementwiseLoss(
    name="mae", title="mean absolute error",
    value=np.abs, derivative=np.sign, kink_subgradients=(-1.0, 1.0),
    textbook=lambda xp, r: xp.abs(r), formula="{xp}abs({r})",
    torch="l1_loss", keras="MeanAbsoluteError",
    doc=r"""Mean absolute error, :math:`\frac{1}{N}\sum_i |\hat y_i - y_i|` for ``reduction="mean"``.

    >>> from lossedu import mae
    >>> print(mae([[1.5], [0.2], [3.9]], [[1.2], [0.5], [3.2]], reduction="sum").round(6))
    1.3
    """,
    derivative_doc=r"""Gradient of :func:`lossedu.mae` with respect to ``y_pred``.

    Away from ties the derivative of :math:`|\hat y_i - y_i|` is
    :math:`\operatorname{sign}(\hat y_i - y_i) = \pm 1`. Where ``y_pred == y_true`` the absolute
    value has a kink and no derivative; any ``subgradient`` in ``[-1, 1]`` is a valid choice there.
    The default, 0, is what ``np.sign`` gives and what PyTorch and TensorFlow return. Ties are
    decided on the residual, computed in the dtype both inputs promote to.

    >>> from lossedu import mae_grad
    >>> mae_grad([[1.5], [0.2]], [[1.2], [0.5]])
    array([[-0.5],
           [ 0.5]])
    """))

register_loss(ElementwiseLoss(
    name="mse", title="mean squared error",
    value=np.square, derivative=lambda r: 2 * r,
    textbook=lambda xp, r: xp.square(r), formula="{xp}square({r})",
    torch="mse_loss", keras="MeanSquaredError",
    doc=r"""Mean squared error, :math:`\frac{1}{N}\sum_i (\hat y_i - y_i)^2` for ``reduction="mean"``.

    >>> from lossedu import mse
    >>> print(mse([0.0, 0.0], [1.0, 3.0]))
    5.0
    """,
    derivative_doc=r"""Gradient of :func:`lossedu.mse` with respect to ``y_pred``: :math:`2(\hat y_i - y_i)`,
    divided by N for ``reduction="mean"``.

    >>> from lossedu import mse_grad
    >>> mse_grad([0.0, 0.0], [1.0, 3.0])
    array([1., 3.])
    """))

register_loss(ElementwiseLoss(
    name="huber", title="Huber loss", parameters=(_DELTA,),
    value=_huber_value, derivative=_huber_derivative,
    textbook=lambda xp, r, delta: xp.where(xp.abs(r) <= delta, 0.5 * r * r,
                                           delta * (xp.abs(r) - 0.5 * delta)),
    formula="{xp}where({xp}abs({r}) <= {delta}, {r}**2 / 2, {delta} * ({xp}abs({r}) - {delta} / 2))",
    torch="huber_loss", keras="Huber",
    doc=r"""Huber loss: :math:`r^2/2` where :math:`|r| \le \delta`, :math:`\delta(|r| - \delta/2)` beyond.

    Quadratic (like MSE) for small residuals, linear with slope :math:`\delta` (like MAE) for
    large ones, with a continuous derivative at :math:`|r| = \delta`. The same function as
    ``torch.nn.functional.huber_loss`` and ``tf.keras.losses.Huber``. ``delta`` must be positive.

    >>> from lossedu import huber
    >>> huber([0.0, 0.0], [0.5, 3.0], reduction="none")
    array([0.125, 2.5  ])
    """,
    derivative_doc=r"""Gradient of :func:`lossedu.huber`: :math:`r` where :math:`|r| \le \delta`, else
    :math:`\delta \operatorname{sign}(r)`. Continuous, so :math:`|r| = \delta` needs no convention.

    >>> from lossedu import huber_grad
    >>> huber_grad([0.0, 0.0, 0.0], [0.5, 3.0, -3.0], reduction="none")
    array([ 0.5,  1. , -1. ])
    """))

register_loss(ElementwiseLoss(
    name="smooth_l1", title="smooth L1 loss",
    parameters=(Parameter("beta", 1.0, "where the loss turns from quadratic to linear"),),
    value=_smooth_l1_value, derivative=_smooth_l1_derivative,
    textbook=lambda xp, r, beta: xp.where(xp.abs(r) < beta, 0.5 * r * r / beta,
                                          xp.abs(r) - 0.5 * beta),
    formula="{xp}where({xp}abs({r}) < {beta}, {r}**2 / (2 * {beta}), {xp}abs({r}) - {beta} / 2)",
    torch="smooth_l1_loss",
    doc=r"""Smooth L1 loss: :math:`r^2 / (2\beta)` where :math:`|r| < \beta`, :math:`|r| - \beta/2` beyond.

    PyTorch's ``smooth_l1_loss``; it equals ``huber(delta=beta) / beta``, so its linear part has
    slope 1 like MAE. ``beta`` must be positive: PyTorch reads ``beta=0`` as plain L1, but that
    is :func:`mae`, and lossedu keeps one name per function rather than a special case.

    >>> from lossedu import smooth_l1
    >>> smooth_l1([0.0, 0.0], [0.5, 3.0], reduction="none")
    array([0.125, 2.5  ])
    """,
    derivative_doc=r"""Gradient of :func:`lossedu.smooth_l1`: :math:`r / \beta` where :math:`|r| < \beta`, else
    :math:`\operatorname{sign}(r)`.

    >>> from lossedu import smooth_l1_grad
    >>> smooth_l1_grad([0.0, 0.0], [0.5, 3.0], beta=2.0, reduction="none")
    array([0.25, 1.  ])
    """))

register_loss(ElementwiseLoss(
    name="pseudo_huber", title="pseudo-Huber loss", parameters=(_DELTA,),
    value=_pseudo_huber_value, derivative=_pseudo_huber_derivative,
    textbook=lambda xp, r, delta: delta * delta * (xp.sqrt(1 + (r / delta) ** 2) - 1),
    formula="{delta}**2 * ({xp}sqrt(1 + ({r} / {delta})**2) - 1)",
    doc=r"""Pseudo-Huber loss :math:`\delta^2 (\sqrt{1 + (r/\delta)^2} - 1)`: a Huber loss that is
    smooth everywhere (all derivatives continuous).

    Computed as :math:`\delta^2 t^2 / (\sqrt{1 + t^2} + 1)` with :math:`t = |r| / \delta`, which
    has no cancellation for small residuals, and beyond :math:`\delta` as
    :math:`\delta |r| / (\sqrt{1 + s^2} + s)` with :math:`s = \delta / |r|`, which does not
    overflow where the loss fits, even when :math:`r / \delta` would.

    >>> from lossedu import pseudo_huber
    >>> print(pseudo_huber([0.0], [1.0]).round(6))
    0.414214
    """,
    derivative_doc=r"""Gradient of :func:`lossedu.pseudo_huber`: :math:`r / \sqrt{1 + (r/\delta)^2}`, which
    tends to :math:`\pm\delta` for large residuals.

    >>> from lossedu import pseudo_huber_grad
    >>> pseudo_huber_grad([0.0, 0.0], [0.0, 1e6], reduction="none").round(6)
    array([0., 1.])
    """))

register_loss(ElementwiseLoss(
    name="log_cosh", title="log-cosh loss",
    value=_log_cosh_value, derivative=_log_cosh_derivative,
    textbook=lambda xp, r: xp.logaddexp(r, -r) - math.log(2.0),
    formula="{xp}logaddexp({r}, -{r}) - log(2)",
    keras="LogCosh",
    doc=r"""Log-cosh loss :math:`\log\cosh r`: about :math:`r^2/2` for small residuals and
    :math:`|r| - \log 2` for large ones.

    ``np.log(np.cosh(r))`` overflows for :math:`|r| > 710` in float64 (89 in float32), so
    lossedu computes :math:`|r| + \log(1 + e^{-2|r|}) - \log 2` for :math:`|r| \ge 1` and
    :math:`\log(1 + 2\sinh^2(r/2))` below, which keeps full precision for tiny residuals too.

    >>> from lossedu import log_cosh
    >>> log_cosh([0.0, 0.0], [1e-8, 1e4], reduction="none")
    array([5.00000000e-17, 9.99930685e+03])
    """,
    derivative_doc=r"""Gradient of :func:`lossedu.log_cosh`: :math:`\tanh r`, between -1 and 1.

    >>> from lossedu import log_cosh_grad
    >>> log_cosh_grad([0.0, 0.0], [0.0, 1e4], reduction="none")
    array([0., 1.])
    """))
