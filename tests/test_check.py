"""The exercises' tests, as the chapters write them: each chapter's own solution earns every
point; each kind of mistake fails the tests that name it, with their message and partial
credit, and no message shows an expected value. Then the test machinery of lossedu.grading.check
itself: names looked up in the notebook, errors turned into feedback, bad arguments refused."""

import importlib.util
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import lossedu
from lossedu.grading import check
from lossedu.grading.exercise_cells import exercise_of, exercise_tests

NOTEBOOKS = sorted(Path(__file__).resolve().parent.parent.glob("notebooks/*.ipynb"))


def chapter_tests() -> dict:
    """exercise -> (its ExerciseTests, the notebook it is in)."""
    found = {}
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for exercise, tests in exercise_tests(notebook, str(path)).items():
            found[exercise] = (tests, notebook)
    return found


CHAPTER_TESTS = chapter_tests()


def fresh_check():
    """A copy of lossedu.grading.check loaded afresh from its file, with an empty registry: what the
    grader runs the tests with."""
    spec = importlib.util.spec_from_file_location("lossedu._fresh_check", check.__file__)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as the grading cell does: dataclasses look it up
    spec.loader.exec_module(module)
    return module


def outcomes(exercise: str, **names) -> dict:
    """Every test of ``exercise`` (hidden ones too), run as the grader runs them against a
    notebook that defines ``names``: test name -> Outcome."""
    module, namespace = fresh_check(), {}
    for cell in CHAPTER_TESTS[exercise][0].cells:
        namespace["check"] = module
        exec(cell.source, namespace)
    return {result.name: result for result in module.run_tests(exercise, names, hidden=True)}


def failed(exercise: str, **names) -> dict:
    """test name -> message, of the tests that failed."""
    return {name: r.message for name, r in outcomes(exercise, **names).items() if not r.passed}


def chapter_solution(exercise: str):
    """The function the chapter's solution cell defines, run in the chapter's imports."""
    tests, notebook = CHAPTER_TESTS[exercise]
    namespace = {}
    exec("import numpy as np\nimport jax\nimport jax.numpy as jnp\nimport torch\n"
         "import lossedu\nfrom lossedu.maths import metrics", namespace)
    solution = next(cell for cell in notebook.cells if "solution" in cell.metadata.get("tags", [])
                    and cell.cell_type == "code" and exercise_of(cell) == exercise)
    exec(solution.source, namespace)
    (name,) = tests.names
    return name, namespace[name]


def test_the_seven_exercises_have_public_and_hidden_tests_worth_points():
    assert sorted(CHAPTER_TESTS) == ["1.3", "2.1", "3.3", "4.2", "5.2", "5.3", "6.2"]
    for exercise, (tests, _) in CHAPTER_TESTS.items():
        assert tests.points(hidden=False) >= 3 and tests.points(hidden=True) >= 2, exercise
        assert len(tests.names) == 1, (exercise, tests.names)  # the function the student writes


@pytest.mark.parametrize("exercise", sorted(CHAPTER_TESTS))
def test_the_chapters_solution_earns_every_point(exercise):
    name, solution = chapter_solution(exercise)
    results = outcomes(exercise, **{name: solution})
    assert all(r.passed for r in results.values()), results
    assert sum(r.points for r in results.values()) == CHAPTER_TESTS[exercise][0].points()


