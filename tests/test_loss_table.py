"""Tests of lossedu.maths.loss_table and lossedu.maths.losses: one entry per loss, and
everything that derives from it.

CONTRIBUTING.md's "Adding a loss" block is run as written, inside a copy of lossedu/maths/
losses.py, and the loss it adds is then looked for in every path: the loss and gradient
functions and their source, a line fit, the frameworks, the atlas, and the tests' list of
losses."""

import inspect
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lossedu
from lossedu.maths import loss_table
from lossedu.maths.loss_table import LOSSES, ElementwiseLoss, loss_definition, register_loss

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "CONTRIBUTING.md"
END_OF_TABLE = "# ---- the end of the table"


def guide_block() -> str:
    section = GUIDE.read_text().split("## Adding a loss", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def berhu():
    """The berHu loss, added by running the guide's block where lossedu's losses run; removed
    afterwards."""
    namespace = dict(vars(lossedu.maths.losses))
    exec(compile(guide_block(), str(GUIDE), "exec"), namespace)
    yield namespace
    forget("berhu")


def forget(name: str) -> None:
    """Take a loss registered by a test out of the table again."""
    del LOSSES[name]
    for kind in ("loss", "gradient"):
        loss_table._WRITTEN.pop((name, kind), None)


def berhu_by_hand(r: float, c: float) -> tuple[float, float]:
    """Value and derivative of the berHu loss, written with math, one number at a time."""
    if abs(r) <= c:
        return abs(r), math.copysign(1.0, r) if r else 0.0
    return (r * r + c * c) / (2 * c), r / c


Y_TRUE = np.array([0.5, -1.0, 2.0, 0.0, 3.0])
Y_PRED = np.array([1.5, -1.0, -2.0, 0.25, 3.0])


def test_the_guides_loss_has_a_value_and_a_gradient_by_name(berhu):
    by_hand = [berhu_by_hand(p - t, 2.0) for t, p in zip(Y_TRUE, Y_PRED)]
    loss, grad = lossedu.loss_function("berhu"), lossedu.gradient_function("berhu")
    assert (loss, grad) == (berhu["berhu"], berhu["berhu_grad"])
    np.testing.assert_allclose(loss(Y_TRUE, Y_PRED, c=2.0, reduction="none"),
                               [v for v, _ in by_hand], rtol=1e-15)
    np.testing.assert_allclose(loss(Y_TRUE, Y_PRED, c=2.0), np.mean([v for v, _ in by_hand]),
                               rtol=1e-15)
    np.testing.assert_allclose(grad(Y_TRUE, Y_PRED, c=2.0, reduction="sum"),
                               [d for _, d in by_hand], rtol=1e-15)
    at_ties = grad(Y_TRUE, Y_PRED, c=2.0, reduction="sum", subgradient=-0.5)
    assert at_ties[[1, 4]].tolist() == [-0.5, -0.5]
    assert str(inspect.signature(grad)) == \
        "(y_true, y_pred, *, c=1.0, reduction='mean', subgradient=0.0)"


def test_the_guides_loss_checks_its_parameters_and_inputs(berhu):
    loss, grad = berhu["berhu"], berhu["berhu_grad"]
    with pytest.raises(ValueError, match=re.escape("c must be positive and finite, got 0.0")):
        loss(Y_TRUE, Y_PRED, c=0.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'delta'"):
        grad(Y_TRUE, Y_PRED, delta=1.0)
    with pytest.raises(ValueError, match=re.escape("subgradient must lie in [-1, 1], got 2.0")):
        grad(Y_TRUE, Y_PRED, subgradient=2.0)
    with pytest.raises(ValueError, match=re.escape("y_true has shape (5,) but y_pred has shape (5, 1)")):
        loss(Y_TRUE, Y_PRED[:, None])


def test_the_guides_loss_trains_a_line(berhu):
    from lossedu.chapters.training import fit_line

    x, y = np.arange(6.0), 2 * np.arange(6.0) + 1
    history = fit_line("numpy", "berhu", x, y, c=3.0, learning_rate=0.05, steps=400)
    # near the optimum berHu is |r|: a fixed rate circles it, as with MAE, within a step
    assert history.loss[-1] < 1e-2 * history.loss[0]
    assert abs(history.weight[-1] - 2) < 0.15 and abs(history.bias[-1] - 1) < 0.2


@pytest.mark.needs_frameworks
def test_the_guides_loss_reaches_the_frameworks(berhu):
    from lossedu.chapters.training import fit_line

    loss, grad = berhu["berhu"], berhu["berhu_grad"]
    value, jax_grad = lossedu.builtin_loss_and_grad("jax", "berhu", Y_TRUE, Y_PRED, c=2.0)
    np.testing.assert_allclose(value, loss(Y_TRUE, Y_PRED, c=2.0), rtol=1e-12)
    away = Y_PRED != Y_TRUE  # at a tie JAX's abs has its own derivative, 1
    np.testing.assert_allclose(jax_grad[away], grad(Y_TRUE, Y_PRED, c=2.0)[away], rtol=1e-12)
    with pytest.raises(ValueError, match="PyTorch has no built-in berhu loss"):
        lossedu.builtin_loss_and_grad("torch", "berhu", Y_TRUE, Y_PRED)
    x, y = np.arange(6.0), 2 * np.arange(6.0) + 1
    numpy_fit = fit_line("numpy", "berhu", x, y, learning_rate=0.05, steps=50)
    jax_fit = fit_line("jax", "berhu", x, y, learning_rate=0.05, steps=50)
    np.testing.assert_allclose(jax_fit.weight, numpy_fit.weight, rtol=1e-5)


# What a process that imports the edited copy of lossedu finds (test_adding_a_loss_is_one_edit)
PROBE = """
import inspect, json, lossedu
from lossedu import atlas
entry = atlas.ENTRY_BY_ID["berhu_loss_tie"]
print(json.dumps({
    "file": lossedu.__file__,
    "names": [n for n in ("berhu", "berhu_grad") if n in lossedu.__all__ and hasattr(lossedu, n)],
    "source": inspect.getsource(lossedu.berhu_grad),
    "source_file": inspect.getsourcefile(lossedu.berhu),
    "help": lossedu.berhu.__doc__,
    "value": float(lossedu.berhu([0.0, 0.0], [0.5, 3.0])),
    "what": entry.what, "gradients": entry.gradients.text, "min_norm": entry.min_norm,
    "calls": entry.calls,
    "snippets": {f: str(entry.snippet(f)) for f in atlas.FRAMEWORKS},
}))
"""


@pytest.fixture(scope="module")
def edited_copy(tmp_path_factory):
    """A copy of lossedu with the guide's block added where the guide says: the one edit."""
    root = tmp_path_factory.mktemp("one_edit")
    shutil.copytree(Path(lossedu.__file__).parent, root / "lossedu",  # installed, or the source
                    ignore=shutil.ignore_patterns("__pycache__"))
    losses = root / "lossedu" / "maths" / "losses.py"
    text = losses.read_text()
    assert text.count(END_OF_TABLE) == 1
    losses.write_text(text.replace(END_OF_TABLE, guide_block() + "\n\n" + END_OF_TABLE))
    return root


def run_in(copy: Path, *arguments: str) -> subprocess.CompletedProcess:
    # the copy is a source tree on purpose (the installed-package legs refuse one otherwise)
    environment = {**{k: v for k, v in os.environ.items() if k != "LOSSEDU_INSTALLED_ONLY"},
                   "PYTHONPATH": str(copy)}
    return subprocess.run([sys.executable, *arguments], capture_output=True, text=True,
                          env=environment, cwd=copy, timeout=600)


@pytest.mark.needs_frameworks  # python -m lossedu.atlas --show asks the installed frameworks
def test_adding_a_loss_is_one_edit_and_it_reaches_the_atlas(edited_copy):
    run = run_in(edited_copy, "-c", PROBE)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert Path(found["file"]).is_relative_to(edited_copy)  # the copy, not the repository
    assert found["names"] == ["berhu", "berhu_grad"]
    # go-to-definition and help() land on the functions the block wrote
    assert found["source"].startswith("@BERHU.gradient_function\ndef berhu_grad(")
    assert found["source_file"] == str(edited_copy / "lossedu" / "maths" / "losses.py")
    assert found["help"].startswith("The reverse Huber loss")
    assert found["value"] == (0.5 + (9 + 1) / 2) / 2
    assert found["what"] == ("gradient w.r.t. y_pred of the built-in berHu loss (c = 1) at "
                             "y_pred = y_true = [1, 2]")
    assert (found["gradients"], found["min_norm"]) == ("[-1/2, 1/2]", [0.0, 0.0])
    # no framework has a built-in berHu loss that the table names: each says so
    assert set(found["calls"].values()) == {"—"}
    labels = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras-tensorflow": "Keras",
              "keras-jax": "Keras", "keras-torch": "Keras", "mlx": "MLX",
              "paddle": "PaddlePaddle", "tinygrad": "tinygrad"}
    for framework, text in found["snippets"].items():
        reason = (f"lossedu's loss table names no {labels[framework]} built-in for the berHu "
                  f"loss" if framework != "jax" else "JAX has no loss functions in jax itself")
        assert reason in text, (framework, text)
    shown = run_in(edited_copy, "-m", "lossedu.atlas", "--show", "berhu_loss_tie")
    assert shown.returncode == 0 and "berHu loss" in shown.stdout, shown.stdout + shown.stderr


def test_a_loss_without_a_reference_fails_the_tests_until_it_has_one(edited_copy):
    """The tests take their list of losses from the table: the new loss is in it, and the
    reference check fails for it (and for it only) until tests/references.py can say what it
    must return."""
    shutil.copytree(ROOT / "tests", edited_copy / "tests",
                    ignore=shutil.ignore_patterns("__pycache__", "browser", "pdf", "environments"))
    run = run_in(edited_copy, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "tests/test_smooth_losses.py::test_every_loss_of_the_table_has_a_reference")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 6 passed" in run.stdout, run.stdout
    assert "the loss 'berhu' has no reference value: add it to LOSSES, DERIVATIVES, ROUNDINGS" \
        in run.stdout


# A loss with a kink: overestimates cost twice as much as underestimates.
ASYMMETRIC = ElementwiseLoss(
    name="asymmetric_abs", title="asymmetric absolute error",
    value=lambda r: np.where(r > 0, 2 * r, -r),
    derivative=lambda r: np.where(r > 0, 2.0, np.where(r < 0, -1.0, 0.0)),
    textbook=lambda xp, r: xp.where(r > 0, 2 * r, -r),
    formula="{xp}where({r} > 0, 2 * {r}, -{r})",
    kink_subgradients=(-1.0, 2.0))


@pytest.fixture
def asymmetric():
    """ASYMMETRIC registered, with its two functions written as the guide writes them."""
    register_loss(ASYMMETRIC)

    @ASYMMETRIC.loss_function
    def asymmetric_abs(y_true, y_pred, *, reduction="mean"):
        """2 r for r > 0, -r below."""
        return ASYMMETRIC.loss(y_true, y_pred, reduction)

    @ASYMMETRIC.gradient_function
    def asymmetric_abs_grad(y_true, y_pred, *, reduction="mean", subgradient=0.0):
        """2 for r > 0, -1 below, a choice at 0."""
        return ASYMMETRIC.gradient(y_true, y_pred, reduction, subgradient=subgradient)

    yield asymmetric_abs, asymmetric_abs_grad
    forget("asymmetric_abs")


def test_a_loss_with_a_kink_takes_a_subgradient_from_its_interval(asymmetric):
    y_true, y_pred = [1.0, 1.0, 1.0], [3.0, 1.0, 0.0]
    loss, grad = asymmetric
    assert loss(y_true, y_pred, reduction="sum") == 5.0  # 2 * 2 + 0 + 1
    assert grad(y_true, y_pred, reduction="sum").tolist() == [2.0, 0.0, -1.0]
    assert grad(y_true, y_pred, reduction="sum", subgradient=2.0).tolist() == [2.0, 2.0, -1.0]
    with pytest.raises(ValueError, match=re.escape("subgradient must lie in [-1, 2], got 2.5")):
        grad(y_true, y_pred, subgradient=2.5)
    assert "subgradient=0.0" in str(inspect.signature(grad))


def test_fit_line_takes_a_subgradient_from_the_losss_own_interval(asymmetric):
    from lossedu.chapters.training import fit_line

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


def test_the_functions_of_a_loss_are_checked_when_they_are_written(asymmetric):
    """The decorators refuse a function that would not be found by its name, or whose
    signature is not the one every loss has."""

    def no_subgradient(y_true, y_pred, *, reduction="mean"):
        """A gradient of a loss with a kink that forgot the choice at the kink."""

    no_subgradient.__name__ = "asymmetric_abs_grad"
    with pytest.raises(TypeError, match=re.escape(
            "asymmetric_abs_grad must have the signature asymmetric_abs_grad(y_true, y_pred, *, "
            "reduction='mean', subgradient=0.0), got asymmetric_abs_grad(y_true, y_pred, *, "
            "reduction='mean')")):
        ASYMMETRIC.gradient_function(no_subgradient)

    def misnamed(y_true, y_pred, *, reduction="mean"):
        """Named after nothing."""

    with pytest.raises(ValueError, match=re.escape(
            "the loss function of 'asymmetric_abs' must be named 'asymmetric_abs', "
            "got 'misnamed'")):
        ASYMMETRIC.loss_function(misnamed)

    def asymmetric_abs(y_true, y_pred, *, reduction="mean"):
        return ASYMMETRIC.loss(y_true, y_pred, reduction)

    with pytest.raises(ValueError, match="asymmetric_abs needs a docstring"):
        ASYMMETRIC.loss_function(asymmetric_abs)


def test_a_loss_is_registered_before_its_functions_and_found_only_once_written():
    entry = ElementwiseLoss(name="unwritten", title="unwritten", value=np.abs,
                            derivative=np.sign, textbook=lambda xp, r: xp.abs(r),
                            formula="{xp}abs({r})")

    def unwritten(y_true, y_pred, *, reduction="mean"):
        """Not registered yet."""

    with pytest.raises(ValueError, match=re.escape(
            "register the entry 'unwritten' (register_loss) before its functions")):
        entry.loss_function(unwritten)
    register_loss(entry)
    try:
        with pytest.raises(LookupError, match=re.escape(
                "the loss 'unwritten' has no gradient function: write one below its entry, "
                "decorated with @UNWRITTEN.gradient_function")):
            lossedu.gradient_function("unwritten")
    finally:
        forget("unwritten")


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
                  formula="{xp}abs({r})**3")
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
def test_each_entrys_derivative_is_the_autodiff_of_its_textbook_formula(name):
    """The derivative is written once, in NumPy; JAX's derivative of the textbook formula (the
    form a framework's user writes, and lossedu.frameworks runs) agrees with it, away from the
    kink and the thresholds."""
    import jax
    import jax.numpy as jnp

    definition = LOSSES[name]
    parameters = {p.name: 1.5 for p in definition.parameters}
    away = RESIDUALS[(np.abs(RESIDUALS) > 1e-3) & (np.abs(np.abs(RESIDUALS) - 1.5) > 1e-3)]
    with lossedu.jax_x64():
        slope = jax.vmap(jax.grad(lambda r: definition.textbook(jnp, r, **parameters)))
        autodiff = np.asarray(slope(jnp.asarray(away)))
    assert autodiff.dtype == np.float64
    np.testing.assert_allclose(autodiff, definition.derivative(away, **parameters),
                               rtol=1e-9, atol=1e-15)


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
