"""The graded exercises of a notebook, read from its cells without running them.

An exercise is the cells that carry ``metadata["lossedu"]["exercise"]`` (``"2.1"``): the
solution (tagged ``solution``), the self-check (tagged ``check``, calling
``check.exercise("2.1")``) and its tests, in code cells tagged ``tests``. A test cell holds
functions decorated with ``check.test_case("2.1", points=..., hidden=..., failure_message=...)``
(:func:`lossedu.grading.check.test_case`), written with literal arguments so that they can be read
here. A cell holds public tests or hidden tests, never both: releasing an assignment removes
the cells of hidden tests from the student version. A test cell without tests holds what the
tests share (helpers, data) and is public; a function named ``test...`` in a test cell must be
a test.

:func:`exercise_tests` reads and checks every test cell of a notebook, and refuses a malformed
one with a ``ValueError`` that names the notebook, the cell and the problem; it returns an
:class:`ExerciseTests` per exercise, made of :class:`CellWithTests` (each read by
:func:`read_test_cell`), each holding its tests as :class:`WrittenTest`. :func:`exercise_of` and
:func:`tags` read a cell's exercise id and tags.

>>> import nbformat
>>> cell = nbformat.v4.new_code_cell(
...     '@check.test_case("0.1", points=2, failure_message="wrong")\\n'
...     'def test_doubles(double):\\n    assert double(3) == 6')
>>> cell.metadata.update(tags=["tests"], lossedu={"exercise": "0.1"})
>>> tests = exercise_tests(nbformat.v4.new_notebook(cells=[cell]))
>>> [(t.name, t.points, t.hidden, t.parameters) for t in tests["0.1"].tests]
[('test_doubles', 2.0, False, ('double',))]
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .check import check_points

TESTS_TAG = "tests"
DECORATOR = "test_case"
ARGUMENTS = ("points", "hidden", "failure_message")


def exercise_of(cell) -> str | None:
    """The exercise id of a cell (``"2.1"``), or None."""
    return cell.metadata.get("lossedu", {}).get("exercise")


def tags(cell) -> list[str]:
    """A cell's tags."""
    return list(cell.metadata.get("tags", []))


@dataclass(frozen=True)
class WrittenTest:
    """One test as written in a test cell: what ``check.test_case`` was given, and the names
    (the parameters) the test reads from the student's notebook."""

    exercise: str
    name: str
    points: float
    hidden: bool
    failure_message: str
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class CellWithTests:
    """A test cell: its index in the notebook, its source, and its tests (all public or all
    hidden)."""

    index: int
    source: str
    tests: tuple[WrittenTest, ...]
    hidden: bool


@dataclass(frozen=True)
class ExerciseTests:
    """Every test of one exercise, and the cells that hold them."""

    exercise: str
    cells: tuple[CellWithTests, ...]

    @property
    def tests(self) -> tuple[WrittenTest, ...]:
        return tuple(test for cell in self.cells for test in cell.tests)

    @property
    def names(self) -> set[str]:
        """What the tests read from the student's notebook."""
        return {name for test in self.tests for name in test.parameters}

    def points(self, hidden: bool | None = None) -> float:
        """The points of all tests, or of the hidden (``True``) or public (``False``) ones."""
        return sum(t.points for t in self.tests if hidden is None or t.hidden == hidden)


def _literal(node: ast.expr, what: str):
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ValueError(f"{what} must be written as a literal (a number, a string, True or "
                         f"False), not {ast.unparse(node)!r}") from None


def _decorator(function: ast.FunctionDef) -> ast.Call | None:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name == DECORATOR:
            if not isinstance(decorator, ast.Call):
                raise ValueError(f"{function.name}: write @check.test_case(\"N.M\", points=...), "
                                 f"with the exercise and the points")
            return decorator
    return None


