"""Self-checks for the exercises, run from tests written in the notebooks themselves.

An exercise's tests live in the notebook, in code cells tagged ``tests`` (see
:mod:`lossedu.grading.exercise_cells`): functions decorated with :func:`test_case`, in the style of
otter-grader's test cases. Each names the exercise, its points, whether it is hidden, and the
message a student reads when it fails. Its parameters name what the student defines; they are
looked up in the notebook, so ``def test_sign(my_mae_grad)`` is called with the student's
``my_mae_grad``. A test passes when it returns, and fails on an ``AssertionError`` (the
assertion's own message, if it has one, is added to the test's message). A test that raises
anything else fails too, and says what it raised; so does a student function that raises.

Running a test cell registers each of its tests as an :class:`ExerciseTest` (:func:`check_points`
checks their points). :func:`exercise` is the student's self-check: it runs the public tests
(:func:`run_tests`, each through :func:`run_test`, giving an :class:`Outcome`) and returns an
:class:`ExerciseReport` that says how many hidden tests (and points) run only at grading; in a
student version, where the hidden tests' code is gone, :func:`hidden_tests` stands in for them.
The grader (:mod:`lossedu.grading.assign`) runs every test, public and hidden, through
:func:`write_verdict`, from the instructor's notebook, never from the student's copy. :func:`number` and
:func:`points_text` write points as every report shows them.

>>> @test_case("0.1", points=2, failure_message="wrong factor")
... def test_doubles(double):
...     assert double(3) == 6
>>> exercise("0.1", {"double": lambda x: 2 * x})
Exercise 0.1: public tests: 1/1 passed (2/2 points).
>>> exercise("0.1", {"double": lambda x: 3 * x})
Exercise 0.1: public tests: 0/1 passed (0/2 points).
  - test_doubles (0/2): wrong factor
"""

from __future__ import annotations

import functools
import inspect
import io
import json
import math
import numbers
import sys
import types
from contextlib import redirect_stdout
from dataclasses import asdict, dataclass
from typing import Callable

from lossedu.common.messages import exception_line


@dataclass(frozen=True)
class ExerciseTest:
    """One registered test: the exercise it belongs to, its name, points, whether it is hidden
    (run only at grading), the message for a student whose code fails it, and the function."""

    exercise: str
    name: str
    points: float
    hidden: bool
    failure_message: str
    function: Callable


@dataclass(frozen=True)
class Outcome:
    """The outcome of one test: the points earned out of ``max_points``, and the message (empty
    when it passed). ``kind`` is ``passed``, ``failed`` (an assertion), ``not defined`` (a name
    the test needs is missing), ``not implemented`` (the student's function raises
    NotImplementedError), ``student error`` (it raises anything else) or ``test error`` (the
    test itself raised)."""

    exercise: str
    name: str
    points: float
    max_points: float
    hidden: bool
    passed: bool
    kind: str
    message: str

    def line(self) -> str:
        """``name (points/max): message``, as feedback shows a failed public test."""
        return (f"{self.name} ({number(self.points)}/{number(self.max_points)}): "
                f"{self.message or 'passed'}")


@dataclass(frozen=True)
class ExerciseReport:
    """What a student's self-check found: the public tests' results, and the number and points
    of the hidden tests, which only the grader runs."""

    exercise: str
    results: tuple[Outcome, ...]
    hidden_count: int
    hidden_points: float

    @property
    def passed(self) -> bool:
        """Whether every public test passed (and there was at least one)."""
        return bool(self.results) and all(result.passed for result in self.results)

    def __repr__(self) -> str:
        if not self.results:
            lines = [f"Exercise {self.exercise}: no public tests are registered;",
                     "run the cells of its tests (above this one) first."]
        else:
            earned = sum(r.points for r in self.results)
            most = sum(r.max_points for r in self.results)
            lines = [f"Exercise {self.exercise}: public tests: "
                     f"{sum(r.passed for r in self.results)}/{len(self.results)} passed "
                     f"({number(earned)}/{points_text(most)})" + (";" if self.hidden_count else ".")]
        if self.hidden_count:
            lines.append(f"hidden tests run at grading ({self.hidden_count} "
                         f"test{'' if self.hidden_count == 1 else 's'}, "
                         f"{points_text(self.hidden_points)}).")
        return "\n".join(lines + [f"  - {r.line()}" for r in self.results if not r.passed])

    __str__ = __repr__


def number(value: float) -> str:
    """Points as feedback and the gradebook write them: ``1`` rather than ``1.0``, ``0.5``."""
    return f"{value:g}"


def points_text(value: float) -> str:
    """``"1 point"``, ``"2.5 points"``."""
    return f"{value:g} point{'' if value == 1 else 's'}"


# exercise -> test name -> test. Running a test cell again replaces its tests.
_TESTS: dict[str, dict[str, ExerciseTest]] = {}
# exercise -> (count, points) of hidden tests whose code a student version leaves out
_HIDDEN: dict[str, tuple[int, float]] = {}


def check_points(points) -> float:
    """``points`` as a float, refused unless it is a finite number above 0.

    >>> check_points(2), check_points(0.5)
    (2.0, 0.5)
    """
    if isinstance(points, bool) or not isinstance(points, numbers.Real):
        raise TypeError(f"points must be a number, not {type(points).__name__} ({points!r})")
    if not math.isfinite(points) or points <= 0:
        raise ValueError(f"points must be a finite number above 0, not {points!r}")
    return float(points)


