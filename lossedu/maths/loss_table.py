r"""The table of losses: what every loss of lossedu is, and the work every loss shares.

Every loss in lossedu is a function of the residual :math:`r = \hat y - y`, applied to each
element and then reduced (mean, sum or none). An :class:`ElementwiseLoss` holds everything
lossedu knows about one loss, and :data:`LOSSES` is the table of them, by name. The losses
themselves are written in :mod:`lossedu.maths.losses`, one block each: the elementwise value
and derivative side by side, the entry, and the two public functions (``huber`` and
``huber_grad``), whose bodies hand the work to the entry:

- :meth:`ElementwiseLoss.loss` checks the arguments, applies ``value`` and reduces it;
- :meth:`ElementwiseLoss.gradient` checks them, applies ``derivative`` (with the chosen
  subgradient at a kink) and scales it for the reduction.

Everything else finds a loss here by its name: :func:`loss_definition` (the entry),
:func:`loss_function` and :func:`gradient_function` (its public functions, recorded by the
decorators :meth:`ElementwiseLoss.loss_function` and :meth:`ElementwiseLoss.gradient_function`,
which check their names and signatures), :mod:`lossedu.frameworks` (the built-ins the entry
names, and its textbook formula), and the atlas's loss entries. :func:`register_loss` adds an
entry; :meth:`ElementwiseLoss.check_call` is the one validator every loss and gradient runs
first, and returns a :class:`LossCall`; a :class:`Parameter` describes a keyword parameter
such as Huber's ``delta``; :func:`reduce_elementwise` and :func:`scale_by_reduction` apply the
reduction to a value and to a derivative.

>>> huber = loss_definition("huber")
>>> r = np.array([0.5, 3.0])
>>> huber.value(r, delta=1.0), huber.derivative(r, delta=1.0)
(array([0.125, 2.5  ]), array([0.5, 1. ]))
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from .validation import (check_choice, check_positive, check_real_number, check_reduction,
                         check_result_finite, prepare_pair)


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
    subgradient: float | None  # the choice at a kink, where the call made one


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
    - ``short_title``: how a question names the loss (``"MAE loss"``), where not by its title.

    The loss's public functions are written beside the entry and marked with the decorators
    :meth:`loss_function` and :meth:`gradient_function`; their bodies call :meth:`loss` and
    :meth:`gradient`.
    """

    name: str
    title: str
    value: Callable[..., np.ndarray]
    derivative: Callable[..., np.ndarray]
    textbook: Callable[..., object]
    formula: str
    parameters: tuple[Parameter, ...] = ()
    kink_subgradients: tuple[float, float] | None = None
    torch: str | None = None
    keras: str | None = None
    short_title: str | None = None

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

    def check_call(self, y_true, y_pred, reduction, parameters: dict) -> LossCall:
        """Check every argument of a loss or gradient call, the names first and the arrays last.
        A gradient call of a loss with a kink passes its ``subgradient`` among ``parameters``.

        >>> call = loss_definition("mae").check_call([1, 2], [1.5, 2.0], "sum", {})
        >>> call.residual, call.y_pred.dtype
        (array([0.5, 0. ]), dtype('float64'))
        """
        parameters = dict(parameters)
        chosen = "subgradient" in parameters
        subgradient = parameters.pop("subgradient", None)
        parameters = self.check_parameters(parameters)
        reduction = check_reduction(reduction)
        subgradient = self.check_subgradient(subgradient) if chosen else None
        y_true, y_pred, residual = prepare_pair(y_true, y_pred)
        return LossCall(y_true, y_pred, residual, reduction, parameters, subgradient)

    def loss(self, y_true, y_pred, reduction: str, **parameters):
        """The reduced loss of a call: what the loss's public function returns.

        >>> print(loss_definition("mse").loss([0.0, 0.0], [1.0, 3.0], "sum"))
        10.0
        """
        call = self.check_call(y_true, y_pred, reduction, parameters)
        with np.errstate(over="ignore"):  # reduce_elementwise reports an overflow
            elementwise = self.value(call.residual, **call.parameters)
        return reduce_elementwise(elementwise, call.reduction, call.y_pred.dtype)

    def gradient(self, y_true, y_pred, reduction: str, **parameters) -> np.ndarray:
        """The gradient of a call with respect to ``y_pred``: what the loss's public gradient
        function returns. A loss with a kink takes ``subgradient``, its value where
        ``y_pred == y_true``.

        >>> loss_definition("mae").gradient([1.0, 2.0], [2.0, 2.0], "sum", subgradient=0.5)
        array([1. , 0.5])
        """
        call = self.check_call(y_true, y_pred, reduction, parameters)
        with np.errstate(over="ignore"):  # an overflow is reported below, with the dtype named
            grad = np.asarray(self.derivative(call.residual, **call.parameters),
                              dtype=call.residual.dtype)
            if call.subgradient:  # the derivative is 0 at the kink; another choice replaces it
                grad = np.where(call.residual == 0, call.subgradient, grad).astype(grad.dtype)
            grad = scale_by_reduction(grad, call.reduction, call.y_pred.dtype)
        check_result_finite(grad, "gradient")
        return grad

    def signature(self, *, gradient: bool = False) -> inspect.Signature:
        """The signature of the loss's public functions: ``(y_true, y_pred, *, <parameters>,
        reduction='mean')``, and for the gradient of a loss with a kink ``subgradient=0.0``.

        >>> str(loss_definition("mae").signature(gradient=True))
        "(y_true, y_pred, *, reduction='mean', subgradient=0.0)"
        """
        positional = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                      for name in ("y_true", "y_pred")]
        keywords = [(p.name, p.default) for p in self.parameters] + [("reduction", "mean")]
        if gradient and self.has_kink:
            keywords.append(("subgradient", 0.0))
        return inspect.Signature(positional + [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
            for name, default in keywords])

    def loss_function(self, function: Callable) -> Callable:
        """Decorator: ``function`` is this loss's public loss function (named as the loss).
        It is checked and recorded, so that :func:`loss_function` finds it by the loss's name."""
        _WRITTEN[self.name, "loss"] = self._checked(function, self.name, gradient=False)
        return function

    def gradient_function(self, function: Callable) -> Callable:
        """Decorator: ``function`` is this loss's public gradient function (``<name>_grad``)."""
        _WRITTEN[self.name, "gradient"] = self._checked(function, f"{self.name}_grad",
                                                        gradient=True)
        return function

    def _checked(self, function: Callable, name: str, *, gradient: bool) -> Callable:
        if LOSSES.get(self.name) is not self:
            raise ValueError(f"register the entry {self.name!r} (register_loss) before its "
                             f"functions")
        if getattr(function, "__name__", None) != name:
            raise ValueError(f"the {'gradient' if gradient else 'loss'} function of "
                             f"{self.name!r} must be named {name!r}, "
                             f"got {getattr(function, '__name__', function)!r}")
        expected = self.signature(gradient=gradient)
        if inspect.signature(function) != expected:
            raise TypeError(f"{name} must have the signature {name}{expected}, "
                            f"got {name}{inspect.signature(function)}")
        if not (function.__doc__ or "").strip():
            raise ValueError(f"{name} needs a docstring: help({name}) is what users read")
        return function

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
# the public functions written for each entry, by (name, "loss" or "gradient")
_WRITTEN: dict[tuple[str, str], Callable] = {}


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




