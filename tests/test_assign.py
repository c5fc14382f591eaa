"""Student and instructor versions, and the grader, including every kind of broken submission."""

import csv
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grading_class import ATTACKS, EXPECTED, FULL, HONEST, fixture_notebook, row_of
from lossedu.grading import assign
from lossedu.grading.exercise_cells import exercise_tests
from lossedu.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def solution_lines(notebook) -> set[str]:
    """Lines that belong only to solutions: in marked regions or whole solution cells, and
    nowhere else in the source notebook."""
    inside, elsewhere = set(), set()
    for cell in notebook.cells:
        lines = [line.strip() for line in cell.source.splitlines()]
        if "solution" not in cell.metadata.get("tags", []):
            elsewhere.update(lines)
        elif cell.cell_type == "code" and assign.BEGIN in cell.source:
            marked = False
            for line in lines:
                if line == assign.BEGIN:
                    marked = True
                elif line == assign.END:
                    marked = False
                elif marked:
                    inside.add(line)
                else:
                    elsewhere.add(line)
        else:
            inside.update(lines)
    return {line for line in inside - elsewhere if len(line) > 3}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    assign.release(ROOT / "notebooks", out)
    return out


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_no_solution_line_survives_in_the_student_version(released, chapter):
    source = nbformat.read(chapter, as_version=4)
    secrets = solution_lines(source)
    assert len(secrets) >= 5, "the chapter should have solutions to hide"
    student = nbformat.read(released / "student" / chapter.name, as_version=4)
    student_lines = {line.strip() for cell in student.cells for line in cell.source.splitlines()}
    student_lines |= {line.strip() for cell in student.cells for output in cell.get("outputs", [])
                      for line in json.dumps(output).split("\\n")}
    assert sorted(secrets & student_lines) == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_student_version_has_stubs_no_outputs_and_nbgrader_metadata(released, chapter):
    student = nbformat.read(released / "student" / chapter.name, as_version=4)
    source = nbformat.read(chapter, as_version=4)
    assert len(student.cells) == len(source.cells)  # every prompt and check cell kept
    hidden = {cell.index for tests in exercise_tests(source).values() for cell in tests.cells
              if cell.hidden}
    for index, (original, cell) in enumerate(zip(source.cells, student.cells)):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        if "solution" in tags:
            assert "YOUR CODE HERE" in cell.source or cell.source == assign.MARKDOWN_STUB
            assert cell.metadata["nbgrader"]["solution"] is True
        elif index in hidden:  # a line that counts the hidden tests, none of their code
            assert tags == [assign.HIDDEN_TESTS_TAG]
            assert cell.source.splitlines()[-1].startswith("check.hidden_tests(")
            assert cell.metadata["nbgrader"] == {**cell.metadata["nbgrader"], "grade": False,
                                                 "locked": True}
        elif "tests" in tags:  # public tests: shown, graded, worth their points
            assert cell.source == original.source and "hide-cell" not in tags
            assert cell.metadata["nbgrader"]["grade"] is (" points=" in cell.source)
        else:
            assert cell.source == original.source
    assert hidden, "every chapter has hidden tests"
    nbformat.validate(student)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_no_line_of_a_hidden_test_is_in_the_student_version(released, chapter):
    source = nbformat.read(chapter, as_version=4)
    hidden_lines = {line.strip() for tests in exercise_tests(source).values()
                    for cell in tests.cells if cell.hidden for line in cell.source.splitlines()
                    if len(line.strip()) > 3}
    public = {line.strip() for i, cell in enumerate(source.cells) for line in cell.source.splitlines()
              if i not in {c.index for t in exercise_tests(source).values() for c in t.cells if c.hidden}}
    student = (released / "student" / chapter.name).read_text()
    leaked = [line for line in hidden_lines - public if json.dumps(line)[1:-1] in student]
    assert hidden_lines and leaked == []
    counted = {}  # and the self-check can count them: exercise -> [count, points]
    for cell in nbformat.reads(student, as_version=4).cells:
        for exercise, count, points in re.findall(
                r'check\.hidden_tests\("([^"]+)", count=(\d+), points=([\d.]+)\)', cell.source):
            counted.setdefault(exercise, [0, 0.0])
            counted[exercise][0] += int(count)
            counted[exercise][1] += float(points)
    assert counted == {exercise: [len([t for t in tests.tests if t.hidden]), tests.points(hidden=True)]
                       for exercise, tests in exercise_tests(source).items()}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_instructor_version_keeps_sources_and_outputs(released, chapter):
    instructor = nbformat.read(released / "instructor" / chapter.name, as_version=4)
    source = nbformat.read(chapter, as_version=4)
    assert [c.source for c in instructor.cells] == [c.source for c in source.cells]
    assert [c.get("outputs") for c in instructor.cells] == [c.get("outputs") for c in source.cells]


