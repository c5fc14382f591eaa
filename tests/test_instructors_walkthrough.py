"""The walk-through of the "For instructors" page, run as written on a copy of the course: its
four code cells become an exercise of a new notebook, and its shell blocks run one after the
other (release, collect, grade with a roster, Canvas, statistics, regrade). What the page says
each step gives is checked against what the step gave."""

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "book" / "instructors.md"
SECTION = "## Add an exercise: a walk-through"
# The page's four Python blocks, in its order, and the tags it asks for.
CELL_TAGS = [["solution", "hide-cell"], ["tests", "hide-cell"], ["tests", "remove-cell"], ["check"]]


def walkthrough_blocks() -> tuple[list[str], list[str]]:
    """The walk-through's Python blocks and shell blocks, in the page's order."""
    text = PAGE.read_text().split(SECTION, 1)[1]
    blocks = re.findall(r"```(python|bash)\n(.*?)```", text, flags=re.S)
    return ([code for kind, code in blocks if kind == "python"],
            [code for kind, code in blocks if kind == "bash"])


def exercise_notebook(cells: list[str]):
    """The notebook the page's step 1 describes."""
    notebook = new_notebook(cells=[new_code_cell("import numpy as np\nfrom lossedu.grading import check"),
                                   new_markdown_cell("### Exercise 7.1 (code)\nWrite my_mse_grad.")])
    for source, tags in zip(cells, CELL_TAGS, strict=True):
        cell = new_code_cell(source.rstrip("\n"))
        cell.metadata.update(tags=tags, lossedu={"exercise": "7.1"})
        notebook.cells.append(cell)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course's notebooks with the walk-through's notebook added, and where each
    shell block's output goes."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    cells, _ = walkthrough_blocks()
    nbformat.write(exercise_notebook(cells), root / "notebooks" / "07_my_exercise.ipynb")
    return root


def run(block: str, cwd: Path) -> str:
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (block, done.stdout, done.stderr)
    return done.stdout


def table(path: Path) -> list[list[str]]:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_the_page_has_the_blocks_the_walkthrough_runs():
    cells, shell = walkthrough_blocks()
    assert len(cells) == 4 and len(shell) == 6
    assert cells[3].strip() == 'check.exercise("7.1")' and "hidden=True" in cells[2]


def test_the_walkthrough_runs_as_written(course):
    release, collect, grade, canvas, statistics, regrade = walkthrough_blocks()[1]
    # step 2: released, the hidden test replaced by the line that counts it
    assert run(release, course).strip() .endswith("1")
    student = (course / "handout" / "student" / "07_my_exercise.ipynb").read_text()
    assert "test_float32" not in student and "test_values" in student
    # steps 3 and 4: three students graded, Emmy's missing submission reported
    run(collect, course)
    graded = run(grade, course)
    assert "emmy (Noether, Emmy): no submission of 07_my_exercise; exported as 0" in graded
    rows = table(course / "grades" / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "07_my_exercise"]
    assert rows[1] == ["Points Possible", "", "", "", "", "4"]
    assert {row[0]: row[5] for row in rows[2:]} == {"Hopper, Grace": "4", "Turing, Alan": "1",
                                                    "Lovelace, Ada": "0", "Noether, Emmy": "0"}
    assert table(course / "grades" / "moodle.csv") == [
        ["Email address", "Full name", "07_my_exercise"], ["grace@example.edu", "Hopper, Grace", "4"],
        ["alan@example.edu", "Turing, Alan", "1"], ["ada@example.edu", "Lovelace, Ada", "0"],
        ["emmy@example.edu", "Noether, Emmy", "0"]]
    alan = (course / "grades" / "feedback" / "alan.txt").read_text()
    assert "- test_values (0/2): wrong values: the gradient of a mean of squares is 2 r / N" in alan
    assert "hidden tests: 0/1 passed" in alan and "float32" not in alan
    # steps 5 and 6: what the page prints
    assert "Hopper, Grace" in run(canvas, course)
    shown = run(statistics, course)
    assert "07_my_exercise.ipynb,7.1,test_values,public,2,3,0.667,0.333," in shown
    assert (course / "grades" / "statistics.html").read_text().count("<svg") == 1
    # step 7: Alan regraded alone, his two changed tests reported
    report = run(regrade, course)
    assert "alan, 07_my_exercise.ipynb, exercise 7.1, test_values: 0 -> 2 of 2" in report
    assert "alan, 07_my_exercise.ipynb, exercise 7.1, test_float32: 0 -> 1 of 1" in report
    assert "test_shape" not in report
    rows = table(course / "grades" / "canvas.csv")
    assert {row[0]: row[5] for row in rows[2:]}["Turing, Alan"] == "4"
    assert "Lovelace, Ada" in [row[0] for row in rows]  # the others kept