def _spec(function: ast.FunctionDef, call: ast.Call, exercise: str) -> WrittenTest:
    where = function.name
    if len(call.args) != 1:
        raise ValueError(f"{where}: test_case takes the exercise as its one positional argument")
    named = {keyword.arg: keyword.value for keyword in call.keywords}
    unknown = sorted(set(named) - set(ARGUMENTS), key=str)
    if unknown:
        raise ValueError(f"{where}: unknown argument(s) {unknown}; test_case takes "
                         f"{', '.join(ARGUMENTS)}")
    if "points" not in named:
        raise ValueError(f"{where}: no points; write test_case(\"{exercise}\", points=1, ...)")
    own = _literal(call.args[0], f"{where}: the exercise")
    if own != exercise:
        raise ValueError(f"{where}: a test of exercise {own!r} in a cell of exercise {exercise!r}")
    try:
        points = check_points(_literal(named["points"], f"{where}: points"))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None
    hidden = _literal(named["hidden"], f"{where}: hidden") if "hidden" in named else False
    if not isinstance(hidden, bool):
        raise ValueError(f"{where}: hidden must be True or False, not {hidden!r}")
    message = (_literal(named["failure_message"], f"{where}: failure_message")
               if "failure_message" in named else f"{function.name} failed")
    if not isinstance(message, str):
        raise ValueError(f"{where}: failure_message must be a string, not {message!r}")
    arguments = function.args
    if arguments.vararg or arguments.kwarg or arguments.kwonlyargs or arguments.posonlyargs:
        raise ValueError(f"{where}: a test's parameters are plain names the notebook defines")
    return WrittenTest(exercise, function.name, points, hidden, message,
                    tuple(argument.arg for argument in arguments.args))


def read_test_cell(cell, index: int = 0) -> CellWithTests:
    """One cell tagged ``tests``, read and checked (ValueError if it is malformed); ``index`` is
    its place in the notebook."""
    exercise = exercise_of(cell)
    if cell.cell_type != "code":
        raise ValueError(f"a cell tagged {TESTS_TAG!r} must be a code cell")
    if not isinstance(exercise, str) or not exercise:
        raise ValueError(f"a cell tagged {TESTS_TAG!r} needs metadata lossedu.exercise "
                         f"(\"N.M\"), the exercise its tests belong to")
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as error:
        raise ValueError(f"the test code does not parse: {error.msg} (line {error.lineno})") from None
    specs = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and (call := _decorator(node)) is not None:
            specs.append(_spec(node, call, exercise))
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            raise ValueError(f"{node.name} is not a test until it is decorated with "
                             f"@check.test_case(\"{exercise}\", points=...)")
    if len({spec.hidden for spec in specs}) > 1:
        raise ValueError("it holds public and hidden tests; put the hidden ones in a cell of "
                         "their own (a student version leaves that cell out)")
    # a cell without tests holds what the tests share (helpers, data): public
    return CellWithTests(index, cell.source, tuple(specs), bool(specs) and specs[0].hidden)


def exercise_tests(notebook, where: str = "the notebook") -> dict[str, ExerciseTests]:
    """Every exercise of ``notebook`` that has tests, in the order of its first test cell:
    exercise -> :class:`ExerciseTests`. A malformed test cell, or two tests of one exercise
    with the same name, raises ``ValueError`` naming ``where`` and the cell (counted from 1)."""
    cells: dict[str, list[CellWithTests]] = {}
    for index, cell in enumerate(notebook.cells):
        if TESTS_TAG not in tags(cell):
            continue
        try:
            test_cell = read_test_cell(cell, index)
        except ValueError as error:
            raise ValueError(f"{where}, cell {index + 1} (tagged {TESTS_TAG!r}): {error}") from None
        cells.setdefault(exercise_of(cell), []).append(test_cell)
    for exercise, its_cells in cells.items():
        seen: dict[str, int] = {}
        for test_cell in its_cells:
            for spec in test_cell.tests:
                if spec.name in seen:
                    raise ValueError(f"{where}: exercise {exercise} has two tests named "
                                     f"{spec.name!r} (cells {seen[spec.name] + 1} and "
                                     f"{test_cell.index + 1}); the second would replace the first")
                seen[spec.name] = test_cell.index
    return {exercise: ExerciseTests(exercise, tuple(its_cells))
            for exercise, its_cells in cells.items() if any(c.tests for c in its_cells)}
