"""What the grader's gradebook becomes for the places where grades live: a Canvas gradebook CSV
and a Moodle grade import CSV (one column per assignment notebook, students mapped through a
roster), and item statistics per exercise and per test (a CSV and an HTML page with a chart).

The roster is a CSV file with a header. ``student`` (the name of the student's submission
folder) and ``name`` are required; ``canvas_id``, ``sis_user_id``, ``sis_login_id``,
``section`` and ``email`` fill Canvas's and Moodle's identifier columns. A student on the
roster without a submission gets 0 for that assignment; a submission whose student is not on
the roster stays in the gradebook and is reported.

:func:`read_roster` reads the roster, one :class:`Student` per line; :func:`write_canvas` and
:func:`write_moodle` write the two files from :func:`assignment_totals` and
:func:`possible_points` (named by :func:`assignment`), and :func:`roster_report` says who is
missing. :func:`item_statistics` makes an :class:`ItemStatistic` per exercise and per test,
which :func:`write_statistics_csv` and :func:`write_statistics_html` write. :func:`export`
writes every file and returns the report's lines.

>>> from lossedu.grading.gradebook import Row
>>> rows = [Row("ada", "02_gradients.ipynb", "2.1", "test_sign", False, 1.0, 1.0, "passed", "-"),
...         Row("ada", "02_gradients.ipynb", "2.1", "test_tie", True, 0.0, 1.0, "0 at a tie", "-")]
>>> assignment_totals(rows)
{'ada': {'02_gradients': 1.0}}
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .check import number
from .gradebook import Row

ROSTER_COLUMNS = ("student", "name", "canvas_id", "sis_user_id", "sis_login_id", "section", "email")
REQUIRED = ("student", "name")


@dataclass(frozen=True)
class Student:
    """One line of the roster."""

    student: str
    name: str
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""


def read_roster(path: Path) -> list[Student]:
    """The roster's students, in its order. A missing column or id, or an id given twice,
    raises ValueError naming the line."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [column.strip() for column in reader.fieldnames or []]
            records = list(reader)
    except FileNotFoundError:
        raise ValueError(f"no roster at {path}") from None
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ValueError(f"the roster {path} has no column {', '.join(missing)}; its header must "
                         f"name at least {', '.join(REQUIRED)} (and may name "
                         f"{', '.join(ROSTER_COLUMNS[2:])})")
    unknown = [column for column in header if column not in ROSTER_COLUMNS]
    if unknown:
        raise ValueError(f"the roster {path} has unknown columns {unknown}; known: "
                         f"{', '.join(ROSTER_COLUMNS)}")
    students, seen = [], {column: {} for column in ("student", "canvas_id", "sis_user_id", "email")}
    for line, record in enumerate(records, start=2):
        values = {column.strip(): (value or "").strip() for column, value in record.items()
                  if column is not None}
        if not values["student"]:
            raise ValueError(f"{path}, line {line}: no student id (the name of the student's "
                             f"submission folder)")
        for column, first in seen.items():
            value = values.get(column, "")
            if value and value in first:
                raise ValueError(f"{path}, line {line}: duplicate {column} {value!r} (also on "
                                 f"line {first[value]})")
            if value:
                first[value] = line
        students.append(Student(**values))
    if not students:
        raise ValueError(f"the roster {path} lists no student")
    return students


def assignment(notebook: str) -> str:
    """An assignment's column name: the notebook's file name without ``.ipynb``."""
    return notebook[: -len(".ipynb")] if notebook.endswith(".ipynb") else notebook


def _graded(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.exercise != "-"]


def assignment_totals(rows: list[Row]) -> dict[str, dict[str, float]]:
    """student -> assignment -> points, from the gradebook's rows."""
    totals: dict[str, dict[str, float]] = {}
    for row in _graded(rows):
        mine = totals.setdefault(row.student, {})
        mine[assignment(row.notebook)] = mine.get(assignment(row.notebook), 0.0) + row.points
    return totals


