"""The shared figures draw what they claim: labelled axes, jumps split at kinks, honest slopes."""

import inspect
from unittest import mock

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

import lossedu
import lossedu.chapters.examples
from lossedu.chapters.figures import all_figures as figures
from lossedu.chapters.figures import chapter3
from lossedu.chapters.sliders import slider_figure


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_loss_and_derivative_figure_has_labels_and_marks_only_the_jump():
    fig = figures.plot_loss_and_derivative(
        {"MAE": (lossedu.mae, lossedu.mae_grad), "MSE": (lossedu.mse, lossedu.mse_grad)}, title="t")
    loss_ax, grad_ax = fig.axes
    assert all(ax.get_xlabel() and ax.get_ylabel() and ax.get_title() for ax in fig.axes)
    labels = grad_ax.get_legend_handles_labels()[1]
    assert labels == ["MAE returns 0 at r = 0", "MAE", "MSE"]  # MSE is smooth at 0: no marker
    # No drawn MAE derivative segment crosses the kink: every piece stays on one side of 0.
    for line in grad_ax.get_lines():
        x = np.asarray(line.get_xdata(), dtype=float)
        if x.size > 2 and line.get_color() == loss_ax.get_lines()[0].get_color():
            assert (x < 0).all() or (x > 0).all()


def test_marker_shows_the_chosen_subgradient():
    grad = lambda t, p, reduction: lossedu.mae_grad(t, p, reduction=reduction, subgradient=0.5)
    fig = figures.plot_loss_and_derivative({"MAE": (lossedu.mae, grad)})
    assert fig.axes[1].get_legend_handles_labels()[1] == ["MAE returns 0.5 at r = 0", "MAE"]


def test_secants_of_abs_at_zero_have_slopes_minus_one_plus_one_and_zero():
    fig = figures.plot_secants(np.abs, 0.0, 0.5)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["f", "backward secant, slope -1", "forward secant, slope +1",
                      "central secant, slope +0"]


def test_step_size_error_plot_has_one_curve_per_method_and_finite_errors():
    fig = figures.plot_step_size_error(np.sin, np.cos, 1.0, steps=[1e-3, 1e-6])
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["forward", "central"]
    forward_errors = lines[0].get_ydata()
    assert forward_errors[1] < forward_errors[0]  # 1e-6 beats 1e-3 for a forward difference


def test_subgradient_lines_have_the_requested_slopes():
    fig = figures.plot_subgradients(abs, 0.0, [-1, 0, 0.5])
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["f", "slope -1", "slope +0", "slope +0.5"]
    line = fig.axes[0].get_lines()[3]  # slope +0.5 through (0, 0)
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    np.testing.assert_allclose(y, 0.5 * x)


@pytest.mark.parametrize("step", [0.0, -0.5, float("nan"), "0.5"])
def test_secants_need_a_positive_step(step):
    with pytest.raises(ValueError, match="step"):
        figures.plot_secants(np.abs, 0.0, step)


def test_loss_and_derivative_rejects_a_2d_grid_and_accepts_a_scalar_kink():
    curves = {"MAE": (lossedu.mae, lossedu.mae_grad)}
    with pytest.raises(ValueError, match="1-D"):
        figures.plot_loss_and_derivative(curves, residual=np.zeros((3, 3)))
    fig = figures.plot_loss_and_derivative(curves, kinks=0.0)
    assert fig.axes[1].get_legend_handles_labels()[1] == ["MAE returns 0 at r = 0", "MAE"]


def test_trajectories_and_fits_draw_one_line_each():
    fig = figures.plot_curves({"a": [3, 2, 1], "b": np.ones(3)}, references={"optimum": 0.0})
    assert [line.get_label() for line in fig.axes[0].get_lines()][:2] == ["a", "b"]
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [0, 1, 2])
    fig = figures.plot_curves({"a": [3, 2, 1]}, x=[0.5, 1.0, 1.5], xlabel="c")
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [0.5, 1.0, 1.5])
    with pytest.raises(ValueError, match="values"):
        figures.plot_curves({"a": [3, 2, 1]}, x=[0.0, 1.0])
    fig = figures.plot_fits([0, 1, 2], [1, 3, 5], {"MSE": (2.0, 1.0)})
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["data", "MSE: y = 2.00 x + 1.00"]


def test_landscapes_have_a_surface_and_a_contour_panel_per_loss():
    from lossedu.chapters.training import loss_surface

    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    weights, biases = np.linspace(0, 4, 9), np.linspace(-1, 3, 7)
    surfaces = {"MAE": loss_surface(lossedu.mae, x, y, weights, biases),
                "MSE": loss_surface(lossedu.mse, x, y, weights, biases)}
    path = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, 1.0]])
    fig = figures.plot_loss_landscapes(weights, biases, surfaces, paths={"MSE": {"GD": path}})
    assert len(fig.axes) == 4
    assert fig.axes[3].get_legend_handles_labels()[1] == ["GD"]
    with pytest.raises(ValueError, match="shape"):
        figures.plot_loss_landscapes(weights, biases, {"bad": np.zeros((9, 7))})