def _check_exercise(exercise) -> str:
    if not isinstance(exercise, str) or not exercise.strip():
        raise TypeError(f"the exercise must be a non-empty string such as '2.1', not {exercise!r}")
    return exercise


def test_case(exercise: str, *, points, hidden: bool = False,
              failure_message: str | None = None) -> Callable[[Callable], Callable]:
    """Register the decorated function as a test of ``exercise`` worth ``points``.

    ``hidden`` tests run only at grading; student versions leave them out. ``failure_message``
    is what a student reads when the test fails (default: the test's name).

    >>> @test_case("0.2", points=1, hidden=True, failure_message="0 at a tie")
    ... def test_tie(f):
    ...     assert f(0) == 0
    >>> _TESTS["0.2"]["test_tie"].hidden
    True
    """
    exercise, points = _check_exercise(exercise), check_points(points)
    if not isinstance(hidden, bool):
        raise TypeError(f"hidden must be True or False, not {hidden!r}")
    if failure_message is not None and not isinstance(failure_message, str):
        raise TypeError(f"failure_message must be a string, not {type(failure_message).__name__}")

    def register(function: Callable) -> Callable:
        if not callable(function):
            raise TypeError(f"test_case decorates a function, not {type(function).__name__}")
        name = function.__name__
        _TESTS.setdefault(exercise, {})[name] = ExerciseTest(
            exercise, name, points, hidden, failure_message or f"{name} failed", function)
        return function
    return register


def hidden_tests(exercise: str, *, count: int, points) -> None:
    """Stand in for ``count`` hidden tests worth ``points`` in all, whose code a student version
    leaves out (``python -m lossedu.assign release`` writes this call), so that the self-check
    can say what runs at grading."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a whole number of at least 1, not {count!r}")
    _HIDDEN[_check_exercise(exercise)] = (count, check_points(points))


class _StudentError(Exception):
    """Raised by a wrapped student function: its own exception, worded for the student."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _wrapped(function: Callable) -> Callable:
    """``function`` with its prints silenced and its exceptions turned into _StudentError."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            with redirect_stdout(io.StringIO()):
                return function(*args, **kwargs)
        except NotImplementedError:
            raise _StudentError("not implemented",
                                "not implemented yet (the function raises NotImplementedError)"
                                ) from None
        except Exception as error:  # any failure of student code becomes feedback
            raise _StudentError("student error",
                                f"your function raised {exception_line(error)}") from None
    return call


def run_test(test: ExerciseTest, namespace: dict) -> Outcome:
    """Run one test with its parameters looked up in ``namespace`` (a notebook's globals)."""
    def result(kind: str, message: str = "") -> Outcome:
        passed = kind == "passed"
        return Outcome(test.exercise, test.name, test.points if passed else 0.0, test.points,
                          test.hidden, passed, kind, message)

    arguments = {}
    for name in inspect.signature(test.function).parameters:
        if name not in namespace:
            return result("not defined", f"{name} is not defined: run the cell that defines it")
        value = namespace[name]
        arguments[name] = _wrapped(value) if callable(value) and not isinstance(value, type) else value
    try:
        test.function(**arguments)
    except _StudentError as error:
        return result(error.kind, str(error))
    except AssertionError as error:
        detail = str(error).strip()
        return result("failed", f"{test.failure_message} ({detail})" if detail else test.failure_message)
    except Exception as error:  # the test's own code failed: counted as failed, with why
        return result("test error", f"the test raised {exception_line(error)}")
    return result("passed")


def run_tests(exercise: str, namespace: dict, *, hidden: bool = False) -> list[Outcome]:
    """Run the registered tests of ``exercise`` against ``namespace``: the public ones, and the
    hidden ones too if ``hidden``; in the order they were registered."""
    tests = _TESTS.get(exercise, {}).values()
    return [run_test(test, namespace) for test in tests if hidden or not test.hidden]


def exercise(exercise: str, namespace: dict | None = None) -> ExerciseReport:
    """The self-check of ``exercise``: its public tests against the caller's globals (or
    ``namespace``), and how many hidden tests run at grading."""
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    hidden = [t for t in _TESTS.get(_check_exercise(exercise), {}).values() if t.hidden]
    count, points = _HIDDEN.get(exercise, (len(hidden), sum(t.points for t in hidden)))
    return ExerciseReport(exercise, tuple(run_tests(exercise, namespace)), count, points)


def write_verdict(exercise: str, path: str, nonce: str, sources: list[str]) -> None:
    """The grader's end of a check (:mod:`lossedu.grading.assign`): run the test cells ``sources`` (from
    the instructor's notebook), then every test of ``exercise``, public and hidden, against the
    caller's globals (the student's notebook); write ``nonce`` and the results as one JSON line
    to ``path``. Nothing is printed.

    The grader runs this from a copy of this module loaded afresh from its file, so nothing the
    notebook did to ``lossedu.grading.check`` or to its own names (``print``, ``json``, ...) changes the
    verdict. The test cells run in order in one namespace of their own (as they share one in
    the notebook), with ``check`` bound to this copy: they import what they use.
    """
    student = sys._getframe(1).f_globals
    namespace = {"__name__": "lossedu_tests",
                 "check": types.SimpleNamespace(test_case=test_case, hidden_tests=hidden_tests)}
    for source in sources:
        exec(compile(source, f"<tests of exercise {exercise}>", "exec"), namespace)
    results = run_tests(exercise, student, hidden=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"{nonce}\n{json.dumps([asdict(r) for r in results])}\n")
