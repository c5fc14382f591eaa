"""Tests of lossedu.loss_table: one entry per loss, and everything that derives from it.

The README's "Adding a loss" block is run as written, and the loss it registers is then looked
for in every path: the loss and gradient functions, a line fit and the framework bridge."""

import inspect
import math
import re
from pathlib import Path

import numpy as np
import pytest

import lossedu
from lossedu.loss_table import LOSSES, ElementwiseLoss, loss_definition, register_loss

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block() -> str:
    section = README.read_text().split("## Adding a loss", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def cauchy():
    """The Cauchy loss, registered by running the README's block; removed afterwards."""
    exec(compile(readme_block(), str(README), "exec"), {})
    yield LOSSES["cauchy"]
    del LOSSES["cauchy"]


def cauchy_by_hand(r: float, scale: float) -> tuple[float, float]:
    """Value and derivative of the Cauchy loss, written with math, one number at a time."""
    return 0.5 * scale * scale * math.log1p((r / scale) ** 2), r / (1.0 + (r / scale) ** 2)


Y_TRUE = np.array([0.5, -1.0, 2.0, 0.0])
Y_PRED = np.array([1.5, -1.0, -2.0, 0.25])


def test_the_readme_loss_has_a_value_and_a_gradient_by_name(cauchy):
    from lossedu import cauchy as cauchy_loss, cauchy_grad

    by_hand = [cauchy_by_hand(p - t, 2.0) for t, p in zip(Y_TRUE, Y_PRED)]
    values = cauchy_loss(Y_TRUE, Y_PRED, scale=2.0, reduction="none")
    np.testing.assert_allclose(values, [v for v, _ in by_hand], rtol=1e-15)
    np.testing.assert_allclose(lossedu.losses.cauchy(Y_TRUE, Y_PRED, scale=2.0),
                               np.mean([v for v, _ in by_hand]), rtol=1e-15)
    np.testing.assert_allclose(cauchy_grad(Y_TRUE, Y_PRED, scale=2.0, reduction="sum"),
                               [d for _, d in by_hand], rtol=1e-15)
    assert lossedu.gradients.cauchy_grad is cauchy_grad
    assert str(inspect.signature(cauchy_grad)) == "(y_true, y_pred, *, scale=1.0, reduction='mean')"
    assert "cauchy" in dir(lossedu.losses) and "cauchy_grad" in dir(lossedu.gradients)


def test_the_readme_loss_checks_its_parameters_and_inputs(cauchy):
    with pytest.raises(ValueError, match=re.escape("scale must be positive and finite, got 0.0")):
        lossedu.cauchy(Y_TRUE, Y_PRED, scale=0.0)
    with pytest.raises(TypeError, match=re.escape("cauchy takes 'scale', got ['delta']")):
        lossedu.cauchy_grad(Y_TRUE, Y_PRED, delta=1.0)
    with pytest.raises(TypeError, match=re.escape("cauchy has no kink, so it takes no subgradient")):
        lossedu.cauchy_grad(Y_TRUE, Y_PRED, subgradient=0.5)
    with pytest.raises(ValueError, match=re.escape("y_true has shape (4,) but y_pred has shape (4, 1)")):
        lossedu.cauchy(Y_TRUE, Y_PRED[:, None])


def test_the_readme_loss_trains_a_line(cauchy):
    from lossedu.training import fit_line

    x, y = np.arange(6.0), 2 * np.arange(6.0) + 1
    history = fit_line("numpy", "cauchy", x, y, scale=3.0, learning_rate=0.05,
                                        steps=400)
    assert history.loss[-1] < 1e-3 * history.loss[0]
    assert abs(history.weight[-1] - 2) < 0.05 and abs(history.bias[-1] - 1) < 0.2


@pytest.mark.needs_frameworks
def test_the_readme_loss_reaches_the_frameworks(cauchy):
    from lossedu.training import fit_line

    value, grad = lossedu.builtin_loss_and_grad("jax", "cauchy", Y_TRUE, Y_PRED, scale=2.0)
    np.testing.assert_allclose(value, lossedu.cauchy(Y_TRUE, Y_PRED, scale=2.0), rtol=1e-12)
    np.testing.assert_allclose(grad, lossedu.cauchy_grad(Y_TRUE, Y_PRED, scale=2.0), rtol=1e-12)
    with pytest.raises(ValueError, match="PyTorch has no built-in cauchy loss"):
        lossedu.builtin_loss_and_grad("torch", "cauchy", Y_TRUE, Y_PRED)
    x, y = np.arange(6.0), 2 * np.arange(6.0) + 1
    numpy_fit = fit_line("numpy", "cauchy", x, y, learning_rate=0.05, steps=50)
    jax_fit = fit_line("jax", "cauchy", x, y, learning_rate=0.05, steps=50)
    np.testing.assert_allclose(jax_fit.weight, numpy_fit.weight, rtol=1e-5)


# A loss with a kink: overestimates cost twice as much as underestimates.
ASYMMETRIC = ElementwiseLoss(
    name="asymmetric_abs", title="asymmetric absolute error",
    value=lambda r: np.where(r > 0, 2 * r, -r),
    derivative=lambda r: np.where(r > 0, 2.0, np.where(r < 0, -1.0, 0.0)),
    textbook=lambda xp, r: xp.where(r > 0, 2 * r, -r),
    formula="{xp}where({r} > 0, 2 * {r}, -{r})",
    kink_subgradients=(-1.0, 2.0),
    doc="2 r for r > 0, -r below.", derivative_doc="2 for r > 0, -1 below, a choice at 0.")


@pytest.fixture
def asymmetric():
    register_loss(ASYMMETRIC)
    yield ASYMMETRIC
    del LOSSES["asymmetric_abs"]


def test_a_loss_with_a_kink_takes_a_subgradient_from_its_interval(asymmetric):
    y_true, y_pred = [1.0, 1.0, 1.0], [3.0, 1.0, 0.0]
    assert lossedu.asymmetric_abs(y_true, y_pred, reduction="sum") == 5.0  # 2 * 2 + 0 + 1
    grad = lossedu.asymmetric_abs_grad
    assert grad(y_true, y_pred, reduction="sum").tolist() == [2.0, 0.0, -1.0]
    assert grad(y_true, y_pred, reduction="sum", subgradient=2.0).tolist() == [2.0, 2.0, -1.0]
    with pytest.raises(ValueError, match=re.escape("subgradient must lie in [-1, 2], got 2.5")):
        grad(y_true, y_pred, subgradient=2.5)
    assert "subgradient=0.0" in str(inspect.signature(grad))


def test_fit_line_takes_a_subgradient_from_the_losss_own_interval(asymmetric):
    from lossedu.training import fit_line

    x, y = np.arange(3.0), np.arange(3.0)  # the start (0, 0) ties at x = 0
    at_two = fit_line("numpy", "asymmetric_abs", x, y, steps=1, learning_rate=0.1, subgradient=2.0)
    assert at_two.bias[-1] == np.float32(-0.1 * (2.0 - 1 - 1) / 3)
    with pytest.raises(ValueError, match=re.escape("subgradient must lie in [-1, 2], got 2.5")):
        fit_line("numpy", "asymmetric_abs", x, y, subgradient=2.5)


@pytest.mark.needs_frameworks
def test_the_frameworks_take_a_subgradient_of_a_registered_kink(asymmetric):
    from lossedu.atlas.subgradients import interval

    from lossedu.frameworks import framework_loss, gradient

    for framework in ("torch", "tensorflow", "jax"):
        loss = framework_loss(framework, "asymmetric_abs")
        grad = gradient(framework, lambda p: loss(p, p * 0 + 1.0), [1.0])
        # xp.where(r > 0, ...) takes the -r branch at a tie in every framework
        assert grad.tolist() == [-1.0], framework
        assert interval(-1, 2).contains(grad) and not interval(0, 2).contains(grad)


@pytest.mark.parametrize("change, error, message", [
    ({"name": "mae"}, ValueError, "there is already a loss named 'mae'"),
    ({"name": "Cubic loss"}, ValueError, "a loss name is a lowercase identifier"),
    ({"value": "r ** 3"}, TypeError, "cubic: value must be a function of the residual"),
    ({"formula": "{xp}abs({r}) ** {power}"}, ValueError, "does not format with the fields"),
    ({"kink_subgradients": (0.5, 1.0)}, ValueError, "kink_subgradients must contain 0"),
])
def test_register_loss_rejects_a_broken_entry(change, error, message):
    fields = dict(name="cubic", title="cubic", value=lambda r: np.abs(r) ** 3,
                  derivative=lambda r: 3 * r * np.abs(r), textbook=lambda xp, r: xp.abs(r) ** 3,
                  formula="{xp}abs({r})**3", doc="", derivative_doc="")
    with pytest.raises(error, match=re.escape(message)):
        register_loss(ElementwiseLoss(**{**fields, **change}))
    assert "cubic" not in LOSSES
    with pytest.raises(TypeError, match="register_loss takes an ElementwiseLoss, got dict"):
        register_loss(fields)


def test_an_unknown_loss_name_lists_the_known_ones():
    message = ("unknown loss 'hinge'; use one of ('mae', 'mse', 'huber', 'smooth_l1', "
               "'pseudo_huber', 'log_cosh')")
    with pytest.raises(ValueError, match=re.escape(message)):
        loss_definition("hinge")
    with pytest.raises(AttributeError, match="has no attribute 'hinge_grad'"):
        lossedu.hinge_grad


RESIDUALS = np.concatenate([-np.logspace(-6, 2, 60), [0.0], np.logspace(-6, 2, 60)])


@pytest.mark.parametrize("name", list(LOSSES))
def test_each_entrys_formula_text_is_its_textbook_formula(name):
    definition = LOSSES[name]
    parameters = {p.name: 1.5 for p in definition.parameters}
    text = definition.formula.format(xp="np.", r="r", **{p: p for p in parameters})
    written = eval(text, {"np": np, "r": RESIDUALS, "log": math.log, **parameters})
    np.testing.assert_allclose(written, definition.textbook(np, RESIDUALS, **parameters),
                               rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", list(LOSSES))
def test_each_entrys_value_is_its_textbook_formula_and_its_derivative_the_slope(name):
    definition = LOSSES[name]
    parameters = {p.name: 1.5 for p in definition.parameters}
    value = definition.value(RESIDUALS, **parameters)
    textbook = definition.textbook(np, RESIDUALS, **parameters)
    np.testing.assert_allclose(value, textbook, rtol=1e-9, atol=1e-15)
    away = RESIDUALS[np.abs(RESIDUALS) > 1e-3]
    away = away[np.abs(np.abs(away) - 1.5) > 1e-3]  # and away from Huber's threshold
    step = 1e-6 * np.maximum(np.abs(away), 1.0)
    slope = (definition.value(away + step, **parameters)
             - definition.value(away - step, **parameters)) / (2 * step)
    np.testing.assert_allclose(definition.derivative(away, **parameters), slope, rtol=1e-5)


@pytest.mark.needs_frameworks
@pytest.mark.parametrize("name", list(LOSSES))
def test_each_entrys_textbook_formula_runs_in_every_framework(name):
    """A loss without a built-in is written with the textbook formula, in any framework."""
    import torch
    import jax
    import jax.numpy as jnp

    tf = lossedu.import_tensorflow()
    import tensorflow.experimental.numpy as tnp

    definition = LOSSES[name]
    parameters = {p.name: 1.5 for p in definition.parameters}
    expected = definition.value(RESIDUALS, **parameters)
    with lossedu.jax_x64():
        results = {
            "torch": definition.textbook(torch, torch.from_numpy(RESIDUALS), **parameters).numpy(),
            "tensorflow": np.asarray(definition.textbook(tnp, tf.constant(RESIDUALS), **parameters)),
            "jax": np.asarray(definition.textbook(jnp, jnp.asarray(RESIDUALS), **parameters)),
        }
        assert jax.numpy.asarray(RESIDUALS).dtype == np.float64
    for framework, values in results.items():
        np.testing.assert_allclose(values, expected, rtol=1e-9, atol=1e-15, err_msg=framework)


@pytest.mark.needs_frameworks
@pytest.mark.parametrize("name", list(LOSSES))
def test_each_entrys_builtin_names_exist_and_compute_its_value(name):
    import torch
    import torch.nn.functional as F

    tf = lossedu.import_tensorflow()
    definition = LOSSES[name]
    parameters = {p.name: 1.5 for p in definition.parameters}
    expected = definition.value(RESIDUALS, **parameters)
    zeros = np.zeros_like(RESIDUALS)
    if definition.torch is not None:
        torch_values = getattr(F, definition.torch)(torch.from_numpy(RESIDUALS),
                                                     torch.from_numpy(zeros), reduction="none",
                                                     **parameters)
        np.testing.assert_allclose(torch_values.numpy(), expected, rtol=1e-9, atol=1e-15)
    if definition.keras is not None:
        keras = getattr(tf.keras.losses, definition.keras)(dtype="float64", reduction="none",
                                                           **parameters)
        keras_values = keras(zeros[:, None], RESIDUALS[:, None]).numpy()
        # Keras' LogCosh subtracts log(2) rounded to float32 even in float64: off by 1.9e-9
        np.testing.assert_allclose(keras_values, expected, rtol=1e-9, atol=1e-8)