# Figures first drawn in chapter 1

def test_broadcast_trap_draws_the_matrix_numpy_builds_and_outlines_the_pairs():
    y_true, y_pred = np.array([1.5, 0.2, 3.9]), np.array([[1.2], [0.5], [3.2]])
    fig = figures.plot_broadcast_trap(y_true, y_pred)
    trap_ax, meant_ax = fig.axes
    np.testing.assert_allclose(trap_ax.get_images()[0].get_array(), np.abs(y_pred - y_true))
    np.testing.assert_allclose(meant_ax.get_images()[0].get_array().ravel(),
                               np.abs(y_pred.ravel() - y_true))
    corners = sorted(patch.get_xy() for patch in trap_ax.patches)
    assert corners == [(-0.5, -0.5), (0.5, 0.5), (1.5, 1.5)]  # the diagonal, nothing else
    assert trap_ax.get_title().endswith(f"{np.mean(np.abs(y_pred - y_true)):.4g}")
    assert meant_ax.get_title().endswith(f"{lossedu.mae(y_true, y_pred.ravel()):.4g}")
    assert len(trap_ax.texts) == 9 and trap_ax.get_xlabel() and trap_ax.get_ylabel()


@pytest.mark.parametrize("y_true, y_pred", [
    (np.zeros(3), np.zeros(3)),                 # nothing to broadcast
    (np.zeros((3, 1)), np.zeros(3)),            # the other way round
    (np.zeros(3), np.zeros((4, 1))),            # different lengths
    (np.zeros(13), np.zeros((13, 1))),          # too many numbers to print in the cells
])
def test_broadcast_trap_rejects_other_shapes(y_true, y_pred):
    with pytest.raises(ValueError, match=r"\(N,\).*\(N, 1\)"):
        figures.plot_broadcast_trap(y_true, y_pred)


def test_broadcast_trap_rejects_non_numbers_and_nan():
    with pytest.raises(TypeError, match="y_true"):
        figures.plot_broadcast_trap(["a", "b"], [[1.0], [2.0]])
    with pytest.raises(ValueError, match="y_pred"):
        figures.plot_broadcast_trap([1.0, 2.0], [[np.nan], [2.0]])


def test_curve_panels_share_labels_styles_and_the_y_axis():
    fig = figures.plot_curve_panels({"mean": {"a": [3, 2, 1], "b": [3, 2, 1]},
                                      "sum": {"a": [3, 1, 0.5], "b": [3, 9, 27]}},
                                     log=True, ylabel="distance")
    left, right = fig.axes
    assert [ax.get_title() for ax in fig.axes] == ["mean", "sum"]
    assert left.get_yscale() == "log" and left.get_ylabel() == "distance"
    assert left.get_shared_y_axes().joined(left, right)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["a", "b"]
    for ax in fig.axes:
        a, b = ax.get_lines()
        assert a.get_linestyle() != b.get_linestyle() and a.get_marker() != b.get_marker()
    np.testing.assert_array_equal(right.get_lines()[1].get_ydata(), [3, 9, 27])


@pytest.mark.parametrize("panels, log, match", [
    ({}, False, "at least one panel"),
    ({"p": {"a": [1, 2]}, "q": {"b": [1, 2]}}, False, "same"),
    ({"p": {"a": [1, np.inf]}}, False, "finite"),
    ({"p": {"a": [1, 0]}}, True, "log"),
])
def test_curve_panels_reject_malformed_input(panels, log, match):
    with pytest.raises(ValueError, match=match):
        figures.plot_curve_panels(panels, log=log)


# Figures first drawn in chapter 2

def test_difference_quotients_of_abs_ramp_only_within_one_step_of_the_kink():
    fig = figures.plot_difference_quotients_near_kink(np.abs, 0.0, 0.01, span=2.0)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["central", "forward", "backward"]
    distance = np.asarray(lines["central"].get_xdata())
    central = np.asarray(lines["central"].get_ydata())
    far = np.abs(distance) >= 1
    np.testing.assert_allclose(central[far], np.sign(distance[far]), atol=1e-9)
    near = np.abs(distance) < 1
    np.testing.assert_allclose(central[near], distance[near], atol=1e-9)  # the ramp x / h
    forward = np.asarray(lines["forward"].get_ydata())
    assert np.allclose(forward[distance >= 0], 1.0) and np.allclose(forward[distance <= -1], -1.0)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


@pytest.mark.parametrize("arguments", [
    dict(f=np.abs, kink=0.0, step=0.0), dict(f=np.abs, kink=0.0, step=-1.0),
    dict(f=np.abs, kink=float("nan"), step=0.1), dict(f=np.abs, kink=0.0, step="0.1"),
    dict(f=np.abs, kink=0.0, step=0.1, span=0.0)])
def test_difference_quotients_reject_bad_steps_and_kinks(arguments):
    with pytest.raises(ValueError):
        figures.plot_difference_quotients_near_kink(**arguments)


