"""The same line fit in NumPy, PyTorch, TensorFlow and JAX."""

import re

import numpy as np
import pytest

import lossedu
from lossedu.chapters.training import (TRAINERS, constant_gradient, constant_optimum, constant_path,
                              descend, fit_line, loss_surface)

X = np.arange(5, dtype=np.float32)
Y = 2 * X + 1 + np.float32([0.3, -0.2, 0.1, 0.0, 0.4])


@pytest.mark.parametrize("loss", ["mse", "mae"])
def test_frameworks_agree_away_from_ties(loss):
    runs = {fw: fit_line(fw, loss, X, Y, learning_rate=0.05, steps=150) for fw in TRAINERS}
    reference = runs["numpy"]
    assert reference.weight.shape == (151,) and reference.loss.shape == (150,)
    for framework, history in runs.items():
        np.testing.assert_allclose(history.weight, reference.weight, rtol=1e-5, atol=1e-5,
                                   err_msg=framework)
        np.testing.assert_allclose(history.loss, reference.loss, rtol=1e-5, atol=1e-6,
                                   err_msg=framework)


def test_mse_fit_converges_to_least_squares():
    history = fit_line("numpy", "mse", X, Y, learning_rate=0.05, steps=2000)
    slope, intercept = np.polyfit(X, Y, 1)
    assert history.weight[-1] == pytest.approx(slope, abs=1e-4)
    assert history.bias[-1] == pytest.approx(intercept, abs=1e-4)
    # gradient descent on a convex bowl: the loss never rises beyond float32 rounding
    assert np.all(np.diff(history.loss) <= 1e-5 * history.loss[1:])


def test_starting_at_an_exact_fit_the_tie_convention_decides():
    y = 2 * X + 1
    stay = fit_line("numpy", "mae", X, y, weight=2.0, bias=1.0, learning_rate=0.05, steps=10)
    move = fit_line("numpy", "mae", X, y, weight=2.0, bias=1.0, learning_rate=0.05, steps=10,
                    subgradient=1.0)
    assert np.all(stay.weight == 2.0) and np.all(stay.loss == 0.0)
    # with +1 at ties the first step leaves the optimum: w -= lr * mean(x), b -= lr * 1
    assert move.weight[1] == pytest.approx(2.0 - 0.05 * X.mean())
    assert move.loss[1] > 0


@pytest.mark.parametrize("kwargs, error, word", [
    ({"framework": "keras"}, ValueError, "framework"),
    ({"loss": "hinge"}, ValueError, "loss"),
    ({"loss": "huber", "beta": 1.0}, TypeError, "delta"),
    ({"x": [[0.0, 1.0]], "y": [[1.0, 2.0]]}, ValueError, "1-D"),
    ({"x": [0.0, 1.0], "y": [1.0, 2.0, 3.0]}, ValueError, "shape"),
    ({"y": [1.0, np.nan, 0.0, 0.0, 0.0]}, ValueError, "nan"),
    ({"learning_rate": 0.0}, ValueError, "learning_rate"),
    ({"learning_rate": -1.0}, ValueError, "learning_rate"),
    ({"steps": 0}, ValueError, "steps"),
    ({"steps": 2.5}, ValueError, "steps"),
    ({"subgradient": 2.0}, ValueError, "subgradient"),
    ({"framework": "torch", "subgradient": 1.0}, ValueError, "numpy"),
    ({"weight": "1"}, ValueError, "weight"),
    ({"weight": 1e39}, ValueError, "finite float32"),
])
def test_bad_arguments_are_rejected(kwargs, error, word):
    arguments = {"framework": "numpy", "loss": "mae", "x": X, "y": Y, **kwargs}
    with pytest.raises(error, match=word):
        fit_line(arguments.pop("framework"), arguments.pop("loss"), arguments.pop("x"),
                 arguments.pop("y"), **arguments)


