"""The shared figures draw what they claim: labelled axes, jumps split at kinks, honest slopes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lossedu
from lossedu import plotting


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_loss_and_derivative_figure_has_labels_and_marks_only_the_jump():
    fig = plotting.plot_loss_and_derivative(
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
    fig = plotting.plot_loss_and_derivative({"MAE": (lossedu.mae, grad)})
    assert fig.axes[1].get_legend_handles_labels()[1] == ["MAE returns 0.5 at r = 0", "MAE"]


def test_secants_of_abs_at_zero_have_slopes_minus_one_plus_one_and_zero():
    fig = plotting.plot_secants(np.abs, 0.0, 0.5)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["f", "backward secant, slope -1", "forward secant, slope +1",
                      "central secant, slope +0"]


def test_step_size_error_plot_has_one_curve_per_method_and_finite_errors():
    fig = plotting.plot_step_size_error(np.sin, np.cos, 1.0, steps=[1e-3, 1e-6])
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["forward", "central"]
    forward_errors = lines[0].get_ydata()
    assert forward_errors[1] < forward_errors[0]  # 1e-6 beats 1e-3 for a forward difference


def test_subgradient_lines_have_the_requested_slopes():
    fig = plotting.plot_subgradients(abs, 0.0, [-1, 0, 0.5])
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["f", "slope -1", "slope +0", "slope +0.5"]
    line = fig.axes[0].get_lines()[3]  # slope +0.5 through (0, 0)
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    np.testing.assert_allclose(y, 0.5 * x)


@pytest.mark.parametrize("step", [0.0, -0.5, float("nan"), "0.5"])
def test_secants_need_a_positive_step(step):
    with pytest.raises(ValueError, match="step"):
        plotting.plot_secants(np.abs, 0.0, step)


def test_loss_and_derivative_rejects_a_2d_grid_and_accepts_a_scalar_kink():
    curves = {"MAE": (lossedu.mae, lossedu.mae_grad)}
    with pytest.raises(ValueError, match="1-D"):
        plotting.plot_loss_and_derivative(curves, residual=np.zeros((3, 3)))
    fig = plotting.plot_loss_and_derivative(curves, kinks=0.0)
    assert fig.axes[1].get_legend_handles_labels()[1] == ["MAE returns 0 at r = 0", "MAE"]


def test_trajectories_and_fits_draw_one_line_each():
    fig = plotting.plot_curves({"a": [3, 2, 1], "b": np.ones(3)}, references={"optimum": 0.0})
    assert [line.get_label() for line in fig.axes[0].get_lines()][:2] == ["a", "b"]
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [0, 1, 2])
    fig = plotting.plot_curves({"a": [3, 2, 1]}, x=[0.5, 1.0, 1.5], xlabel="c")
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [0.5, 1.0, 1.5])
    with pytest.raises(ValueError, match="values"):
        plotting.plot_curves({"a": [3, 2, 1]}, x=[0.0, 1.0])
    fig = plotting.plot_fits([0, 1, 2], [1, 3, 5], {"MSE": (2.0, 1.0)})
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["data", "MSE: y = 2.00 x + 1.00"]


def test_landscapes_have_a_surface_and_a_contour_panel_per_loss():
    from lossedu.training import loss_surface

    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    weights, biases = np.linspace(0, 4, 9), np.linspace(-1, 3, 7)
    surfaces = {"MAE": loss_surface(lossedu.mae, x, y, weights, biases),
                "MSE": loss_surface(lossedu.mse, x, y, weights, biases)}
    path = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, 1.0]])
    fig = plotting.plot_loss_landscapes(weights, biases, surfaces, paths={"MSE": {"GD": path}})
    assert len(fig.axes) == 4
    assert fig.axes[3].get_legend_handles_labels()[1] == ["GD"]
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_loss_landscapes(weights, biases, {"bad": np.zeros((9, 7))})


# Figures first drawn in chapter 1


# Figures first drawn in chapter 2


# Figures first drawn in chapter 3


# Figures first drawn in chapter 4


# Figures first drawn in chapter 5


# Figures first drawn in chapter 6