def test_difference_quotients_need_a_function():
    with pytest.raises(TypeError, match="function"):
        figures.plot_difference_quotients_near_kink(0.0, 0.0, 0.1)


def test_jacobians_are_drawn_with_their_values_and_a_symmetric_scale():
    none = lossedu.jacobian(lossedu.mae_grad, [0.0, 0.0, 0.0], [1.0, -2.0, 0.0], reduction="none")
    mean = lossedu.jacobian(lossedu.mae_grad, [0.0, 0.0, 0.0], [1.0, -2.0, 0.0])
    fig = figures.plot_jacobians({"none": none, "mean": mean}, title="t")
    none_ax, mean_ax = fig.axes[:2]
    np.testing.assert_array_equal(none_ax.get_images()[0].get_array(), none)
    assert [text.get_text() for text in mean_ax.texts] == ["0.33", "-0.33", "0"]
    assert len(none_ax.texts) == 9
    assert none_ax.get_images()[0].get_clim() == (-1.0, 1.0)
    assert mean_ax.get_images()[0].get_clim() == (-1.0, 1.0)  # one scale for both
    assert [ax.get_title() for ax in (none_ax, mean_ax)] == ["none: 3 x 3", "mean: 1 x 3"]


@pytest.mark.parametrize("matrices", [
    {}, [np.eye(2)], {"vector": np.ones(3)}, {"empty": np.zeros((0, 2))},
    {"nan": np.array([[np.nan]])}, {"text": np.array([["a"]])}])
def test_jacobians_reject_what_is_not_a_mapping_of_real_matrices(matrices):
    with pytest.raises(ValueError):
        figures.plot_jacobians(matrices)


def test_step_size_error_marks_the_default_steps_when_asked():
    from lossedu.maths.numdiff import default_step

    fig = figures.plot_step_size_error(np.sin, np.cos, 1.0, steps=[1e-3, 1e-6],
                                        mark_defaults=True)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["forward", "forward default h", "central", "central default h"]
    marker = fig.axes[0].get_lines()[3]
    assert marker.get_xdata()[0] == pytest.approx(float(default_step(np.array(1.0), "central")))



# Figures first drawn in chapter 3

def _answer(entry_id, framework, kind="value", grad=None, point=(0.0,)):
    from lossedu.atlas import Result

    error = "RuntimeError: no grad_fn" if kind == "raises" else None
    return Result(entry_id, framework, "v", list(point), kind, grad, error)


def test_atlas_panels_draw_each_returned_slope_through_the_point_and_name_every_answer():
    results = [_answer("abs", "torch", grad=[0.0]), _answer("abs", "tensorflow", grad=[0.0]),
               _answer("abs", "jax", grad=[1.0]),
               _answer("norm_zero", "torch", grad=[0.0, 0.0], point=(0.0, 0.0)),
               _answer("norm_zero", "tensorflow", "none", point=(0.0, 0.0)),
               _answer("norm_zero", "jax", grad=[float("nan")] * 2, point=(0.0, 0.0))]
    fig = figures.plot_atlas_entries(results, columns=2)
    abs_ax, norm_ax = fig.axes
    assert [abs_ax.get_title(), norm_ax.get_title()] == ["abs", "norm_zero"]

    def slopes(ax):  # the straight two-point lines are the frameworks' slopes
        found = {}
        for line in ax.get_lines():
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            if x.size == 2:
                found[line.get_color()] = (y[1] - y[0]) / (x[1] - x[0])
                assert np.isclose(np.interp(0.0, x, y), 0.0)  # through the point (0, |0|)
        return found

    colours = {name: style[1] for name, style in chapter3._FRAMEWORK_STYLE.items()}
    assert slopes(abs_ax) == pytest.approx({colours["torch"]: 0.0, colours["tensorflow"]: 0.0,
                                            colours["jax"]: 1.0})
    assert slopes(norm_ax) == pytest.approx({colours["torch"]: 0.0})  # None and NaN: no line
    assert norm_ax.get_xlabel().splitlines()[1:] == ["PyTorch: 0", "TensorFlow: None", "JAX: nan"]


def test_atlas_panels_keep_the_order_asked_for_and_reject_bad_selections():
    results = [_answer("abs", "jax", grad=[1.0]), _answer("relu", "jax", grad=[0.0])]
    fig = figures.plot_atlas_entries(results, ["relu", "abs"])
    assert [ax.get_title() for ax in fig.axes] == ["relu", "abs"]
    with pytest.raises(ValueError, match="no results"):
        figures.plot_atlas_entries(results, ["clip_upper"])
    with pytest.raises(ValueError, match="no results"):
        figures.plot_atlas_entries([])
    with pytest.raises(ValueError, match="columns"):
        figures.plot_atlas_entries(results, columns=0)