def test_1_3_partial_credit():
    mean_only = lambda y, loss: float(np.mean(y))
    assert set(failed("1.3", best_constant=mean_only)) == {
        "test_mae_with_outlier", "test_mae_without_outlier", "test_mae_even_count_float32",
        "test_mae_at_the_kink"}
    many = failed("1.3", best_constant=lambda y, loss: [1.0, 2.0])
    assert len(many) == 6 and all("return one number" in m for m in many.values())
    assert "return a number" in failed("1.3", best_constant=lambda y, loss: "mean")["test_mse_with_outlier"]
    # the lower middle target for an even count is a minimiser too: the kink's flat bottom
    lower_median = lambda y, loss: float(np.mean(y) if loss == "mse" else np.sort(y)[(len(y) - 1) // 2])
    assert failed("1.3", best_constant=lower_median) == {}


def good_mae_grad(y_true, y_pred):
    r = np.asarray(y_pred, float) - np.asarray(y_true, float)
    return np.sign(r) / r.size


@pytest.mark.parametrize("wrong, failing, words", [
    (lambda t, p: -good_mae_grad(t, p), {"test_sign", "test_float32_ties", "test_tiny_residuals"},
     "wrong sign"),
    (lambda t, p: np.sign(p - t) / np.shape(p)[0], {"test_scale", "test_float32_ties"},
     "wrong scale"),
    (lambda t, p: ((p - t) / np.abs(p - t)) / np.size(p), {"test_no_nan", "test_zero_at_the_tie",
                                                           "test_float32_ties",
                                                           "test_tiny_residuals"}, "NaN"),
    (lambda t, p: good_mae_grad(t, p).ravel(), {"test_shape", "test_zero_at_the_tie",
                                                "test_float32_ties"}, "wrong shape"),
    (lambda t, p: lossedu.mae_grad(t, p, subgradient=1.0), {"test_zero_at_the_tie",
                                                           "test_float32_ties",
                                                           "test_tiny_residuals"}, "asks for 0"),
    # a tolerance around 0 turns the kink into a plateau: only the hidden test sees it
    (lambda t, p: np.where(np.abs(p - t) < 1e-12, 0, np.sign(p - t)) / np.size(p),
     {"test_tiny_residuals"}, "a residual of 1e-30"),
])
def test_2_1_each_mistake_fails_the_tests_that_name_it(wrong, failing, words):
    with np.errstate(invalid="ignore", divide="ignore"):
        found = failed("2.1", my_mae_grad=wrong)
    assert set(found) == failing, found
    assert any(words in message for message in found.values()), found


def test_2_1_messages_never_show_the_expected_values():
    for wrong in (lambda t, p: -good_mae_grad(t, p), lambda t, p: np.sign(p - t)):
        text = " ".join(failed("2.1", my_mae_grad=wrong).values())
        assert "0.083" not in text and "0.25" not in text and "[" not in text


def test_3_3():
    import jax.numpy as jnp

    assert set(failed("3.3", safe_sqrt=lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0))) == {
        "test_gradient_at_0_is_finite", "test_gradient_at_0", "test_negative_x",
        "test_float32_array"}
    assert "wrong value" in failed("3.3", safe_sqrt=lambda x: jnp.sqrt(x) + 1)["test_value"]
    # sqrt(relu(x)): right for x >= 0, but its gradient at 0 is inf
    assert "test_gradient_at_0_is_finite" in failed("3.3", safe_sqrt=lambda x: jnp.sqrt(jnp.maximum(x, 0.0)))


def mae_constant_path(y, start, rate, steps):
    path = [float(start)]
    for t in range(steps):
        path.append(path[-1] - rate(t) * np.mean(np.sign(path[-1] - np.asarray(y))))
    return np.array(path)


def test_4_2():
    assert "wrong length" in failed("4.2", mae_constant_path=lambda *a: mae_constant_path(*a)[1:])["test_length"]
    flipped = lambda y, s, r, n: mae_constant_path(y, s, lambda t: -r(t), n)
    assert "away from the median" in failed("4.2", mae_constant_path=flipped)["test_direction"]
    halved = lambda y, s, r, n: mae_constant_path(y, s, lambda t: r(t) / 2, n)
    assert set(failed("4.2", mae_constant_path=halved)) == {"test_steps", "test_float32_targets"}
    # sign(0) taken as +1: wrong only where c sits on a target, the kink
    sign_up = lambda y, s, r, n: mae_constant_path(y, s, r, n) if s != 2.0 else np.full(n + 1, 1.0)
    assert set(failed("4.2", mae_constant_path=sign_up)) == {"test_start_at_the_median"}


def test_5_2():
    import jax
    import jax.numpy as jnp

    naive = lambda v: v + jax.lax.stop_gradient(jnp.sign(v) - v)
    assert "floating-point trap" in failed("5.2", ste_sign=naive)["test_value"]
    assert "gradient must be 1" in failed("5.2", ste_sign=jnp.sign)["test_gradient"]
    # right away from 0, wrong at it (and at a subnormal, which JAX's sign on a CPU flushes to
    # 0): only the hidden tests see it
    at_zero = lambda v: (v - jax.lax.stop_gradient(v)) + jax.lax.stop_gradient(jnp.where(v >= 0, 1.0, -1.0))
    subnormal = jnp.array(np.finfo(np.float32).smallest_subnormal, dtype=jnp.float32)
    flushed = {"test_float32_extremes"} if float(jnp.sign(subnormal)) == 0 else set()
    assert set(failed("5.2", ste_sign=at_zero)) == {"test_at_zero"} | flushed


def test_5_3():
    import torch.nn.functional as F

    assert "not the Huber gradient" in failed("5.3", mae_value_huber_gradient=F.l1_loss)["test_gradient"]
    assert "not the mean absolute error" in failed("5.3", mae_value_huber_gradient=F.huber_loss)["test_value"]
    elementwise = failed("5.3", mae_value_huber_gradient=lambda p, t: (p - t).abs())
    assert len(elementwise) == 4 and "single-number" in elementwise["test_value"]


def test_6_2():
    assert "higher F1" in failed("6.2", best_threshold=lambda p, y: 0.5)["test_best_f1"]
    assert "between 0.05 and 0.95" in failed("6.2", best_threshold=lambda p, y: 2.0)["test_in_range"]


def test_student_prints_do_not_leak_and_exceptions_become_feedback(capsys):
    def chatty(t, p):
        print("debugging", p)
        return good_mae_grad(t, p)

    assert failed("2.1", my_mae_grad=chatty) == {}
    assert capsys.readouterr().out == ""

    def stub(t, p):
        raise NotImplementedError()

    results = outcomes("2.1", my_mae_grad=stub)
    assert {r.kind for r in results.values()} == {"not implemented"}
    assert all(r.points == 0 for r in results.values())
    raised = outcomes("2.1", my_mae_grad=lambda t, p: 1 / 0)["test_sign"]
    assert raised.kind == "student error" and "ZeroDivisionError" in raised.message


def test_a_name_the_tests_need_must_be_defined():
    results = outcomes("2.1")
    assert all(r.kind == "not defined" and "my_mae_grad is not defined" in r.message
               for r in results.values())


def test_a_test_that_raises_fails_with_its_error_and_the_others_still_run():
    module = fresh_check()

    @module.test_case("9.1", points=1, failure_message="wrong")
    def test_breaks(f):
        return {}["missing"]

    @module.test_case("9.1", points=2)
    def test_fine(f):
        assert f(1) == 2

    found = {r.name: r for r in module.run_tests("9.1", {"f": lambda x: 2 * x})}
    assert found["test_breaks"].kind == "test error" and not found["test_breaks"].passed
    assert found["test_breaks"].message == "the test raised KeyError: 'missing'"
    assert found["test_fine"].passed and found["test_fine"].points == 2


def test_the_self_check_runs_public_tests_and_counts_the_hidden_ones():
    module = fresh_check()

    @module.test_case("9.2", points=1, failure_message="wrong double")
    def test_double(f):
        assert f(2) == 4

    @module.test_case("9.2", points=2.5, hidden=True)
    def test_secret(f):
        raise AssertionError("never run by the self-check")

    report = module.exercise("9.2", {"f": lambda x: 2 * x})
    assert report.passed and [r.name for r in report.results] == ["test_double"]
    assert repr(report) == ("Exercise 9.2: public tests: 1/1 passed (1/1 point);\n"
                            "hidden tests run at grading (1 test, 2.5 points).")
    wrong = repr(module.exercise("9.2", {"f": lambda x: x}))
    assert "0/1 passed" in wrong and "test_double (0/1): wrong double" in wrong
    # a student version: the hidden tests' code is gone, a line counts them
    student = fresh_check()
    student.hidden_tests("9.2", count=2, points=3)
    assert "hidden tests run at grading (2 tests, 3 points)" in repr(student.exercise("9.2", {}))
    assert "no public tests are registered" in repr(student.exercise("9.2", {}))


@pytest.mark.parametrize("arguments, error, words", [
    ({"points": "2"}, TypeError, "points must be a number"),
    ({"points": True}, TypeError, "points must be a number"),
    ({"points": 0}, ValueError, "above 0"),
    ({"points": float("nan")}, ValueError, "finite"),
    ({"points": 1, "hidden": "yes"}, TypeError, "hidden must be True or False"),
    ({"points": 1, "failure_message": 3}, TypeError, "failure_message must be a string"),
])
def test_test_case_refuses_bad_arguments(arguments, error, words):
    with pytest.raises(error, match=words):
        check.test_case("9.3", **arguments)
    with pytest.raises(TypeError, match="exercise must be a non-empty string"):
        check.test_case(2.1, points=1)
    with pytest.raises(ValueError, match="count must be a whole number"):
        check.hidden_tests("9.3", count=0, points=1)
