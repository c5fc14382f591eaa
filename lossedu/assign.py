"""Assignments from the chapter notebooks: student and instructor versions, and a grader.

The chapter notebooks are the one annotated source. A cell tagged ``solution`` holds an answer:
in a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (or the whole
cell if it has no markers); in a markdown cell, the whole cell. A cell tagged ``check`` calls the
exercise's self-check (:mod:`lossedu.check`). Both carry ``metadata["lossedu"]["exercise"]``.
These are the conventions of nbgrader, and the versions written here carry nbgrader's cell
metadata too.

``python -m lossedu.assign release`` writes ``student/`` (solutions replaced by stubs, outputs
cleared) and ``instructor/`` (as the source, with the metadata) versions;
``python -m lossedu.assign grade SUBMISSIONS`` grades ``SUBMISSIONS/<student>/<chapter>.ipynb``:
each notebook runs in a fresh kernel (a separate process) with a time limit per cell, then the
grader's own copy of each check runs in that kernel, and a gradebook CSV and one feedback file
per student are written. A notebook that is broken in any way gets rows with 0 points and a line
saying what happened, and never stops the other students' grading.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .check import EXERCISES
from .extras import require

nbformat = require("assign", "nbformat", __name__)
require("assign", "nbclient", __name__)
_preprocessors = require("assign", "nbconvert.preprocessors", __name__)
ClearOutputPreprocessor, Preprocessor = _preprocessors.ClearOutputPreprocessor, _preprocessors.Preprocessor

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
MARKDOWN_STUB = "YOUR ANSWER HERE"
RESULT_MARKER = "LOSSEDU-GRADE "
POINTS_PER_EXERCISE = 1


def exercise_of(cell) -> str | None:
    """The exercise id of a cell (``"2.1"``), or None."""
    return cell.metadata.get("lossedu", {}).get("exercise")


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def _nbgrader(cell, *, solution: bool, grade: bool, exercise: str, part: str) -> None:
    # nbgrader's schema 3 cell metadata, so the versions can be imported into nbgrader
    cell.metadata["nbgrader"] = {
        "schema_version": 3, "solution": solution, "grade": grade, "task": False,
        "locked": not solution, "grade_id": f"exercise-{exercise.replace('.', '-')}-{part}",
        **({"points": POINTS_PER_EXERCISE} if grade else {}),
    }


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
    """Replace every solution by a stub, and add nbgrader metadata to exercise cells."""

    def preprocess_cell(self, cell, resources, index):
        exercise = exercise_of(cell)
        if "solution" in _tags(cell):
            cell.source = strip_solution(cell.source) if cell.cell_type == "code" else MARKDOWN_STUB
            cell.metadata["tags"] = [t for t in _tags(cell) if t != "hide-cell"]
            _nbgrader(cell, solution=True, grade=False, exercise=exercise or f"cell-{index}",
                      part=f"solution-{index}")
        elif "check" in _tags(cell):
            _nbgrader(cell, solution=False, grade=True, exercise=exercise, part="check")
        return cell, resources


def student_version(notebook):
    """A copy of a chapter notebook with solutions replaced by stubs and outputs cleared."""
    student = copy.deepcopy(notebook)
    student, _ = SolutionStubs().preprocess(student, {})
    student, _ = ClearOutputPreprocessor().preprocess(student, {})
    return student


def instructor_version(notebook):
    """A copy of a chapter notebook, outputs kept, with nbgrader metadata on exercise cells."""
    instructor = copy.deepcopy(notebook)
    for index, cell in enumerate(instructor.cells):
        if "solution" in _tags(cell):
            _nbgrader(cell, solution=True, grade=False, exercise=exercise_of(cell) or f"cell-{index}",
                      part=f"solution-{index}")
        elif "check" in _tags(cell):
            _nbgrader(cell, solution=False, grade=True, exercise=exercise_of(cell), part="check")
    return instructor


def release(source: Path, out: Path) -> list[Path]:
    """Write ``out/student/*.ipynb`` and ``out/instructor/*.ipynb`` for every notebook in
    ``source``; returns the files written."""
    notebooks = sorted(Path(source).glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"no notebooks in {source}")
    written = []
    for version, make in (("student", student_version), ("instructor", instructor_version)):
        folder = Path(out) / version
        folder.mkdir(parents=True, exist_ok=True)
        for path in notebooks:
            target = folder / path.name
            nbformat.write(make(nbformat.read(path, as_version=4)), target)
            written.append(target)
    return written


@dataclass(frozen=True)
class Row:
    """One line of the gradebook."""

    student: str
    notebook: str
    exercise: str
    points: int
    max_points: int
    feedback: str
    sha256: str  # of the file as it was graded: the bytes read are the bytes hashed


def checked_exercises(notebook) -> dict[str, str]:
    """The exercises of a source notebook that have a check cell: exercise -> check source."""
    return {exercise_of(cell): cell.source for cell in notebook.cells
            if "check" in _tags(cell) and exercise_of(cell) in EXERCISES}


def _grading_cell(exercise: str) -> nbformat.NotebookNode:
    # Runs in the student's kernel after their notebook. The module is reloaded so that nothing
    # the notebook did to lossedu.check can change the verdict.
    return nbformat.v4.new_code_cell(
        "import importlib as _importlib, json as _json, lossedu.check as _check\n"
        "_check = _importlib.reload(_check)\n"
        f"_result = _check.grade({exercise!r}, globals())\n"
        f"print({RESULT_MARKER!r} + _json.dumps({{'passed': _result.passed, "
        f"'feedback': _result.feedback}}))")


def _first_error(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue', '').splitlines()[0] if output.get('evalue') else ''}".rstrip(": ")
    return None


def _read_result(cell) -> tuple[bool, str] | None:
    for output in cell.get("outputs", []):
        text = output.get("text", "") if output.get("output_type") == "stream" else ""
        for line in text.splitlines():
            if line.startswith(RESULT_MARKER):
                result = json.loads(line[len(RESULT_MARKER):])
                return bool(result["passed"]), str(result["feedback"])
    return None


def _execute(notebook, timeout: int, kernel_name: str) -> str | None:
    """Run the notebook in a fresh kernel; returns a reason if the run as a whole failed."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    with tempfile.TemporaryDirectory() as workdir:
        # The kernel talks to the grader over local sockets in its scratch folder, not over TCP
        # (the client creates, and so shuts down, its kernel).
        local_sockets = Config({"KernelManager": {"transport": "ipc",
                                                  "ip": os.path.join(workdir, "kernel")}})
        client = NotebookClient(notebook, config=local_sockets, timeout=timeout,
                                kernel_name=kernel_name, allow_errors=True,
                                interrupt_on_timeout=True, resources={"metadata": {"path": workdir}})
        try:
            client.execute()
        except Exception as error:  # a dead or unresponsive kernel must not stop the grading
            return f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}"
    return None


def _read_and_hash(path: Path) -> tuple[bytes | OSError, str]:
    """A submitted file's bytes and their sha256, or the error that kept it from being read
    and "-": what is graded is exactly what is hashed."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return error, "-"
    return data, hashlib.sha256(data).hexdigest()


def grade_notebook(path: Path, original, *, student: str, timeout: int = 120,
                   kernel_name: str = "python3") -> list[Row]:
    """Grade one submitted notebook against its source ``original``."""
    exercises = checked_exercises(original)
    data, digest = _read_and_hash(path)

    def rows(points_and_feedback: dict[str, tuple[int, str]]) -> list[Row]:
        return [Row(student, path.name, exercise, points, POINTS_PER_EXERCISE, feedback, digest)
                for exercise, (points, feedback) in points_and_feedback.items()]

    def everything_zero(reason: str) -> list[Row]:
        return rows({exercise: (0, reason) for exercise in exercises})

    if isinstance(data, OSError):
        return everything_zero(f"the file could not be read ({type(data).__name__})")
    try:
        submission = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(submission)
    except Exception as error:  # empty files, invalid JSON, and notebooks of the wrong shape
        first_line = (str(error).strip().splitlines() or ["empty file"])[0]
        return everything_zero(f"not a valid notebook ({type(error).__name__}: {first_line[:120]})")

    check_cells = {exercise_of(c): c for c in submission.cells if "check" in _tags(c)}
    solution_cells = {exercise_of(c): c for c in submission.cells
                      if "solution" in _tags(c) and c.cell_type == "code"}
    grading = {exercise: _grading_cell(exercise) for exercise in exercises}
    submission.cells.extend(grading.values())
    failure = _execute(submission, timeout, kernel_name)

    results = {}
    for exercise, check_source in exercises.items():
        if exercise not in check_cells:
            results[exercise] = (0, "the check cell of this exercise was deleted")
            continue
        if check_cells[exercise].source.strip() != check_source.strip():
            results[exercise] = (0, "the check cell of this exercise was edited")
            continue
        verdict = _read_result(grading[exercise])
        if verdict is None:
            reason = _first_error(grading[exercise]) or failure or "no result"
            if "KeyboardInterrupt" in reason or "CellTimeoutError" in reason:
                reason = f"timed out after {timeout} s"
            results[exercise] = (0, f"the check could not run: {reason}")
            continue
        passed, feedback = verdict
        defining_error = _first_error(solution_cells[exercise]) if exercise in solution_cells else None
        if not passed and defining_error:
            if "KeyboardInterrupt" in defining_error:
                defining_error = f"timed out after {timeout} s"
            feedback += f" (the cell that defines it failed: {defining_error})"
        results[exercise] = (POINTS_PER_EXERCISE if passed else 0, feedback)
    return rows(results)


def grade(submissions: Path, source: Path, out: Path, *, timeout: int = 120,
          kernel_name: str = "python3", workers: int = 2) -> list[Row]:
    """Grade ``submissions/<student>/<notebook>.ipynb`` against the notebooks in ``source``;
    write ``out/gradebook.csv`` and ``out/feedback/<student>.txt``; return the rows.
    ``workers`` notebooks are graded at the same time, each in its own kernel."""
    submissions, source, out = Path(submissions), Path(source), Path(out)
    students = sorted(p for p in submissions.iterdir() if p.is_dir()) if submissions.is_dir() else []
    if not students:
        raise ValueError(f"no student folders in {submissions} (expected SUBMISSIONS/<student>/<notebook>.ipynb)")
    originals = {p.name: nbformat.read(p, as_version=4) for p in source.glob("*.ipynb")}
    if not originals:
        raise ValueError(f"no assignment notebooks in {source.resolve()}; point --source at the "
                         f"folder that holds the chapter notebooks (the course's notebooks/)")
    jobs, unknown = [], []
    for folder in students:
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if path.name in originals:
                jobs.append((folder.name, path))
            else:
                unknown.append(Row(folder.name, path.name, "-", 0, 0,
                                   "not one of the assignment's notebooks; not graded",
                                   _read_and_hash(path)[1]))
    if not jobs:
        raise ValueError(f"no submitted file in {submissions.resolve()} is named like an assignment "
                         f"notebook of {source.resolve()} ({', '.join(sorted(originals))}); check "
                         f"--source and the SUBMISSIONS/<student>/<notebook>.ipynb layout")

    def run(job):
        student, path = job
        return grade_notebook(path, originals[path.name], student=student, timeout=timeout,
                              kernel_name=kernel_name)

    # Each notebook runs in its own kernel process, so notebooks can be graded side by side.
    with ThreadPoolExecutor(max_workers=check_workers(workers)) as pool:
        graded = list(pool.map(run, jobs))
    all_rows = sorted([row for rows in graded for row in rows] + unknown,
                      key=lambda row: (row.student, row.notebook, row.exercise))
    write_reports(all_rows, out)
    return all_rows


def check_workers(workers) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    return workers


def write_reports(rows: list[Row], out: Path) -> None:
    """The gradebook CSV and one plain-text feedback file per student."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "gradebook.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "exercise", "points", "max_points", "feedback",
                         "sha256"])
        for row in rows:
            writer.writerow([row.student, row.notebook, row.exercise, row.points, row.max_points,
                             row.feedback, row.sha256])
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for student in sorted({row.student for row in rows}):
        mine = [row for row in rows if row.student == student]
        lines = [f"Feedback for {student}: {sum(r.points for r in mine)} of "
                 f"{sum(r.max_points for r in mine)} points", ""]
        lines += [f"{r.notebook}, exercise {r.exercise}: {r.points}/{r.max_points}. "
                  f"{r.feedback[:1].upper()}{r.feedback[1:]}" for r in mine]
        (feedback / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', student)}.txt").write_text("\n".join(lines) + "\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lossedu.assign",
                                     description="Student and instructor versions, and grading.")
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser("release", help="write student and instructor versions")
    rel.add_argument("--source", default="notebooks")
    rel.add_argument("--out", default="_build/assignments")
    gra = commands.add_parser("grade", help="grade SUBMISSIONS/<student>/<notebook>.ipynb")
    gra.add_argument("submissions")
    gra.add_argument("--source", default="notebooks")
    gra.add_argument("--out", default="_build/grades")
    gra.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell")
    gra.add_argument("--workers", type=int, default=2, help="notebooks graded at the same time")
    args = parser.parse_args(argv)
    try:
        _run_command(args)
    except ValueError as error:  # wrong folders: one clear line and a non-zero exit
        parser.exit(2, f"{parser.prog} {args.command}: error: {error}\n")


def _run_command(args) -> None:
    if args.command == "release":
        written = release(Path(args.source), Path(args.out))
        print(f"wrote {len(written)} notebooks under {args.out}/student and {args.out}/instructor")
    else:
        rows = grade(Path(args.submissions), Path(args.source), Path(args.out), timeout=args.timeout,
                     workers=args.workers)
        print(f"graded {len({r.student for r in rows})} students: {args.out}/gradebook.csv, "
              f"{args.out}/feedback/")


if __name__ == "__main__":
    main()
