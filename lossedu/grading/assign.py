"""Assignments from the chapter notebooks: student and instructor versions, and a grader.

The chapter notebooks are the one annotated source. A cell tagged ``solution`` holds an answer:
in a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (or the whole
cell if it has no markers); in a markdown cell, the whole cell. Cells tagged ``tests`` hold the
exercise's tests, public or hidden, each with its points (:mod:`lossedu.grading.exercise_cells`,
:mod:`lossedu.grading.check`); a cell tagged ``check`` runs the public ones for the student. All carry
``metadata["lossedu"]["exercise"]``. These follow nbgrader's conventions (tags, markers) and
otter-grader's test cases, and the versions written here carry nbgrader's cell metadata too.

``python -m lossedu.assign release`` writes ``student/`` (solutions replaced by stubs, hidden
tests by a line that counts them, outputs cleared) and ``instructor/`` (as the source, with the
metadata) versions; ``python -m lossedu.assign grade SUBMISSIONS`` grades
``SUBMISSIONS/<student>/<chapter>.ipynb``. Every file is read and hashed once, first. Each
notebook then runs in a sandbox of its own (:mod:`lossedu.grading.sandbox`: bubblewrap, a private
scratch folder, no network, time, memory and output limits), followed by one grading cell per
exercise. That cell runs the exercise's tests from the source notebook with a fresh copy of
:mod:`lossedu.grading.check` in the student's kernel and writes the verdict, with a nonce made for that
run, to a file, so a printed line cannot pass for a verdict. After all runs, the gradebook (one
row per student and test, with the sha256 of each graded file), the feedback files, the item
statistics and, given a roster, the Canvas and Moodle files are written
(:mod:`lossedu.grading.gradebook`, :mod:`lossedu.grading.grade_exports`). A notebook that is broken in any way
gets rows with 0 points and a line saying what happened, and never stops the other students'
grading. Given students or exercises, ``grade`` regrades only those.

What the module holds:

- the versions: :func:`strip_solution` (solution regions replaced by stubs),
  :func:`hidden_tests_placeholder` (the line that stands in for a cell of hidden tests),
  :class:`SolutionStubs` (the nbconvert preprocessor that stubs every solution, replaces hidden
  tests and adds nbgrader metadata), :func:`student_version`, :func:`instructor_version`, and
  :func:`release`, which writes both versions of every notebook;
- the grading (the exercises and their tests read by
  :func:`lossedu.grading.exercise_cells.exercise_tests`): :func:`grade_notebook` (one submission), :func:`grade` (every submission or a regrade, then
  the reports), :func:`regrade_report` (what a regrade changed),
  :func:`check_workers` (the number of notebooks run at once, checked to be a positive integer),
  :func:`contained_attempts` (what a notebook tried that the sandbox stopped), :class:`Row` (one
  line of the gradebook) and :func:`write_reports` (the gradebook CSV and the feedback files);
- the warnings :class:`UnsandboxedGrading` (grading asked to run without a sandbox) and
  :class:`TamperedDuringGrading` (a file changed on disk while the grading ran);
- :func:`main`, the command line (``release`` and ``grade``).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import functools
import hashlib
import json
import secrets
import shutil
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import check as check_module
from .cell_slice import needed_code
from .exercise_cells import (TESTS_TAG, CellWithTests, ExerciseTests, exercise_of, exercise_tests,
                             read_test_cell)
from .exercise_cells import tags as _tags
from .check import number
from .grade_exports import export, read_roster
from .gradebook import Row, read_gradebook, write_feedback, write_gradebook
from .sandbox import RESULTS, Limits, SandboxUnavailable, execute_isolated, sandbox_problem
from ..common.extras import require
from ..common.messages import error_line, first_line
from ..maths.validation import check_count

nbformat = require("assign", "nbformat", __name__)
require("assign", "nbclient", __name__)
_preprocessors = require("assign", "nbconvert.preprocessors", __name__)
ClearOutputPreprocessor, Preprocessor = _preprocessors.ClearOutputPreprocessor, _preprocessors.Preprocessor

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
MARKDOWN_STUB = "YOUR ANSWER HERE"
HIDDEN_TESTS_TAG = "hidden-tests"
ROSTER_COPY = "roster.csv"  # the roster, kept beside the gradebook for regrades


def _nbgrader(cell, index: int, points: float | None = None) -> None:
    """Tag a solution, check or test cell (the ``index``-th) with nbgrader's schema 3 cell
    metadata, so the versions can be imported into nbgrader: a test cell is a graded cell worth
    ``points`` (its tests' points); a check cell, a test cell of helpers and the line that
    stands in for hidden tests are read-only. Other cells are left alone."""
    solution, tests = "solution" in _tags(cell), TESTS_TAG in _tags(cell) and bool(points)
    if not (solution or {TESTS_TAG, "check", HIDDEN_TESTS_TAG} & set(_tags(cell))):
        return
    exercise = exercise_of(cell) or f"cell-{index}"
    part = ("solution" if solution else TESTS_TAG if TESTS_TAG in _tags(cell)
            else HIDDEN_TESTS_TAG if HIDDEN_TESTS_TAG in _tags(cell) else "check")
    cell.metadata["nbgrader"] = {
        "schema_version": 3, "solution": solution, "grade": tests, "task": False,
        "locked": not solution,
        "grade_id": f"exercise-{exercise.replace('.', '-')}-{part}-{index}",
        **({"points": points} if tests else {}),
    }


def _test_cells(notebook, where: str) -> dict[int, CellWithTests]:
    """Every test cell of ``notebook`` by index, read and checked (a malformed one raises
    ValueError naming ``where``)."""
    return {cell.index: cell for tests in exercise_tests(notebook, where).values()
            for cell in tests.cells}


def _points(cell: CellWithTests | None) -> float | None:
    """The points of a test cell's tests; None for a cell that holds no tests."""
    return None if cell is None else sum(test.points for test in cell.tests)


def hidden_tests_placeholder(cell) -> nbformat.NotebookNode:
    """What a student version holds instead of a cell of hidden tests: a call that tells the
    self-check how many hidden tests (and points) run at grading, and nothing of their code."""
    specs = read_test_cell(cell).tests
    points = number(sum(spec.points for spec in specs))
    placeholder = nbformat.v4.new_code_cell(
        f"# {len(specs)} hidden test{'' if len(specs) == 1 else 's'} of exercise "
        f"{exercise_of(cell)} run when your work is graded\n"
        f"check.hidden_tests({json.dumps(exercise_of(cell))}, count={len(specs)}, "
        f"points={points})")
    placeholder.metadata.update(tags=[HIDDEN_TESTS_TAG], lossedu={"exercise": exercise_of(cell)})
    if "id" in cell:  # the cell it stands in for: releasing twice writes the same file
        placeholder.id = cell.id
    return placeholder


def strip_solution(source: str) -> str:
    """Replace each marked solution region by a stub (keeping its indentation), or the whole
    source if it has no markers.

    >>> print(strip_solution("def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    if BEGIN not in source:
        return CODE_STUB
    lines, kept, inside = source.splitlines(), [], False
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            kept.extend(indent + stub for stub in CODE_STUB.splitlines())
            inside = True
        elif stripped == END:
            inside = False
        elif not inside:
            kept.append(line)
    if inside:
        raise ValueError(f"a solution cell has {BEGIN!r} without {END!r}")
    return "\n".join(kept)


class SolutionStubs(Preprocessor):
    """Replace every solution by a stub and every cell of hidden tests by
    :func:`hidden_tests_placeholder`, and add nbgrader metadata to exercise cells."""

    def preprocess(self, notebook, resources):
        self._cells = _test_cells(notebook, resources.get("where", "the notebook"))
        notebook.cells = [hidden_tests_placeholder(cell)
                          if index in self._cells and self._cells[index].hidden else cell
                          for index, cell in enumerate(notebook.cells)]
        return super().preprocess(notebook, resources)

    def preprocess_cell(self, cell, resources, index):
        if "solution" in _tags(cell):
            cell.source = strip_solution(cell.source) if cell.cell_type == "code" else MARKDOWN_STUB
            cell.metadata["tags"] = [t for t in _tags(cell) if t != "hide-cell"]
        if TESTS_TAG in _tags(cell):  # public tests stay, and show in the student's notebook
            cell.metadata["tags"] = [t for t in _tags(cell) if t not in ("hide-cell", "remove-cell")]
        _nbgrader(cell, index, _points(self._cells.get(index)))
        return cell, resources


def student_version(notebook, where: str = "the notebook"):
    """A copy of a chapter notebook with solutions replaced by stubs, the cells of hidden tests
    replaced by a line that counts them, and outputs cleared. A malformed test cell raises
    ValueError naming ``where``."""
    student = copy.deepcopy(notebook)
    student, _ = SolutionStubs().preprocess(student, {"where": where})
    student, _ = ClearOutputPreprocessor().preprocess(student, {})
    return student


def instructor_version(notebook, where: str = "the notebook"):
    """A copy of a chapter notebook, outputs and hidden tests kept, with nbgrader metadata on
    exercise cells."""
    instructor = copy.deepcopy(notebook)
    cells = _test_cells(instructor, where)
    for index, cell in enumerate(instructor.cells):
        _nbgrader(cell, index, _points(cells.get(index)))
    return instructor


def release(source: Path, out: Path) -> list[Path]:
    """Write ``out/student/*.ipynb`` and ``out/instructor/*.ipynb`` for every notebook in
    ``source``; returns the files written. Every notebook's test cells are checked before
    anything is written."""
    notebooks = sorted(Path(source).glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"no notebooks in {source}")
    read = {path: nbformat.read(path, as_version=4) for path in notebooks}
    for path, notebook in read.items():
        exercise_tests(notebook, str(path))
    written = []
    for version, make in (("student", student_version), ("instructor", instructor_version)):
        folder = Path(out) / version
        folder.mkdir(parents=True, exist_ok=True)
        for path, notebook in read.items():
            target = folder / path.name
            nbformat.write(make(notebook, str(path)), target)
            written.append(target)
    return written


def _grading_cell(exercise: str, sources: list[str], verdict_path: Path,
                  nonce: str) -> nbformat.NotebookNode:
    # Runs in the student's kernel after their notebook, and reaches nothing through the
    # notebook's names: a copy of lossedu.grading.check loaded afresh from its file runs the exercise's
    # tests (their code from the source notebook, hidden ones included) and writes the verdict,
    # with this cell's nonce, to a file. It prints nothing, so a printed line cannot pass for a
    # verdict; the cell is kept out of the kernel's input history, so the notebook's own code
    # cannot read the nonce there.
    cell = nbformat.v4.new_code_cell(
        "import importlib.util as _lossedu_util, sys as _lossedu_sys\n"
        f"_lossedu_spec = _lossedu_util.spec_from_file_location('lossedu._grading_check', "
        f"{str(Path(check_module.__file__).resolve())!r})\n"
        "_lossedu_check = _lossedu_util.module_from_spec(_lossedu_spec)\n"
        "_lossedu_sys.modules[_lossedu_spec.name] = _lossedu_check\n"
        "_lossedu_spec.loader.exec_module(_lossedu_check)\n"
        f"_lossedu_check.write_verdict({exercise!r}, {str(verdict_path)!r}, {nonce!r}, "
        f"{sources!r})")
    cell.metadata["lossedu"] = {"grading": True}
    return cell


def _first_error(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return error_line(output.get("ename"), output.get("evalue") or "")
    return None


TAMPERING = "tampering: the verdict file is not the grader's (the notebook's code wrote it)"


def _read_verdict(text: str | None, nonce: str, tests: ExerciseTests) -> dict[str, dict] | str:
    """A verdict file's results (test name -> result) if it is the grader's (it carries the
    run's nonce and a result for each test), else why there is none."""
    if text is None:
        return "no verdict"
    lines = text.splitlines()
    if len(lines) != 2 or lines[0] != nonce:
        return TAMPERING
    try:
        results = {result["name"]: result for result in json.loads(lines[1])}
    except (ValueError, TypeError, KeyError):
        return TAMPERING
    if set(results) != {test.name for test in tests.tests}:
        return TAMPERING
    return results


# Errors that only the sandbox gives: a notebook that meets one tried to reach outside it.
CONTAINED = {
    "Read-only file system": "tried to write outside its scratch folder",
    "Permission denied: '/proc/": "tried to reach another process",
    "Connection refused": "tried to open a network connection",
    "Network is unreachable": "tried to open a network connection",
    "name resolution": "tried to open a network connection",
}


def contained_attempts(notebook, hidden=()) -> list[str]:
    """What a notebook's error outputs show it tried and the sandbox stopped (sorted, once
    each): the errors in ``CONTAINED``, and any error naming a path in a ``hidden`` folder."""
    errors = [f"{output.get('ename')}: {output.get('evalue')}" for cell in notebook.cells
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    signs = {**CONTAINED, **{str(Path(folder).resolve()): "tried to reach the grading's files "
                             "(other submissions, the source notebooks, the gradebook)"
                             for folder in hidden}}
    return sorted({attempt for error in errors for sign, attempt in signs.items() if sign in error})


def _read_and_hash(path: Path) -> tuple[bytes | OSError, str]:
    """A submitted file's bytes and their sha256, or the error that kept it from being read
    and "-": what is graded is exactly what is hashed."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return error, "-"
    return data, hashlib.sha256(data).hexdigest()


def _timed_out(reason: str, limits: Limits) -> str:
    if "KeyboardInterrupt" in reason or "CellTimeoutError" in reason:
        return f"timed out after {limits.cell_seconds} s"
    return reason


def grade_notebook(path: Path, original, *, student: str, limits: Limits = Limits(),
                   sandbox: bool = True, hidden=(), kernel_name: str = "python3",
                   submitted: tuple[bytes | OSError, str] | None = None,
                   exercises: set[str] | None = None) -> list[Row]:
    """Grade one submitted notebook against its source ``original`` (every exercise with tests,
    or those in ``exercises``), executed by :func:`lossedu.grading.sandbox.execute_isolated` (in a
    sandbox unless ``sandbox`` is False): one row per test. ``submitted`` is the file's bytes
    and sha256 if the caller has read them already."""
    graded = {exercise: tests for exercise, tests in exercise_tests(original).items()
              if exercises is None or exercise in exercises}
    data, digest = submitted or _read_and_hash(path)

    def rows(results: dict[str, dict[str, tuple[float, str]] | str]) -> list[Row]:
        # exercise -> test -> (points, feedback), or one reason for every test of the exercise
        made = []
        for exercise, found in results.items():
            for test in graded[exercise].tests:
                points, feedback = (0.0, found) if isinstance(found, str) else found[test.name]
                made.append(Row(student, path.name, exercise, test.name, test.hidden, points,
                                test.points, feedback, digest))
        return made

    def everything_zero(reason: str) -> list[Row]:
        return rows({exercise: reason for exercise in graded})

    if isinstance(data, OSError):
        return everything_zero(f"the file could not be read ({type(data).__name__})")
    try:
        submission = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(submission)
    except Exception as error:  # empty files, invalid JSON, and notebooks of the wrong shape
        line = error_line(type(error).__name__, first_line(error, "empty file")[:120])
        return everything_zero(f"not a valid notebook ({line})")

    check_cells = {exercise_of(c): c for c in submission.cells if "check" in _tags(c)}
    source_checks = {exercise_of(c): c.source for c in original.cells if "check" in _tags(c)}
    results: dict[str, dict | str] = {}
    for exercise in graded:
        if exercise not in source_checks:
            continue
        if exercise not in check_cells:
            results[exercise] = "the check cell of this exercise was deleted"
        elif check_cells[exercise].source.strip() != source_checks[exercise].strip():
            results[exercise] = "the check cell of this exercise was edited"
    to_check = {exercise: tests for exercise, tests in graded.items() if exercise not in results}
    if not to_check:
        return rows(results)
    # First only the code the tests' names need, statement by statement (lossedu.grading.cell_slice).
    # A run that raised anything but NotImplementedError, gave no verdict or found a name
    # missing may have missed something: then the whole notebook runs, and its verdicts count.
    names = set().union(*(tests.names for tests in to_check.values()))
    code = [cell for cell in submission.cells if cell.cell_type == "code"]
    needed = []
    for index, source in needed_code([cell.source for cell in code], names):
        cell = copy.deepcopy(code[index])
        cell.source = source
        needed.append(cell)
    run = functools.partial(_run_checks, to_check, limits=limits, sandbox=sandbox, hidden=hidden,
                            kernel_name=kernel_name)
    verdicts, sure = run(needed)
    if not sure:
        verdicts, _ = run(submission.cells)
    return rows({**results, **verdicts})


# What a test's result says when the notebook may have skipped a cell it needs.
_UNSURE = ("student error", "not defined")


def _run_checks(exercises: dict[str, ExerciseTests], cells, *, limits: Limits, sandbox: bool,
                hidden, kernel_name: str) -> tuple[dict[str, dict | str], bool]:
    """Run ``cells`` and then one grading cell per exercise: exercise -> test -> (points,
    feedback), or one reason for all its tests; and whether every cell ran without an error
    (NotImplementedError aside) and every test's result is not about an error."""
    notebook = nbformat.v4.new_notebook(cells=copy.deepcopy(list(cells)))
    notebook.metadata["kernelspec"] = {"name": kernel_name, "display_name": kernel_name,
                                       "language": "python"}
    with tempfile.TemporaryDirectory(prefix="lossedu-grading-") as scratch:
        nonces = {exercise: secrets.token_hex(16) for exercise in exercises}
        notebook.cells.extend(
            _grading_cell(exercise, [cell.source for cell in tests.cells],
                          Path(scratch, RESULTS, exercise), nonces[exercise])
            for exercise, tests in exercises.items())
        run = execute_isolated(notebook, limits, scratch=Path(scratch), sandbox=sandbox,
                               hidden=hidden, kernel_name=kernel_name)
    if run.notebook is None or run.failure and "limit" in run.failure:
        return {exercise: _timed_out(run.failure, limits) for exercise in exercises}, False
    errors = [_first_error(cell) for cell in run.notebook.cells]
    sure = not run.failure and all(error is None or error.startswith("NotImplementedError")
                                   for error in errors)
    solution_cells = {exercise_of(c): c for c in run.notebook.cells
                      if "solution" in _tags(c) and c.cell_type == "code"}
    grading_cells = dict(zip(exercises, run.notebook.cells[-len(exercises):]))
    attempts = contained_attempts(run.notebook, hidden)
    note = f" (stopped by the sandbox: the notebook {'; '.join(attempts)})" if attempts else ""
    results: dict[str, dict | str] = {}
    for exercise, tests in exercises.items():
        verdict = _read_verdict(run.files.get(exercise), nonces[exercise], tests)
        if isinstance(verdict, str):
            reason = _first_error(grading_cells[exercise]) or run.failure or verdict
            results[exercise] = f"the check could not run: {_timed_out(reason, limits)}{note}"
            sure = False
            continue
        sure = sure and not any(result["kind"] in _UNSURE for result in verdict.values())
        defining_error = _first_error(solution_cells[exercise]) if exercise in solution_cells else None
        after = (f" (the cell that defines it failed: {_timed_out(defining_error, limits)})"
                 if defining_error else "")
        results[exercise] = {
            test.name: (test.points, "passed" + note) if verdict[test.name]["passed"]
            else (0.0, verdict[test.name]["message"] + after + note) for test in tests.tests}
    return results, sure


UNSANDBOXED = ("grading WITHOUT a sandbox (--no-sandbox): every notebook runs with your rights and "
               "can read, change or delete your files (other submissions and the gradebook "
               "included) and use the network; only the time, memory and output limits hold")


class UnsandboxedGrading(UserWarning):
    """Grading was asked to run without a sandbox."""


def grade(submissions: Path, source: Path, out: Path, *, limits: Limits = Limits(),
          sandbox: bool = True, kernel_name: str = "python3", workers: int = 2,
          roster: Path | None = None, students=None, exercises=None) -> list[Row]:
    """Grade ``submissions/<student>/<notebook>.ipynb`` against the notebooks in ``source``;
    write ``out/gradebook.csv`` (one row per student and test), ``out/feedback/<student>.txt``,
    the item statistics (``out/statistics.csv`` and ``.html``), with a ``roster`` the Canvas
    and Moodle files (:mod:`lossedu.grading.grade_exports`), and ``out/report.txt``; return the rows.

    Given ``students`` or ``exercises`` (ids), it regrades only those, starting from the
    gradebook already in ``out`` (and, without a ``roster``, the copy of the roster that the
    grading kept there), and the report says which rows changed.

    Every submission is read (and hashed) once, before any notebook runs, and graded from those
    bytes. Each runs in a sandbox of its own (:mod:`lossedu.grading.sandbox`) within ``limits``;
    ``workers`` run at the same time. Without ``sandbox`` it warns (:class:`UnsandboxedGrading`)
    and runs them with the caller's rights. The reports are written after all runs; a
    submission or source notebook that changed on disk meanwhile is reported.
    """
    submissions, source, out = Path(submissions), Path(source), Path(out)
    folders = sorted(p for p in submissions.iterdir() if p.is_dir()) if submissions.is_dir() else []
    if not folders:
        raise ValueError(f"no student folders in {submissions} (expected SUBMISSIONS/<student>/<notebook>.ipynb)")
    originals = {p.name: nbformat.read(p, as_version=4) for p in source.glob("*.ipynb")}
    if not originals:
        raise ValueError(f"no assignment notebooks in {source.resolve()}; point --source at the "
                         f"folder that holds the chapter notebooks (the course's notebooks/)")
    tests = {name: exercise_tests(notebook, str(source / name)) for name, notebook in originals.items()}
    workers = check_workers(workers)
    students, exercises = _selection(students, "student"), _selection(exercises, "exercise")
    earlier = _earlier_rows(out, students, exercises, folders, tests)
    if roster is None and earlier is not None and (out / ROSTER_COPY).is_file():
        roster = out / ROSTER_COPY  # a regrade exports through the roster of the grading
    listed = roster if roster is None else read_roster(roster)
    if sandbox and (problem := sandbox_problem()):
        raise SandboxUnavailable(problem)
    if not sandbox:
        warnings.warn(UNSANDBOXED, UnsandboxedGrading, stacklevel=2)
    jobs, unknown, read = [], [], {}
    for folder in folders:
        if students is not None and folder.name not in students:
            continue
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            read[path] = _read_and_hash(path)
            if path.name in originals:
                if exercises is None or exercises & set(tests[path.name]):
                    jobs.append((folder.name, path))
            elif exercises is None:
                unknown.append(Row(folder.name, path.name, "-", "-", False, 0.0, 0.0,
                                   "not one of the assignment's notebooks; not graded",
                                   read[path][1]))
    if not jobs and earlier is None:
        raise ValueError(f"no submitted file in {submissions.resolve()} is named like an assignment "
                         f"notebook of {source.resolve()} ({', '.join(sorted(originals))}); check "
                         f"--source and the SUBMISSIONS/<student>/<notebook>.ipynb layout")
    sources = {path: _read_and_hash(path)[1] for path in source.glob("*.ipynb")}
    hidden = (submissions, source, out)

    def run(job):
        student, path = job
        return grade_notebook(path, originals[path.name], student=student, limits=limits,
                              sandbox=sandbox, hidden=hidden, kernel_name=kernel_name,
                              submitted=read[path], exercises=exercises)

    # Each notebook runs in processes of its own, so notebooks can be graded side by side.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        graded = list(pool.map(run, jobs))
    changed = {path for path, (_, digest) in read.items() if _read_and_hash(path)[1] != digest}
    changed_sources = sorted(p.name for p, digest in sources.items() if _read_and_hash(p)[1] != digest)
    new_rows = [_flag_changed(row, submissions, changed) for rows in graded for row in rows] + unknown
    all_rows, report = new_rows, []
    if earlier is not None:
        kept, replaced = earlier
        all_rows = kept + new_rows
        report = regrade_report(replaced, new_rows)
    all_rows.sort(key=lambda row: (row.student, row.notebook, row.exercise))  # tests in order
    write_reports(all_rows, out, listed, report)
    if roster is not None and Path(roster).resolve() != (out / ROSTER_COPY).resolve():
        shutil.copyfile(roster, out / ROSTER_COPY)
    if changed or changed_sources:
        names = sorted(f"{p.parent.name}/{p.name}" for p in changed) + changed_sources
        warnings.warn(f"files changed on disk during grading: {', '.join(names)}; every grade is "
                      f"for the file as it was read before the runs (its sha256 is in the "
                      f"gradebook)", TamperedDuringGrading, stacklevel=2)
    return all_rows


def _selection(values, what: str) -> set[str] | None:
    """A regrade's students or exercises as a set of ids, None for all; refused if empty or not
    made of strings."""
    if values is None:
        return None
    chosen = {values} if isinstance(values, str) else set(values)
    if not chosen or not all(isinstance(v, str) and v for v in chosen):
        raise ValueError(f"name at least one {what} to regrade, as ids such as 'alice' or '2.1'; "
                         f"got {values!r}")
    return chosen


def _earlier_rows(out: Path, students, exercises, folders, tests) -> tuple[list[Row], list[Row]] | None:
    """For a regrade, the earlier gradebook's rows split into those kept and those to be
    replaced; None for a full grading. An id that names nothing is refused."""
    if students is None and exercises is None:
        return None
    rows = read_gradebook(out / "gradebook.csv")
    known_students = {folder.name for folder in folders}
    known_exercises = {exercise for notebook in tests.values() for exercise in notebook}
    for chosen, known, what in ((students, known_students, "student folder"),
                                (exercises, known_exercises, "exercise with tests")):
        if chosen is not None and chosen - known:
            raise ValueError(f"no {what} {', '.join(sorted(chosen - known))}; known: "
                             f"{', '.join(sorted(known))}")

    def replaced(row: Row) -> bool:  # a stray file's row ("-") goes only with all exercises
        return ((students is None or row.student in students)
                and (exercises is None or row.exercise in exercises))
    return [r for r in rows if not replaced(r)], [r for r in rows if replaced(r)]


def regrade_report(before: list[Row], after: list[Row]) -> list[str]:
    """What a regrade changed: one line per test whose points or feedback differ, appeared or
    went away; a line saying nothing changed if nothing did."""
    def key(row: Row):
        return row.student, row.notebook, row.exercise, row.test
    old, new = {key(r): r for r in before}, {key(r): r for r in after}
    lines = []
    for k in sorted(old.keys() | new.keys()):
        was, now = old.get(k), new.get(k)
        where = f"{k[0]}, {k[1]}, exercise {k[2]}, {k[3]}"
        if was is None:
            lines.append(f"{where}: new, {number(now.points)}/{number(now.max_points)}")
        elif now is None:
            lines.append(f"{where}: no longer graded (was {number(was.points)})")
        elif (was.points, was.feedback) != (now.points, now.feedback):
            lines.append(f"{where}: {number(was.points)} -> {number(now.points)} of "
                         f"{number(now.max_points)} ({now.feedback})")
    return [f"regraded {len(new)} rows: {len(lines) or 'none'} changed", *lines]


class TamperedDuringGrading(UserWarning):
    """A submission or a source notebook changed on disk while the grading ran."""


def _flag_changed(row: Row, submissions: Path, changed: set[Path]) -> Row:
    if submissions / row.student / row.notebook not in changed:
        return row
    return dataclasses.replace(row, feedback=row.feedback + " (this file changed on disk during "
                               "grading; the grade is for the file as first read)")


def check_workers(workers) -> int:
    return check_count(workers, "workers")


def write_reports(rows: list[Row], out: Path, roster=None, report=()) -> None:
    """The gradebook CSV, one plain-text feedback file per student, the item statistics, the
    Canvas and Moodle files if there is a roster, and ``report.txt`` (the regrade's changes and
    the roster's findings)."""
    out.mkdir(parents=True, exist_ok=True)
    write_gradebook(rows, out / "gradebook.csv")
    write_feedback(rows, out / "feedback")
    lines = [*report, *export(rows, out, roster)]
    (out / "report.txt").write_text("".join(f"{line}\n" for line in lines) or "nothing to report\n",
                                    encoding="utf-8")


PROG = "python -m lossedu.assign"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog=PROG,
                                     description="Student and instructor versions, and grading.")
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser("release", help="write student and instructor versions")
    rel.add_argument("--source", default="notebooks")
    rel.add_argument("--out", default="_build/assignments")
    gra = commands.add_parser("grade", help="grade SUBMISSIONS/<student>/<notebook>.ipynb, each "
                                            "in a sandbox of its own (bubblewrap)")
    gra.add_argument("submissions")
    gra.add_argument("--source", default="notebooks")
    gra.add_argument("--out", default="_build/grades")
    defaults = Limits()
    gra.add_argument("--timeout", type=int, default=defaults.cell_seconds,
                     help="seconds allowed per cell")
    gra.add_argument("--notebook-timeout", type=int, default=defaults.notebook_seconds,
                     help="seconds allowed per notebook, all cells and the checks together")
    gra.add_argument("--memory-mib", type=int, default=defaults.memory_bytes // 2**20,
                     help="memory allowed per notebook (all its processes), in MiB")
    gra.add_argument("--output-mib", type=int, default=defaults.output_bytes // 2**20,
                     help="cell outputs allowed per notebook, in MiB")
    gra.add_argument("--workers", type=int, default=2, help="notebooks graded at the same time")
    gra.add_argument("--roster", help="a CSV of the class (columns student, name, and canvas_id, "
                                      "sis_user_id, sis_login_id, section, email as needed): "
                                      "writes canvas.csv and moodle.csv")
    gra.add_argument("--student", action="append", dest="students", metavar="STUDENT",
                     help="regrade only this student (repeat for several), from the gradebook "
                          "already in --out")
    gra.add_argument("--exercise", action="append", dest="exercises", metavar="N.M",
                     help="regrade only this exercise (repeat for several), from the gradebook "
                          "already in --out")
    gra.add_argument("--no-sandbox", action="store_true",
                     help="run the notebooks with your rights, where bubblewrap is not available "
                          "(they can then read, change and delete your files)")
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _run_command(args)
        for warning in caught:  # grading without a sandbox was said before the runs
            if not issubclass(warning.category, UnsandboxedGrading):
                print(f"{parser.prog} {args.command}: warning: {warning.message}", file=sys.stderr)
    except SandboxUnavailable as error:
        parser.exit(2, f"{parser.prog} {args.command}: error: cannot grade in a sandbox: {error}. "
                       f"Install bubblewrap, or grade without isolation with --no-sandbox (each "
                       f"notebook then runs with your rights).\n")
    except ValueError as error:  # wrong folders or limits: one clear line and a non-zero exit
        parser.exit(2, f"{parser.prog} {args.command}: error: {error}\n")


def _run_command(args) -> None:
    if args.command == "release":
        written = release(Path(args.source), Path(args.out))
        print(f"wrote {len(written)} notebooks under {args.out}/student and {args.out}/instructor")
    else:
        limits = Limits(cell_seconds=args.timeout, notebook_seconds=args.notebook_timeout,
                        memory_bytes=args.memory_mib * 2**20, output_bytes=args.output_mib * 2**20)
        if args.no_sandbox:  # said before the runs, not only after them
            print(f"{PROG} grade: warning: {UNSANDBOXED}", file=sys.stderr)
        rows = grade(Path(args.submissions), Path(args.source), Path(args.out), limits=limits,
                     sandbox=not args.no_sandbox, workers=args.workers,
                     roster=args.roster and Path(args.roster), students=args.students,
                     exercises=args.exercises)
        exports = ", canvas.csv, moodle.csv" if args.roster else ""
        print(f"{'regraded' if args.students or args.exercises else 'graded'} "
              f"{len({r.student for r in rows})} students: {args.out}/ holds gradebook.csv, "
              f"feedback/, statistics.csv, statistics.html{exports} and report.txt")
        print((Path(args.out) / "report.txt").read_text(encoding="utf-8"), end="")


if __name__ == "__main__":
    main()