def loss_function(loss) -> Callable:
    """The public loss function of a loss (its entry, or its name).

    >>> from lossedu import mse
    >>> loss_function("mse") is mse
    True
    """
    return _written(loss, "loss")


def gradient_function(loss) -> Callable:
    """The public gradient function of a loss (its entry, or its name).

    >>> from lossedu import mae_grad
    >>> gradient_function("mae") is mae_grad
    True
    """
    return _written(loss, "gradient")


def _written(loss, kind: str) -> Callable:
    name = loss.name if isinstance(loss, ElementwiseLoss) else loss_definition(loss).name
    try:
        return _WRITTEN[name, kind]
    except KeyError:
        decorator = "loss_function" if kind == "loss" else "gradient_function"
        raise LookupError(f"the loss {name!r} has no {kind} function: write one below its "
                          f"entry, decorated with @{name.upper()}.{decorator}") from None


def reduce_elementwise(elementwise: np.ndarray, reduction: str, dtype: np.dtype):
    """Apply ``reduction`` to an elementwise loss and return it in ``dtype``.

    >>> mean = reduce_elementwise(np.array([1.0, 3.0]), "mean", np.dtype(np.float32))
    >>> print(mean, mean.dtype)
    2.0 float32
    """
    with np.errstate(over="ignore"):  # overflow is reported below, with the dtype named
        if reduction == "none":
            result = elementwise.astype(dtype, copy=False)
        else:
            accumulate = np.promote_types(elementwise.dtype, np.float32)  # float16 sums overflow
            if reduction == "sum":
                total = elementwise.sum(dtype=accumulate)
            else:
                total = elementwise.mean(dtype=accumulate)
                if not np.isfinite(total) and np.isfinite(elementwise).all():
                    # the sum overflowed, the mean may not: divide by N first
                    total = (elementwise.astype(accumulate) / elementwise.size).sum()
            result = dtype.type(total)
    check_result_finite(result, "loss")
    return result


def scale_by_reduction(elementwise_grad: np.ndarray, reduction: str, dtype: np.dtype) -> np.ndarray:
    """Turn the elementwise derivative into the gradient of the reduced loss, in ``dtype``.

    Only ``"mean"`` changes anything: every element's derivative is divided by N, the number of
    elements of y_pred (all of them, whatever the shape). The array may be updated in place.
    The division runs in at least float32: N itself overflows float16 beyond 65504.

    >>> scale_by_reduction(np.array([1.0, -1.0]), "mean", np.dtype(np.float64))
    array([ 0.5, -0.5])
    """
    if reduction == "mean":
        work = elementwise_grad.astype(np.promote_types(elementwise_grad.dtype, np.float32),
                                       copy=False)
        work /= work.size
        elementwise_grad = work
    return elementwise_grad.astype(dtype, copy=False)