def test_strip_solution_keeps_the_prompt_and_needs_closed_markers():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\nprint(f(1))"
    assert assign.strip_solution(source) == ("def f(x):\n    # YOUR CODE HERE\n"
                                             "    raise NotImplementedError()\nprint(f(1))")
    assert assign.strip_solution("x = 42") == assign.CODE_STUB
    with pytest.raises(ValueError, match="without"):
        assign.strip_solution("### BEGIN SOLUTION\nx = 1")


# The grader on a small fixture notebook (fast kernels), one student per kind of submission,
# graded in one run with the attacks of tests/test_grading_sandbox.py (tests/grading_class.py).

@pytest.mark.parametrize("student", EXPECTED)
def test_every_kind_of_submission_gets_a_row_with_points_and_a_reason(graded_class, student):
    row = row_of(graded_class, student)
    points, words = EXPECTED[student]
    assert row.points == points
    assert words in row.feedback, row.feedback


def test_gradebook_and_feedback_files(graded_class):
    out, rows = graded_class["out"], graded_class["rows"]
    with open(out / "gradebook.csv") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == ["student", "notebook", "exercise", "test", "visibility", "points",
                              "max_points", "feedback", "sha256"]
    submissions = out.parent / "submissions"
    for row in table:  # the hash of the very file that was graded
        graded_file = submissions / row["student"] / row["notebook"]
        assert row["sha256"] == hashlib.sha256(graded_file.read_bytes()).hexdigest()
    # two tests per notebook, and the stray file
    assert len(table) == len(rows) == 2 * (len(EXPECTED) + len(ATTACKS) + len(HONEST)) + 1
    stray = [row for row in table if row["notebook"] == "notes.txt"]
    assert stray[0]["points"] == "0" and "not one of the assignment" in stray[0]["feedback"]
    good = (out / "feedback" / "good.txt").read_text()
    assert good.startswith(f"Feedback for good: {FULL} of {FULL} points")
    assert "Not implemented yet" in (out / "feedback" / "untouched.txt").read_text()
    # a public test is listed with its message; a hidden one only counted
    tampering = (out / "feedback" / "tampering.txt").read_text()
    assert "- test_mae_grad (0/1): wrong values (wrong shape)" in tampering
    assert "hidden tests: 0/1 passed (0 of 1 point)" in tampering
    assert "float32" not in tampering and "test_float32_ties" not in tampering


def test_grading_needs_student_folders(tmp_path):
    with pytest.raises(ValueError, match="no student folders"):
        assign.grade(tmp_path, ROOT / "notebooks", tmp_path / "out")
    with pytest.raises(ValueError, match="workers"):
        assign.check_workers(0)


def only_definition(notebook, exercise: str) -> int:
    """The index of the one cell that defines the function of ``exercise``: its solution."""
    (name,) = exercise_tests(notebook)[exercise].names
    defines = re.compile(rf"^(def|class) {name}\b|^{name} *=", flags=re.M)
    where = [i for i, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and defines.search(cell.source)]
    assert len(where) == 1 and "solution" in notebook.cells[where[0]].metadata["tags"], \
        f"{name} must be defined once, in the solution of exercise {exercise}"
    return where[0]


def test_the_grader_gives_an_instructor_version_full_marks(released, tmp_path):
    chapter = CHAPTERS[0]  # the grader's run of a whole chapter, end to end
    (tmp_path / "submissions" / "instructor").mkdir(parents=True)
    (tmp_path / "submissions" / "instructor" / chapter.name).write_bytes(
        (released / "instructor" / chapter.name).read_bytes())
    rows = assign.grade(tmp_path / "submissions", ROOT / "notebooks", tmp_path / "out",
                        limits=Limits(cell_seconds=300))
    tests = exercise_tests(nbformat.read(chapter, as_version=4))
    assert [(row.exercise, row.test) for row in rows] == [
        (exercise, test.name) for exercise in tests for test in tests[exercise].tests]
    assert all(row.points == row.max_points > 0 and row.feedback == "passed" for row in rows), rows