def possible_points(rows: list[Row]) -> dict[str, float]:
    """assignment -> its points, from the tests graded (every student's notebook has them all)."""
    most: dict[str, dict[tuple[str, str], float]] = {}
    for row in _graded(rows):
        most.setdefault(assignment(row.notebook), {})[(row.exercise, row.test)] = row.max_points
    return {name: sum(tests.values()) for name, tests in sorted(most.items())}


def roster_report(rows: list[Row], roster: list[Student]) -> list[str]:
    """What an export says besides the grades: who on the roster has no submission of an
    assignment (and gets 0), and which submissions' students are not on the roster."""
    totals, columns = assignment_totals(rows), possible_points(rows)
    on_roster = {student.student for student in roster}
    lines = [f"{student.student} ({student.name}): no submission of {name}; exported as 0"
             for student in roster for name in columns if name not in totals.get(student.student, {})]
    lines += [f"{student}: not on the roster, so not in the Canvas or Moodle file (it is in the "
              f"gradebook: {', '.join(f'{name} {number(points)}' for name, points in sorted(marks.items()))})"
              for student, marks in sorted(totals.items()) if student not in on_roster]
    return lines


def _write_csv(path: Path, header: list[str], records: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(records)


def write_canvas(rows: list[Row], roster: list[Student], path: Path) -> None:
    """A Canvas gradebook import CSV: Canvas's identifier columns (Student, ID, SIS User ID,
    SIS Login ID, Section), one column per assignment, a Points Possible row, then one row per
    student on the roster (0 where there is no submission)."""
    totals, columns = assignment_totals(rows), possible_points(rows)
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columns]
    records = [["Points Possible", "", "", "", "", *(number(p) for p in columns.values())]]
    for s in roster:
        marks = totals.get(s.student, {})
        records.append([s.name, s.canvas_id, s.sis_user_id, s.sis_login_id, s.section,
                        *(number(marks.get(name, 0.0)) for name in columns)])
    _write_csv(path, header, records)


def write_moodle(rows: list[Row], roster: list[Student], path: Path) -> None:
    """A Moodle grade import CSV: Email address (the column to map users by), Full name, then
    one column per assignment, one row per student on the roster (0 where there is no
    submission). Every student needs an email in the roster."""
    without = [s.student for s in roster if not s.email]
    if without:
        raise ValueError(f"the Moodle export maps students by email, and the roster has none for "
                         f"{', '.join(without)}")
    totals, columns = assignment_totals(rows), possible_points(rows)
    _write_csv(path, ["Email address", "Full name", *columns],
               [[s.email, s.name, *(number(totals.get(s.student, {}).get(name, 0.0))
                                    for name in columns)] for s in roster])


@dataclass(frozen=True)
class ItemStatistic:
    """How a class did on one exercise (``test`` is ``""``) or one test."""

    notebook: str
    exercise: str
    test: str
    visibility: str
    max_points: float
    students: int
    mean_points: float
    full_marks: float  # the share of students with every point
    failures: tuple[tuple[str, int], ...]  # the most common failing messages, with counts


def item_statistics(rows: list[Row], top: int = 3) -> list[ItemStatistic]:
    """Per exercise, then per test of it: mean points, share with full marks, and the ``top``
    most common failing messages with their counts."""
    groups: dict[tuple[str, str, str], list[Row]] = {}
    for row in _graded(rows):
        groups.setdefault((row.notebook, row.exercise, ""), []).append(row)
        groups.setdefault((row.notebook, row.exercise, row.test), []).append(row)
    statistics = []
    for (notebook, exercise, test), members in sorted(groups.items()):
        by_student: dict[str, list[Row]] = {}
        for row in members:
            by_student.setdefault(row.student, []).append(row)
        earned = [sum(r.points for r in mine) for mine in by_student.values()]
        most = sum(r.max_points for r in next(iter(by_student.values())))
        # each student counted once per message, so an exercise's failures count students
        failures = Counter(feedback for _, feedback in
                           dict.fromkeys((r.student, r.feedback) for r in members if not r.passed))
        statistics.append(ItemStatistic(
            notebook, exercise, test, members[0].visibility if test else "",
            most, len(by_student), sum(earned) / len(earned),
            sum(points == most for points in earned) / len(earned),
            tuple(sorted(failures.items(), key=lambda item: (-item[1], item[0]))[:top])))
    return statistics