def test_training_at_a_tie_draws_every_run_for_the_steps_asked():
    from lossedu.chapters.training import fit_line

    x, y = np.arange(3.0), 2 * np.arange(3.0) + 1
    runs = {f"subgradient {c:+g}": fit_line("numpy", "mae", x, y, weight=2.0, bias=1.0,
                                            learning_rate=0.05, steps=10, subgradient=c)
            for c in (0.0, 1.0)}
    fig = figures.plot_training_at_a_tie(runs, steps=6)
    loss_ax, weight_ax = fig.axes[:2]
    assert [line.get_label() for line in loss_ax.get_lines()] == list(runs)
    assert [line.get_xdata().size for line in loss_ax.get_lines()] == [6, 6]
    assert [line.get_xdata().size for line in weight_ax.get_lines()] == [7, 7]
    assert np.all(loss_ax.get_lines()[0].get_ydata() == 0)  # subgradient 0 stays at the fit
    assert loss_ax.get_lines()[1].get_ydata().max() > 0  # subgradient 1 leaves it
    with pytest.raises(ValueError, match="at least one"):
        figures.plot_training_at_a_tie({})
    with pytest.raises(ValueError, match="steps"):
        figures.plot_training_at_a_tie(runs, steps=0)


# Figures first drawn in chapter 4

def test_descent_zoom_draws_every_path_whole_and_its_tail_about_the_optimum():
    paths = {"converges": 3 + 0.5 ** np.arange(20), "alternates": 3 + 0.1 * (-1) ** np.arange(20)}
    fig = figures.plot_descent_zoom(paths, {"converges": 3.0, "alternates": 3.0}, zoom=5)
    whole, near = fig.axes
    np.testing.assert_allclose(whole.get_lines()[0].get_ydata(), paths["converges"])
    tails = [line for line in near.get_lines() if line.get_label() in paths]
    np.testing.assert_array_equal(tails[1].get_xdata(), np.arange(15, 20))
    np.testing.assert_allclose(tails[1].get_ydata(), 0.1 * (-1) ** np.arange(15, 20))
    assert all(ax.get_xlabel() and ax.get_ylabel() and ax.get_title() for ax in fig.axes)


@pytest.mark.parametrize("kwargs, word", [
    ({"zoom": 20}, "zoom"), ({"zoom": 1}, "zoom"), ({"zoom": 2.5}, "zoom"),
    ({"optima": {"a": 0.0}}, "optimum"),
    ({"paths": {"a": np.ones(20), "b": np.ones(19)}}, "same number"),
])
def test_descent_zoom_rejects_bad_arguments(kwargs, word):
    arguments = {"paths": {"a": np.ones(20), "b": np.ones(20)},
                 "optima": {"a": 1.0, "b": 1.0}, "zoom": 5, **kwargs}
    with pytest.raises(ValueError, match=word):
        figures.plot_descent_zoom(arguments.pop("paths"), arguments.pop("optima"), **arguments)


def test_convergence_draws_the_worst_distance_over_the_window_on_log_axes():
    distance = np.array([4.0, 1.0, 0.0, 1e-3, 0.0, 1e-3])
    fig = figures.plot_convergence({"run": distance}, window=2, floor=1e-9)
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 6))
    np.testing.assert_allclose(line.get_ydata(), [4.0, 1.0, 1e-3, 1e-3, 1e-3])
    plain = figures.plot_convergence({"run": distance}, floor=1e-9).axes[0].get_lines()[0]
    np.testing.assert_allclose(plain.get_ydata(), [1.0, 1e-9, 1e-3, 1e-9, 1e-3])


@pytest.mark.parametrize("kwargs, word", [
    ({"window": 0}, "window"), ({"window": True}, "window"), ({"floor": 0.0}, "floor"),
    ({"distances": {"a": np.array([1.0, -1.0])}}, "non-negative"),
    ({"distances": {"a": np.array([1.0, np.nan])}}, "finite"),
    ({"distances": {}}, "at least one"),
])
def test_convergence_rejects_bad_arguments(kwargs, word):
    arguments = {"distances": {"a": np.ones(4)}, **kwargs}
    with pytest.raises(ValueError, match=word):
        figures.plot_convergence(arguments.pop("distances"), **arguments)


def test_constant_derivatives_are_a_line_for_mse_and_a_staircase_for_mae():
    grid = np.array([0.5, 1.5, 2.5, 3.5])
    fig = figures.plot_constant_derivatives({"data": np.array([1.0, 2.0, 3.0])}, grid)
    mse_ax, mae_ax = fig.axes
    np.testing.assert_allclose(mse_ax.get_lines()[0].get_ydata(), 2 * (grid - 2.0))
    np.testing.assert_allclose(mae_ax.get_lines()[0].get_ydata(), [-1, -1 / 3, 1 / 3, 1])
    assert [ax.get_title() for ax in fig.axes] == ["MSE", "MAE"]
    with pytest.raises(ValueError, match="grid"):
        figures.plot_constant_derivatives({"data": [1.0]}, [[0.0, 1.0]])



# Figures first drawn in chapter 5


