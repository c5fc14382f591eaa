"""How fast the grader grades a class (run with `make bench-grading`; the README quotes it).

Goal: 200 students x 6 chapters in well under two hours on the 2-core course machine, every
notebook in a sandbox of its own. Two classes are graded, each STUDENTS students handing in all
six chapters: one that solved everything (the instructor versions: the grader runs only the
cells the exercises need) and one that handed in the untouched student versions (stubs: the
same, plus a whole-notebook run wherever a stub fails in a cell of its own). Real classes lie
in between. The projection scales the measured seconds per notebook to 1200 notebooks. With
--record FILE the figures are also written to FILE (JSON), which the README and the
instructors page quote (a test compares them). This script reports; it never fails on a timing.
"""

import argparse
import datetime
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lossedu import __version__
from lossedu.grading import assign
from lossedu.grading.sandbox import sandbox_problem

ROOT = Path(__file__).resolve().parent.parent
CLASS = 200 * 6  # notebooks


def grade_class(version: Path, students: int, workers: int, work: Path) -> tuple[float, int, int]:
    """Seconds to grade ``students`` copies of every notebook in ``version``; points, maximum."""
    submissions = work / f"submissions-{version.name}"
    for student in range(students):
        shutil.copytree(version, submissions / f"student{student:03}")
    start = time.perf_counter()
    rows = assign.grade(submissions, ROOT / "notebooks", work / f"grades-{version.name}",
                        workers=workers)
    return time.perf_counter() - start, sum(r.points for r in rows), sum(r.max_points for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--record", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    if problem := sandbox_problem():
        sys.exit(f"no sandbox here: {problem}")
    print(f"Python {platform.python_version()}, lossedu {__version__}, {platform.machine()}, "
          f"{args.workers} workers, every notebook in a bubblewrap sandbox")
    record = {"date": datetime.date.today().isoformat(), "python": platform.python_version(),
              "workers": args.workers, "students": args.students, "classes": {}}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        assign.release(ROOT / "notebooks", work / "released")
        for version in ("instructor", "student"):
            seconds, points, maximum = grade_class(work / "released" / version, args.students,
                                                   args.workers, work)
            notebooks = args.students * len(list((ROOT / "notebooks").glob("*.ipynb")))
            per_notebook = seconds / notebooks
            print(f"{version:10} versions: {notebooks} notebooks in {seconds:6.1f} s "
                  f"({per_notebook:4.2f} s each, {points}/{maximum} points); "
                  f"200 students x 6 chapters: {per_notebook * CLASS / 60:5.1f} min")
            record["classes"][version] = {
                "notebooks": notebooks, "seconds": round(seconds, 1), "points": points,
                "max_points": maximum, "seconds_per_notebook": round(per_notebook, 2),
                "minutes_for_200_students_6_chapters": round(per_notebook * CLASS / 60)}
    if args.record:
        args.record.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