@pytest.mark.parametrize("framework", TRAINERS)
def test_divergence_is_reported_the_same_way_by_every_framework(framework):
    with pytest.raises(ValueError, match="diverged"):
        fit_line(framework, "mse", X * 1000, Y, learning_rate=10.0, steps=200)


@pytest.mark.parametrize("framework, loss, options", [
    ("torch", "huber", {"delta": 0.5}), ("tensorflow", "huber", {"delta": 0.5}),
    ("jax", "huber", {"delta": 0.5}), ("torch", "smooth_l1", {"beta": 2.0}),
    ("tensorflow", "log_cosh", {}), ("jax", "pseudo_huber", {"delta": 1.5}),
])
def test_smooth_losses_train_alike_in_numpy_and_the_frameworks(framework, loss, options):
    ours = fit_line("numpy", loss, X, Y, learning_rate=0.05, steps=100, **options)
    theirs = fit_line(framework, loss, X, Y, learning_rate=0.05, steps=100, **options)
    np.testing.assert_allclose(theirs.weight, ours.weight, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(theirs.loss, ours.loss, rtol=1e-5, atol=1e-6)


def test_a_framework_without_the_builtin_says_so():
    with pytest.raises(ValueError, match="PyTorch has no built-in log_cosh"):
        fit_line("torch", "log_cosh", X, Y)


def test_descend_follows_the_gradient_and_accepts_a_schedule():
    path = descend(lambda p: np.array([2 * p[0], 4 * p[1]]), [1.0, 1.0], learning_rate=0.1, steps=50)
    assert path.shape == (51, 2)
    np.testing.assert_allclose(path[1], [0.8, 0.6])
    np.testing.assert_allclose(path[-1], [0.8 ** 50, 0.6 ** 50])
    decaying = descend(np.sign, [1.05], learning_rate=lambda t: 0.1 / (t + 1), steps=3)
    np.testing.assert_allclose(decaying.ravel(), [1.05, 0.95, 0.9, 0.9 - 0.1 / 3])


@pytest.mark.parametrize("kwargs, error, word", [
    ({"gradient": "sign"}, TypeError, "gradient"),
    ({"learning_rate": 0.0}, ValueError, "learning_rate"),
    ({"learning_rate": lambda t: -1.0}, ValueError, "learning_rate"),
    ({"steps": 0}, ValueError, "steps"),
    ({"start": [np.nan]}, ValueError, "start"),
    ({"gradient": lambda p: np.ones(2)}, ValueError, "entries"),
    ({"gradient": lambda p: 10 * p, "learning_rate": 1.0, "steps": 400}, ValueError, "diverged"),
])
def test_descend_rejects_bad_arguments(kwargs, error, word):
    arguments = {"gradient": np.sign, "start": [1.0], "learning_rate": 0.1, "steps": 5, **kwargs}
    with pytest.raises(error, match=word):
        descend(arguments.pop("gradient"), arguments.pop("start"), **arguments)


def test_loss_surface_matches_the_loss_of_each_line():
    weights, biases = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0])
    surface = loss_surface(lossedu.mae, X, Y, weights, biases)
    assert surface.shape == (2, 3)
    for i, b in enumerate(biases):
        for j, w in enumerate(weights):
            assert surface[i, j] == pytest.approx(lossedu.mae(Y, w * X + b))
    huber = loss_surface(lossedu.huber, X, Y, weights, biases, delta=0.5)
    assert huber[1, 1] == pytest.approx(lossedu.huber(Y, 2 * X + 1, delta=0.5))


def test_loss_surface_rejects_bad_grids():
    with pytest.raises(ValueError, match="1-D"):
        loss_surface(lossedu.mae, X, Y, np.ones((2, 2)), [0.0])
    with pytest.raises(ValueError, match="shape"):
        loss_surface(lossedu.mae, X, Y[:3], [1.0], [0.0])