def test_forward_backward_splits_values_at_jumps_and_keeps_a_style_per_label():
    x = np.linspace(-1.2, 1.2, 25)
    values = {"round": np.round(x), "identity": x}
    gradients = {"round": np.zeros_like(x), "identity": np.ones_like(x)}
    fig = figures.plot_forward_backward(x, values, gradients, jumps=[-0.5, 0.5])
    forward, backward = fig.axes
    round_pieces = [line for line in forward.get_lines() if line.get_color() == "C0"]
    assert len(round_pieces) == 3  # x < -0.5, between, x > 0.5: no line across a jump
    for line in round_pieces:
        assert np.ptp(line.get_ydata()) == 0  # each piece is flat: one value of round
    assert [line.get_color() for line in backward.get_lines()] == ["C0", "C1"]
    np.testing.assert_array_equal(backward.get_lines()[1].get_ydata(), np.ones_like(x))
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["round", "identity"]


@pytest.mark.parametrize("x, values, gradients, match", [
    (np.array([0.0, 2.0, 1.0]), {"f": np.zeros(3)}, {"f": np.zeros(3)}, "increasing"),
    (np.zeros((2, 2)), {"f": np.zeros(4)}, {"f": np.zeros(4)}, "1-D"),
    (np.arange(3.0), {"f": np.zeros(4)}, {"f": np.zeros(3)}, "shape"),
    (np.arange(3.0), {}, {"f": np.zeros(3)}, "at least one"),
])
def test_forward_backward_rejects_malformed_curves(x, values, gradients, match):
    with pytest.raises(ValueError, match=match):
        figures.plot_forward_backward(x, values, gradients)


def test_training_runs_draw_weight_and_log_loss_for_each_run():
    from lossedu.chapters.training import History

    run = History(weight=np.array([0.0, 1.0, 1.5, 1.75]), bias=np.zeros(4),
                  loss=np.array([4.0, 1.0, 0.25]))
    slow = History(weight=np.array([0.0, 0.5, 0.9, 1.2]), bias=np.zeros(4),
                   loss=np.array([4.0, 2.0, 1.0]))
    fig = figures.plot_training_runs({"fast": run, "same": run, "slow": slow}, title="t")
    weight_ax, loss_ax = fig.axes
    assert loss_ax.get_yscale() == "log" and weight_ax.get_yscale() == "linear"
    assert [line.get_label() for line in weight_ax.get_lines()] == ["fast", "same", "slow"]
    np.testing.assert_array_equal(loss_ax.get_lines()[2].get_ydata(), slow.loss)
    # the two identical runs are both visible: different line styles, the second with markers
    first, second = weight_ax.get_lines()[:2]
    assert first.get_linestyle() != second.get_linestyle() and second.get_marker() == "o"


def test_training_runs_need_histories():
    from lossedu.chapters.training import History

    with pytest.raises(ValueError, match="at least one"):
        figures.plot_training_runs({})
    with pytest.raises(TypeError, match="History"):
        figures.plot_training_runs({"w": [0.0, 1.0]})
    run = History(weight=np.arange(5.0), bias=np.zeros(5), loss=np.ones(4))
    with pytest.raises(ValueError, match="steps"):
        figures.plot_training_runs({"run": run}, steps=0)
    fig = figures.plot_training_runs({"run": run}, steps=2)
    assert [line.get_xdata().tolist() for line in fig.axes[0].get_lines()] == [[0, 1, 2]]


# Figures first drawn in chapter 6


def test_estimate_spread_has_a_row_per_estimator_shared_bins_and_the_exact_value():
    rng = np.random.default_rng(5)
    wide, narrow = rng.normal(1.0, 2.0, size=(400, 2)), rng.normal(1.0, 0.2, size=(400, 2))
    fig = figures.plot_estimate_spread({"wide": wide, "narrow": narrow}, exact=[1.0, -1.0],
                                        components=["a", "b"], title="t")
    assert len(fig.axes) == 4
    top_left, top_right, bottom_left, _ = fig.axes
    assert [top_left.get_title(), top_right.get_title()] == ["a", "b"]
    assert top_left.get_ylabel() == "wide\ncount" and bottom_left.get_ylabel() == "narrow\ncount"
    # the same bins in a column: the narrow estimator fills fewer of them
    edges = [[patch.get_x() for patch in ax.patches] for ax in (top_left, bottom_left)]
    assert edges[0] == edges[1]
    filled = [sum(patch.get_height() > 0 for patch in ax.patches) for ax in (top_left, bottom_left)]
    assert filled[1] < filled[0]
    exact_line, mean_line = top_right.get_lines()
    assert exact_line.get_xdata()[0] == -1.0 and exact_line.get_linestyle() == "--"
    assert mean_line.get_xdata()[0] == pytest.approx(wide[:, 1].mean())