# The other instructor versions are not run again here: nbval re-executes every chapter, and
# its check cells must print what is stored, every public test passed; tests/test_check.py
# runs every test, hidden ones too, on the chapter's solution, defined once (so still the
# solution at the end of the notebook).
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_instructor_version_passes_the_checks_the_grader_runs(chapter):
    source = nbformat.read(chapter, as_version=4)
    for exercise, tests in exercise_tests(source).items():
        only_definition(source, exercise)
        check_cell = next(cell for cell in source.cells if "check" in cell.metadata.get("tags", [])
                          and cell.metadata["lossedu"]["exercise"] == exercise)
        assert check_cell.source == f'check.exercise("{exercise}")'
        shown = "".join(o.get("data", {}).get("text/plain", "") for o in check_cell.outputs)
        public = [test for test in tests.tests if not test.hidden]
        assert shown.startswith(f"Exercise {exercise}: public tests: {len(public)}/{len(public)} "
                                f"passed ({tests.points(hidden=False):g}/"), shown


# The untouched student versions are not run either (the grader's run of a stub is tested end
# to end on the fixture above): the stub is the one definition the check can find.
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_untouched_student_version_scores_zero(released, chapter):
    from test_check import outcomes  # here: importing test_check reads every chapter

    source = nbformat.read(chapter, as_version=4)
    student = nbformat.read(released / "student" / chapter.name, as_version=4)
    for exercise, tests in exercise_tests(source).items():
        namespace = {"np": np}
        try:
            exec(student.cells[only_definition(source, exercise)].source, namespace)
        except NotImplementedError:  # a stub for the whole cell
            pass
        results = list(outcomes(exercise, **namespace).values())
        assert len(results) == len(tests.tests) and not any(r.passed for r in results)
        assert {r.kind for r in results} <= {"not implemented", "not defined"}, results


def test_the_course_has_graded_exercises_in_every_chapter():
    counts = [len(exercise_tests(nbformat.read(chapter, as_version=4))) for chapter in CHAPTERS]
    assert all(counts) and sum(counts) >= 7, counts


def run_grader(*args, cwd):
    return subprocess.run([sys.executable, "-m", "lossedu.grading.assign", "grade", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_grading_from_the_wrong_folder_refuses_and_says_where_it_looked(tmp_path):
    # an instructor in the folder of the submissions, where "notebooks" (the default) is missing
    (tmp_path / "alice").mkdir()
    nbformat.write(fixture_notebook(), tmp_path / "alice" / "90_fixture.ipynb")
    run = run_grader(".", cwd=tmp_path)
    assert run.returncode != 0
    assert f"no assignment notebooks in {tmp_path / 'notebooks'}" in run.stderr
    assert "--source" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "_build").exists(), "no gradebook of zeros is written"


def course_with_one_submission(root: Path, submitted_as: str) -> Path:
    """root/source/90_fixture.ipynb and alice's copy at root/subs/alice/<submitted_as>."""
    source = root / "source"
    source.mkdir()
    nbformat.write(fixture_notebook(), source / "90_fixture.ipynb")
    (root / "subs" / "alice").mkdir(parents=True)
    nbformat.write(fixture_notebook(), root / "subs" / "alice" / submitted_as)
    return source


def test_grading_refuses_when_no_submitted_file_matches_an_assignment_notebook(tmp_path):
    source = course_with_one_submission(tmp_path, "renamed.ipynb")
    with pytest.raises(ValueError, match=r"no submitted file in .*subs is named like .*90_fixture"):
        assign.grade(tmp_path / "subs", source, tmp_path / "out")
    run = run_grader("subs", "--source", "source", cwd=tmp_path)
    assert run.returncode != 0 and "90_fixture.ipynb" in run.stderr


def test_the_grader_prints_no_kernel_noise(tmp_path):
    course_with_one_submission(tmp_path, "90_fixture.ipynb")
    run = run_grader("subs", "--source", "source", "--out", "grades", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("graded 1 students")
    assert "without encryption" not in run.stderr and "TCP" not in run.stderr, run.stderr
    gradebook = (tmp_path / "grades" / "gradebook.csv").read_text()
    assert "alice,90_fixture.ipynb,2.1,test_mae_grad,public,1,1,passed," in gradebook


def test_an_unreadable_submission_scores_zero_and_says_so(tmp_path, monkeypatch):
    path = tmp_path / "90_fixture.ipynb"
    nbformat.write(fixture_notebook(), path)
    read_bytes = Path.read_bytes

    def denied(self):
        if self == path:
            raise PermissionError("denied")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    rows = assign.grade_notebook(path, fixture_notebook(), student="eve")
    assert [(row.points, row.feedback, row.sha256) for row in rows] == [
        (0, "the file could not be read (PermissionError)", "-")] * 2