def test_line_and_constant_gradients_match_finite_differences():
    from lossedu.chapters.training import constant_gradient, line_gradient

    x, y = X.astype(np.float64), Y.astype(np.float64)  # finite differences need float64
    for loss, options in [("mse", {}), ("huber", {"delta": 0.7}), ("log_cosh", {}), ("mae", {})]:
        loss_fn = getattr(lossedu, loss)
        p = np.array([1.3, 0.4])
        numerical = lossedu.numerical_grad(lambda q: loss_fn(y, q[0] * x + q[1], **options), p)
        np.testing.assert_allclose(line_gradient(loss, x, y, **options)(p), numerical,
                                   rtol=1e-6, atol=1e-8)
        c = np.array([2.7])
        numerical = lossedu.numerical_grad(lambda q: loss_fn(y, np.full_like(y, q[0]), **options), c)
        np.testing.assert_allclose(constant_gradient(loss, y, **options)(c), numerical,
                                   rtol=1e-6, atol=1e-8)


def test_line_gradient_validates_its_data():
    from lossedu.chapters.training import line_gradient

    with pytest.raises(ValueError, match="shape"):
        line_gradient("mse", [0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match="unknown loss"):
        line_gradient("hinge", X, Y)


def test_constant_optimum_is_the_mean_the_median_and_the_huber_minimiser():
    from lossedu.chapters.training import constant_optimum

    y = np.array([1.0, 2.0, 2.5, 3.0, 4.5, 6.0, 12.0])
    assert constant_optimum("mse", y) == pytest.approx(y.mean(), abs=1e-12)
    assert constant_optimum("mae", y) == 3.0
    assert constant_optimum("mae", [0.0, 1.0, 2.0, 3.0]) == pytest.approx(1.0, abs=1e-12)
    assert constant_optimum("mae", [5.0]) == 5.0
    huber = constant_optimum("huber", y, delta=1.0)
    grid = np.linspace(huber - 0.01, huber + 0.01, 201)
    losses = [lossedu.huber(y, np.full_like(y, c), delta=1.0) for c in grid]
    assert grid[np.argmin(losses)] == pytest.approx(huber, abs=1e-4)
    assert huber not in (3.0, pytest.approx(y.mean()))


@pytest.mark.parametrize("loss, y, error, word", [
    ("mae", [], ValueError, "empty"),
    ("mae", [[1.0, 2.0]], ValueError, "1-D"),
    ("mae", 3.0, ValueError, "1-D"),
    ("mae", [1.0, np.nan], ValueError, "nan"),
    ("mae", ["a", "b"], TypeError, "real numbers"),
    ("hinge", [1.0, 2.0], ValueError, "unknown loss"),
])
def test_constant_optimum_rejects_bad_input(loss, y, error, word):
    from lossedu.chapters.training import constant_optimum

    with pytest.raises(error, match=word):
        constant_optimum(loss, y)


@pytest.mark.parametrize("framework", ["torch", "tensorflow", "jax"])
def test_a_loss_written_in_the_framework_trains_like_the_builtin(framework):
    if framework == "torch":
        def mse(p, t):
            return ((p - t) ** 2).mean()
    elif framework == "tensorflow":
        tf = lossedu.import_tensorflow()

        def mse(p, t):
            return tf.reduce_mean((p - t) ** 2)
    else:
        import jax.numpy as jnp

        def mse(p, t):
            return jnp.mean((p - t) ** 2)
    custom = fit_line(framework, mse, X, Y, learning_rate=0.05, steps=100)
    builtin = fit_line(framework, "mse", X, Y, learning_rate=0.05, steps=100)
    np.testing.assert_allclose(custom.weight, builtin.weight, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(custom.loss, builtin.loss, rtol=1e-6)


def test_a_callable_loss_is_for_the_frameworks_only():
    with pytest.raises(ValueError, match="loss name"):
        fit_line("numpy", lambda p, t: p, X, Y)
    with pytest.raises(TypeError, match="named losses"):
        fit_line("torch", lambda p, t: p, X, Y, delta=1.0)


@pytest.mark.parametrize("framework", ["numpy", "torch", "tensorflow", "jax"])
def test_a_shape_mismatch_is_reported_as_one_not_as_divergence(framework):
    message = "y_true has shape (5,) but y_pred has shape (4,); lossedu does not broadcast"
    with pytest.raises(ValueError, match=re.escape(message)):
        fit_line(framework, "mae", np.arange(5.0), np.arange(4.0), steps=3)


def test_a_diverging_numpy_fit_is_told_apart_from_an_overflowing_argument():
    # the numpy loop catches only lossedu's Overflow, so a wrong subgradient is reported as such
    with pytest.raises(TypeError, match="mse has no kink, so it takes no subgradient"):
        fit_line("numpy", "mse", X, Y, subgradient=0.5)
    with pytest.raises(lossedu.maths.validation.Overflow):
        lossedu.mse_grad(np.float16([0.0]), np.float16([40000.0]))


def test_the_logistic_fits_are_still_importable_from_training_with_a_warning():
    from lossedu.chapters import classification, training

    with pytest.warns(DeprecationWarning, match="training.fit_logistic moved to "
                                                "lossedu.chapters.classification") as caught:
        assert training.fit_logistic is classification.fit_logistic
    assert caught[0].filename == __file__
    with pytest.raises(AttributeError, match="no attribute 'fit_logistics'"):
        training.fit_logistics


Y_SEVEN = np.array([1.0, 2.0, 2.5, 3.0, 4.5, 6.0, 12.0])


@pytest.mark.parametrize("loss, options", [("mse", {}), ("mae", {}), ("huber", {"delta": 1.0}),
                                           ("mse", {"reduction": "sum"})])
def test_constant_path_is_descend_on_constant_gradient(loss, options):
    path = constant_path(loss, Y_SEVEN, 10.05, learning_rate=0.01, steps=50, **options)
    expected = descend(constant_gradient(loss, Y_SEVEN, **options), [10.05],
                       learning_rate=0.01, steps=50)[:, 0]
    assert path.shape == (51,) and path[0] == 10.05
    np.testing.assert_array_equal(path, expected)


def test_constant_path_heads_for_the_optimum_and_accepts_a_schedule():
    mse = constant_path("mse", Y_SEVEN, 10.05, learning_rate=0.1, steps=300)
    assert mse[-1] == pytest.approx(constant_optimum("mse", Y_SEVEN))
    decaying = constant_path("mae", Y_SEVEN, 10.05, learning_rate=lambda t: (t + 1) ** -0.5,
                             steps=2000)
    assert abs(decaying[-1] - np.median(Y_SEVEN)) < 0.01


@pytest.mark.parametrize("start, options, words", [
    ("10", {}, "start must be a real number"),
    (np.nan, {}, "start must lie"),
    (0.0, {"learning_rate": -1.0}, "learning_rate"),
    (0.0, {"steps": 0}, "steps must be a positive integer"),
])
def test_constant_path_refuses_bad_input(start, options, words):
    arguments = dict({"learning_rate": 0.1, "steps": 3}, **options)
    with pytest.raises(ValueError, match=words):
        constant_path("mse", Y_SEVEN, start, **arguments)


def test_constant_path_refuses_an_unknown_loss():
    with pytest.raises(ValueError, match="unknown loss"):
        constant_path("l3", Y_SEVEN, 0.0, learning_rate=0.1, steps=3)


def test_a_history_is_made_from_the_steps_a_chapter_records():
    history = lossedu.chapters.training.History.of_steps([(2.0, 1.0, 0.5), (1.5, 0.5)])
    assert history.weight.tolist() == [2.0, 1.5] and history.loss.tolist() == [0.5]
    assert history.bias.dtype == np.float32


@pytest.mark.parametrize("record", [[], [(2.0, 1.0, 0.5)], [(2.0, 1.0), (1.5, 0.5)],
                                    [(2.0, 1.0, 0.5), (1.5, 0.5, 0.1)]])
def test_a_record_without_the_final_parameters_or_a_loss_per_step_is_refused(record):
    with pytest.raises(ValueError, match="before each step"):
        lossedu.chapters.training.History.of_steps(record)