@pytest.mark.parametrize("estimates, exact, components, match", [
    ({}, 0.0, None, "at least one"),
    ({"e": np.zeros((5, 2))}, 0.0, None, "shape"),
    ({"e": np.zeros(1)}, 0.0, None, "at least 2"),
    ({"e": np.array([0.0, np.nan])}, 0.0, None, "finite"),
    ({"e": np.zeros(5)}, np.inf, None, "finite"),
    ({"e": np.zeros(5)}, 0.0, ["a", "b"], "names"),
])
def test_estimate_spread_rejects_malformed_input(estimates, exact, components, match):
    with pytest.raises(ValueError, match=match):
        figures.plot_estimate_spread(estimates, exact, components=components)


# Every figure's text is legible on the page and nothing in it overlaps.
#
# The page geometry is measured once, in lossedu.chapters.figures (PAGE_COLUMN_PX and its comment): at a
# window 1280 px wide a cell's output is 688 CSS px wide and a wider picture is scaled down to
# it. The notebooks show a figure inline as a PNG at matplotlib's default dpi, trimmed with
# bbox_inches="tight"; a slider shows the whole figure at its own dpi. Each text must show at
# least MIN_TEXT_PX in both.

INLINE_DPI = matplotlib.rcParamsDefault["figure.dpi"]
SLIDER_DPI = inspect.signature(slider_figure).parameters["dpi"].default


def _chapter_four_landscape(seed):
    """The loss surfaces and descent paths of chapter 4's figure, on data from ``seed``."""
    from lossedu.chapters.training import descend, line_gradient, loss_surface

    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 3, size=8)
    y = lossedu.chapters.examples.line_targets(x, noise=0.3, rng=rng)
    weights, biases = np.linspace(-1, 5, 61), np.linspace(-2, 4, 61)
    surfaces = {name: loss_surface(loss, x, y, weights, biases)
                for name, loss in (("MAE", lossedu.mae), ("MSE", lossedu.mse))}
    paths = {name: {"gradient descent": descend(line_gradient(name.lower(), x, y), [-0.5, 3.5],
                                                learning_rate=0.05, steps=200)}
             for name in surfaces}
    return figures.plot_loss_landscapes(weights, biases, surfaces, paths=paths)


def _atlas_group(*ids, columns=3):
    from lossedu.atlas import stored

    return figures.plot_atlas_entries(stored().results, ids, columns=columns)


def _smooth_losses():
    return {"MAE": (lossedu.mae, lossedu.mae_grad),
            "Huber (delta = 1)": (lossedu.huber, lossedu.huber_grad),
            "pseudo-Huber (delta = 1)": (lossedu.pseudo_huber, lossedu.pseudo_huber_grad),
            "log-cosh": (lossedu.log_cosh, lossedu.log_cosh_grad)}


def _runs():
    from lossedu.chapters.training import History

    steps = np.arange(41.0)
    return {label: History(weight=2 * (1 - rate ** steps), bias=np.zeros(41),
                           loss=20 * rate ** (2 * steps[:-1]) + 0.1)
            for label, rate in (("MSE, rate 0.05", 0.9), ("detached, rate 0.1", 0.9),
                                ("detached, rate 0.05", 0.95))}


def _tie_runs():
    from lossedu.chapters.training import fit_line

    x, y = np.arange(4.0), 2 * np.arange(4.0) + 1
    return {name: fit_line("numpy", "mae", x, y, weight=2.0, bias=1.0, learning_rate=0.05,
                           steps=12, subgradient=c)
            for name, c in (("PyTorch", 0.0), ("TensorFlow", 0.0), ("JAX", 1.0),
                            ("NumPy, subgradient 0", 0.0), ("NumPy, subgradient +1", 1.0))}


def _normal(mean, spread, shape):
    return np.random.default_rng(0).normal(mean, spread, shape)


