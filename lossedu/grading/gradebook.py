"""The grader's gradebook: one :class:`Row` per student and test, written as a CSV
(:func:`write_gradebook`) and read back (:func:`read_gradebook`: a regrade starts from it), and
the feedback each student gets (:func:`feedback_text`, written by :func:`write_feedback` to
:func:`feedback_file_name`), with points written by :func:`lossedu.grading.check.number`.

>>> row = Row("alice", "02.ipynb", "2.1", "test_sign", True, 1.0, 1.0, "passed", "ab12")
>>> row.visibility, row.passed
('hidden', True)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .check import number, points_text

COLUMNS = ["student", "notebook", "exercise", "test", "visibility", "points", "max_points",
           "feedback", "sha256"]
PASSED = "passed"


@dataclass(frozen=True)
class Row:
    """One line of the gradebook: one test of one exercise in one student's notebook. A file
    that is not one of the assignment's notebooks gets a row with exercise and test ``-``."""

    student: str
    notebook: str
    exercise: str
    test: str
    hidden: bool
    points: float
    max_points: float
    feedback: str
    sha256: str  # of the file as it was graded: the bytes read are the bytes hashed

    @property
    def visibility(self) -> str:
        return "hidden" if self.hidden else "public"

    @property
    def passed(self) -> bool:
        return self.max_points > 0 and self.points == self.max_points


def write_gradebook(rows: list[Row], path: Path) -> None:
    """The gradebook CSV (columns :data:`COLUMNS`), one row per student and test."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r.student, r.notebook, r.exercise, r.test, r.visibility,
                             number(r.points), number(r.max_points), r.feedback, r.sha256])


def read_gradebook(path: Path) -> list[Row]:
    """The rows of a gradebook CSV that :func:`write_gradebook` wrote; a file of another shape
    raises ValueError saying what is wrong."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            table = list(csv.DictReader(handle))
            header = list(table[0]) if table else []
    except FileNotFoundError:
        raise ValueError(f"no gradebook at {path}: grade the class first") from None
    if table and header != COLUMNS:
        raise ValueError(f"{path} is not a gradebook of this grader: its columns are {header}, "
                         f"expected {COLUMNS}")
    rows = []
    for line, record in enumerate(table, start=2):
        try:
            rows.append(Row(record["student"], record["notebook"], record["exercise"],
                            record["test"], record["visibility"] == "hidden",
                            float(record["points"]), float(record["max_points"]),
                            record["feedback"], record["sha256"]))
        except (TypeError, ValueError):
            raise ValueError(f"{path}, line {line}: points and max_points must be numbers") from None
    return rows


def _summary(rows: list[Row], hidden: bool) -> str:
    mine = [r for r in rows if r.hidden == hidden]
    earned, most = sum(r.points for r in mine), sum(r.max_points for r in mine)
    return (f"{'hidden' if hidden else 'public'} tests: {sum(r.passed for r in mine)}/"
            f"{len(mine)} passed ({number(earned)} of {points_text(most)})")


def feedback_text(student: str, rows: list[Row]) -> str:
    """What ``student`` reads: the total, then per exercise every public test with its points
    and, when it failed, its message; of the hidden tests only how many passed and their
    points."""
    lines = [f"Feedback for {student}: {number(sum(r.points for r in rows))} of "
             f"{number(sum(r.max_points for r in rows))} points", ""]
    exercises: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        exercises.setdefault((row.notebook, row.exercise), []).append(row)
    for (notebook, exercise), mine in exercises.items():
        if exercise == "-":
            lines.append(f"{notebook}: {_sentence(mine[0].feedback)}")
            continue
        earned, most = sum(r.points for r in mine), sum(r.max_points for r in mine)
        head = f"{notebook}, exercise {exercise}: {number(earned)}/{number(most)} points."
        reasons = {r.feedback for r in mine}
        if earned == 0 and len(reasons) == 1:  # one reason for every test: said once
            lines.append(f"{head} {_sentence(reasons.pop())}")
            continue
        lines.append(head)
        public = [r for r in mine if not r.hidden]
        if public:
            lines.append(f"  {_summary(mine, hidden=False)}")
            lines += [f"    - {r.test} ({number(r.points)}/{number(r.max_points)}): "
                      f"{r.feedback}" for r in public]
        if any(r.hidden for r in mine):
            lines.append(f"  {_summary(mine, hidden=True)}")
    return "\n".join(lines) + "\n"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def feedback_file_name(student: str) -> str:
    """The feedback file of ``student``: only letters, digits and ``_.-`` in its name."""
    return f"{re.sub(r'[^A-Za-z0-9_.-]', '_', student)}.txt"


def write_feedback(rows: list[Row], folder: Path) -> None:
    """One plain-text feedback file per student in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for student in sorted({row.student for row in rows}):
        mine = [row for row in rows if row.student == student]
        (folder / feedback_file_name(student)).write_text(feedback_text(student, mine),
                                                          encoding="utf-8")