STATISTICS_COLUMNS = ["notebook", "exercise", "test", "visibility", "max_points", "students",
                      "mean_points", "share_full_marks", "most_common_failures"]


def _failures(statistic: ItemStatistic) -> str:
    return "; ".join(f"{message} ({count})" for message, count in statistic.failures)


def write_statistics_csv(statistics: list[ItemStatistic], path: Path) -> None:
    """The item statistics as a CSV: one row per exercise (test empty), then per test."""
    _write_csv(path, STATISTICS_COLUMNS, [
        [s.notebook, s.exercise, s.test, s.visibility, number(s.max_points), s.students,
         f"{s.mean_points:.3g}", f"{s.full_marks:.3g}", _failures(s)] for s in statistics])


def _chart_svg(statistics: list[ItemStatistic]) -> str:
    """A horizontal bar chart of the share of students passing each test, as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tests = [s for s in statistics if s.test]
    labels = [f"{s.exercise} {s.test}{' (hidden)' if s.visibility == 'hidden' else ''}" for s in tests]
    figure, axes = plt.subplots(figsize=(8, 0.4 * len(tests) + 1.2))
    bars = axes.barh(range(len(tests)), [100 * s.full_marks for s in tests], color="#3b6ea5")
    axes.bar_label(bars, fmt="%.0f%%", padding=3)  # a test nobody passed still shows its 0%
    axes.set_yticks(range(len(tests)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 112)  # room for a label beside a full bar
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("students who passed the test (%)")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def write_statistics_html(statistics: list[ItemStatistic], path: Path) -> None:
    """The item statistics as one self-contained HTML page: the chart, then the table."""
    cells = "".join(
        f"<tr{' class=exercise' if not s.test else ''}><td>{html.escape(s.notebook)}</td>"
        f"<td>{html.escape(s.exercise)}</td><td>{html.escape(s.test or 'all tests')}</td>"
        f"<td>{s.visibility}</td><td>{number(s.max_points)}</td><td>{s.students}</td>"
        f"<td>{s.mean_points:.3g}</td><td>{100 * s.full_marks:.0f}%</td>"
        f"<td>{html.escape(_failures(s))}</td></tr>\n" for s in statistics)
    head = "".join(f"<th scope=col>{html.escape(c.replace('_', ' '))}</th>" for c in STATISTICS_COLUMNS)
    path.write_text(
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>Item statistics"
        "</title><style>body{font-family:sans-serif;max-width:70em;margin:auto;padding:1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .5em}"
        "tr.exercise{font-weight:bold;background:#eef}svg{max-width:100%;height:auto}</style>"
        "</head><body><h1>Item statistics</h1>\n<figure role=group aria-labelledby=chart-caption>"
        f"{_chart_svg(statistics)}<figcaption id=chart-caption>The share of students who "
        "passed each test.</figcaption></figure>\n<table><caption>Per exercise (bold) and per "
        f"test: mean points, share with full marks, most common failing messages (with counts)"
        f"</caption>\n<tr>{head}</tr>\n{cells}</table></body></html>\n", encoding="utf-8")


def export(rows: list[Row], out: Path, roster: list[Student] | None) -> list[str]:
    """Write ``out/statistics.csv`` and ``out/statistics.html``, and with a roster
    ``out/canvas.csv`` and ``out/moodle.csv`` (Moodle's only if every student has an email;
    without a roster, earlier ones are removed); return the report's lines."""
    statistics = item_statistics(rows)
    write_statistics_csv(statistics, out / "statistics.csv")
    write_statistics_html(statistics, out / "statistics.html")
    if roster is None:  # no Canvas or Moodle file that belongs to an earlier grading
        for stale in ("canvas.csv", "moodle.csv"):
            (out / stale).unlink(missing_ok=True)
        return []
    write_canvas(rows, roster, out / "canvas.csv")
    lines = roster_report(rows, roster)
    try:
        write_moodle(rows, roster, out / "moodle.csv")
    except ValueError as error:
        (out / "moodle.csv").unlink(missing_ok=True)
        lines.append(f"moodle.csv not written: {error}")
    return lines