# Each figure as a chapter draws it (its labels, titles and amounts of data), by function.
FIGURES = {
    "plot_loss_and_derivative": [
        lambda: figures.plot_loss_and_derivative(
            {"MAE": (lossedu.mae, lossedu.mae_grad), "MSE": (lossedu.mse, lossedu.mse_grad)},
            title="Elementwise MAE and MSE against the residual"),
        lambda: figures.plot_loss_and_derivative(_smooth_losses(), np.linspace(-4, 4, 801),
                                                  title="MAE and its smooth approximations")],
    "plot_secants": [lambda: figures.plot_secants(
        np.abs, 0.0, 0.5, title="Secants of |x| at the kink x = 0 (h = 0.5)")],
    "plot_step_size_error": [lambda: figures.plot_step_size_error(
        np.sin, np.cos, 1.0, mark_defaults=True,
        title="Finite-difference error on sin at x = 1 (float64)")],
    "plot_subgradients": [lambda: figures.plot_subgradients(
        abs, 0.0, [-1, -0.5, 0, 0.5, 1],
        title="Every slope in [-1, 1] is a subgradient of |x| at 0")],
    "plot_curves": [
        lambda: figures.plot_curves(
            {"MSE": np.linspace(1.35, 1.0, 31), "MAE": np.linspace(1.2, 1.7, 31)},
            x=np.linspace(0, 15, 31), xlabel="constant prediction c",
            ylabel="loss / its smallest value",
            title="Data 1, 2, 3, 4, 5, 60: MSE's minimum at the mean, MAE's flat between 3 and 4"),
        lambda: figures.plot_curves({"w": 2 - np.exp(-np.arange(30) / 5)},
                                     references={"optimum": 2.0, "start": 0.0})],
    "plot_fits": [lambda: figures.plot_fits(
        np.linspace(0, 3, 30), 2 * np.linspace(0, 3, 30) + 1,
        {"MSE": (1.867, 2.151), "MAE": (1.961, 1.005), "Huber (delta = 1)": (1.979, 1.082),
         "pseudo-Huber (delta = 1)": (1.975, 1.094), "log-cosh": (1.976, 1.091)},
        title="Lines fitted to y = 2x + 1 with three outliers")],
    "plot_loss_landscapes": [lambda seed=seed: _chapter_four_landscape(seed)
                             for seed in range(4)],
    "plot_broadcast_trap": [lambda: figures.plot_broadcast_trap(
        [1.5, 0.2, 3.9, 6.2, 5.2], [[1.2], [0.5], [3.2], [4.2], [3.2]],
        title="A column minus a flat vector: 25 errors instead of 5")],
    "plot_curve_panels": [lambda reductions=reductions: figures.plot_curve_panels(
        {f'reduction="{r}"': {f"N = {n}": np.geomspace(3.4, 1e-10 if r == "sum" else 1.3, 16)
                              for n in (5, 20, 80)} for r in reductions},
        log=True, ylabel="distance of c from the best constant",
        title="Gradient descent on the MSE, learning rate 0.03")
        for reductions in (("mean", "sum"), ("mean", "sum", "none"))],
    "plot_difference_quotients_near_kink": [lambda: figures.plot_difference_quotients_near_kink(
        np.abs, 0.0, 6.1e-6, title="Difference quotients of |x| near 0, h = 6.1e-06")],
    "plot_jacobians": [lambda: figures.plot_jacobians(
        {'reduction="none"': np.diag([-1.0, 1, -1, -1, -1]),
         'reduction="mean"': np.array([[-0.2, 0.2, -0.2, -0.2, -0.2]])},
        title="Jacobians of the MAE on the worked example")],
    "plot_atlas_entries": [
        lambda: _atlas_group("abs", "abs_negative_zero", "mae_loss_tie"),
        lambda: _atlas_group("relu", "clip_upper", "clip_lower", "hardtanh_upper",
                             "relu6_upper", "leaky_relu"),
        lambda: _atlas_group("maximum_tie", "minimum_tie", "reduce_max_tie", "amax_tie",
                             "max_dim_tie"),
        lambda: _atlas_group("sqrt_zero", "norm_zero", "hand_norm_zero", "where_sqrt_zero"),
        lambda: _atlas_group("step", "accuracy_argmax", "sign_zero", "round_half",
                             "floor_integer"),
        lambda: _atlas_group("huber_threshold", "elu_zero", "mae_subnormal"),
        lambda: _atlas_group("abs", "mae_loss_tie", "norm_zero", "accuracy_argmax",
                             "max_dim_tie", columns=5)],  # narrower panels
    "plot_training_at_a_tie": [lambda: figures.plot_training_at_a_tie(_tie_runs(), steps=12)],
    "plot_descent_zoom": [lambda: figures.plot_descent_zoom(
        {"MSE": 4.43 + 5.62 * 0.8 ** np.arange(300),
         "MAE": np.maximum(10.05 - 0.036 * np.arange(300), 3 + 0.007 * (-1) ** np.arange(300))},
        {"MSE": 4.43, "MAE": 3.0}, zoom=30,
        title="Gradient descent on a constant, learning rate 0.1")],
    "plot_convergence": [lambda: figures.plot_convergence(
        {label: np.abs(_normal(0, 1, 10_000)) / np.arange(1, 10_001) ** power
         for label, power in (("MSE", 3), ("Huber", 2), ("MAE, rate 0.1", 0),
                              ("MAE, rate 0.01", 0.2), ("MAE, rate 1/sqrt(t+1)", 0.5))},
        window=2, title="Distance to the optimum, log-log")],
    "plot_constant_derivatives": [lambda: figures.plot_constant_derivatives(
        {"1, 2, 3, 4, 5, 6": np.arange(1.0, 7), "1, 2, 3, 4, 5, 60": [1.0, 2, 3, 4, 5, 60]},
        np.linspace(0, 15, 151), title="Derivative of the mean loss of a constant c")],
    "plot_forward_backward": [lambda: figures.plot_forward_backward(
        np.linspace(-2.4, 2.4, 481),
        {"round(x)": np.round(np.linspace(-2.4, 2.4, 481)),
         "STE of round": np.round(np.linspace(-2.4, 2.4, 481)),
         "identity x": np.linspace(-2.4, 2.4, 481)},
        {"round(x)": np.zeros(481), "STE of round": np.ones(481), "identity x": np.ones(481)},
        jumps=[-1.5, -0.5, 0.5, 1.5],
        title="Straight-through round: the value of round, the gradient of x")],
    "plot_training_runs": [lambda: figures.plot_training_runs(
        _runs(), steps=40, title="Fitting y = w x + b in PyTorch: the first 40 steps")],
    "plot_estimate_spread": [lambda k=k: figures.plot_estimate_spread(
        {"no baseline": _normal(0.06, 0.04, (400, k)),
         "leave-one-out": _normal(0.06, 0.015, (400, k))}, [0.06, -0.006, 0.1][:k],
        components=["logit 1 (label 1)", "logit 2 (label 0)", "logit 3 (label 1)"][:k],
        xlabel="estimated d E[F1] / d logit", title="400 estimates from 32 samples each")
        for k in (2, 3)],
}


def drawn_texts(fig):
    """The texts drawing ``fig`` puts on the picture (visible, not blank), as drawn."""
    drawn, draw = {}, Text.draw

    def spy(text, renderer):
        draw(text, renderer)
        if text.get_visible() and text.get_text().strip():
            drawn[id(text)] = text

    with mock.patch.object(Text, "draw", spy):
        fig.canvas.draw()
    return list(drawn.values())


def shown_px_per_point(fig):
    """CSS px per point of text: inline (trimmed PNG) and behind a slider (whole figure)."""
    tight = fig.get_tightbbox(fig.canvas.get_renderer()).width + 2 * 0.1  # pad_inches
    inline = INLINE_DPI / 72 * min(1.0, figures.PAGE_COLUMN_PX / (tight * INLINE_DPI))
    slider = SLIDER_DPI / 72 * min(1.0, figures.PAGE_COLUMN_PX / (fig.get_figwidth() * SLIDER_DPI))
    return {"inline": inline, "slider": slider}


def test_every_public_figure_function_has_an_example_here():
    public = {name for name, f in vars(figures).items()
              if name.startswith("plot_") and callable(f)}
    assert public == set(FIGURES)


def _examples():
    return [pytest.param(name, number, id=f"{name}-{number}")
            for name, draws in FIGURES.items() for number in range(len(draws))]


@pytest.mark.parametrize("name, number", _examples())
def test_figure_text_is_legible_on_the_page_inside_the_figure_and_apart(name, number):
    fig = FIGURES[name][number]()
    texts = drawn_texts(fig)
    assert texts
    scales = shown_px_per_point(fig)
    small = [(t.get_text(), t.get_fontsize(), where, round(t.get_fontsize() * scale, 1))
             for t in texts for where, scale in scales.items()
             if t.get_fontsize() * scale < figures.MIN_TEXT_PX - 1e-9]
    assert not small, f"text below {figures.MIN_TEXT_PX} px on the page (text, pt, where, px)"
    # a slider shows the whole figure and nothing outside it: no text may stick out
    boxes = [(t.get_text(), t.get_window_extent()) for t in texts]
    inside = fig.bbox.padded(1)
    outside = [text for text, box in boxes
               if not (inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1))]
    assert not outside, f"text outside the figure: {outside}"
    # Every pair of texts, tick labels included: neighbouring tick labels, a 3-D axis' label
    # and its ticks, a panel's title and the next panel's ticks must stay apart as well.
    overlaps = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
                if _overlap(box_a, box_b)]
    assert not overlaps, f"overlapping texts: {overlaps}"


def _overlap(a, b, tolerance=0.5):
    """Whether two boxes (display px) share more than a sliver."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > tolerance and height > tolerance


@pytest.mark.parametrize("seed", range(4))
def test_contour_labels_keep_off_the_descent_paths_and_label_most_levels(seed):
    fig = _chapter_four_landscape(seed)
    fig.canvas.draw()
    for ax in [ax for ax in fig.axes if ax.name != "3d"]:  # the contour panels
        # matplotlib 3.8 on keeps the labels in the contour set; earlier ones in the axes
        labels = [t for t in [*ax.texts, *(t for c in ax.collections
                                            for t in getattr(c, "labelTexts", []))]
                  if t.get_visible() and t.get_text()]
        assert len(labels) >= 4, f"{ax.get_title()}: only {len(labels)} labelled levels"
        drawn = []  # every line in the panel (paths and end marks), a point every pixel
        for line in ax.get_lines():
            points = ax.transData.transform(np.column_stack(line.get_data()))
            for a, b in zip(points[:-1], points[1:]):
                drawn.append(np.linspace(a, b, int(np.hypot(*(b - a))) + 2))
            drawn.append(points)
        drawn = np.vstack(drawn)
        for label in labels:
            box = label.get_window_extent()
            covered = ((box.x0 < drawn[:, 0]) & (drawn[:, 0] < box.x1)
                       & (box.y0 < drawn[:, 1]) & (drawn[:, 1] < box.y1))
            assert not covered.any(), f"{ax.get_title()}: label {label.get_text()} on a path"
