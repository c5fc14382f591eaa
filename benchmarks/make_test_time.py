"""How long `make test` takes, and where the time goes (run with `make bench-test`).

Three runs, one after the other, each as a contributor starts it:

- **touched**: the warm run issue 23 measures. The setup is done and the tests passed once; one
  notebook is touched (its time changes, not its text), so the book rebuilds. No test's input
  changed, so tests/incremental.py runs none of them again.
- **edited**: a sentence is added to one of chapter 3's text cells (and taken out again
  afterwards), as after a real edit of a chapter: the book rebuilds, and every test that read
  that notebook or that chapter's page runs again (nbval of the chapter, the notebook checks,
  the chapter's browser checks, chapter 3 under the changed clamp, ...).
- **full**: ``make test FULL=1``, every test, as CI runs it on a fresh clone.

Each run stamps every line make prints with the time and splits the run into stages at make's
own command lines: the book build, and the one pytest session of the unit tests, nbval and the
browser checks (or each of those, as make test ran them before). It also reads how many tests
pytest ran, how long it said it took, and how much CPU time the processes make waited for used
(the machine has 2 cores: at most twice the wall clock).

Timings on a shared machine are noisy. The script reports and records
(``--record benchmarks/make_test_time.json``, which the README quotes); it never fails on a
timing, and no test compares a duration with a limit.

    python benchmarks/make_test_time.py [--runs touched,edited,full] [--record FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOUCHED = ROOT / "notebooks" / "01_mae_mse_from_scratch.ipynb"
EDITED = ROOT / "notebooks" / "03_kink_across_frameworks.ipynb"
EDIT = " (This sentence was added by benchmarks/make_test_time.py.)"
# make's command lines that begin a stage (the first pattern a line matches names it)
STAGES = {
    "book": re.compile(r"jupyter-book build "),
    "tests (unit, nbval, browser)": re.compile(r"-m pytest .*--doctest-modules.*--nbval"),
    "unit tests": re.compile(r"-m pytest .*--doctest-modules"),
    "nbval": re.compile(r"-m pytest .*--nbval "),
    "browser": re.compile(r"-m pytest .*\stests/browser\s*$"),
}
PYTEST_SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+|no tests ran) in ([\d.]+)s")
# tests/incremental.py's line: the tests not run again
UNCHANGED = re.compile(r"^incremental: (\d+) tests passed before")
RUNS = ("touched", "edited", "full")


def stage_of(line: str) -> str | None:
    """The stage that a line make printed begins, or None."""
    if line.startswith(" "):
        return None
    return next((stage for stage, pattern in STAGES.items() if pattern.search(line)), None)


def pytest_summary(line: str) -> dict | None:
    """pytest's last line as counts and seconds, or None for another line.

    >>> pytest_summary("=== 78 passed, 71 deselected in 6.12s (0:00:06) ===")
    {'passed': 78, 'deselected': 71, 'seconds': 6.12}
    >>> pytest_summary("no tests ran in 12.54s")
    {'passed': 0, 'seconds': 12.54}
    """
    if not (match := PYTEST_SUMMARY.search(line)):
        return None
    counts = {word: int(number) for number, word in re.findall(r"(\d+) (\w+)", match[1])}
    return {"passed": 0, **counts, "seconds": float(match[2])}


@contextmanager
def prepared(kind: str):
    """The change a run starts from (see the module's docstring), undone when it ends."""
    if kind in ("touched", "full"):
        TOUCHED.touch()
        yield
    elif kind == "edited":
        original = EDITED.read_bytes()
        notebook = json.loads(original)
        cell = next(c for c in notebook["cells"] if c["cell_type"] == "markdown"
                    and not "".join(c["source"]).startswith("#"))  # a paragraph, no title
        cell["source"] = ["".join(cell["source"]).rstrip("\n") + EDIT]
        EDITED.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        try:
            yield
        finally:
            EDITED.write_bytes(original)
    else:
        raise ValueError(f"unknown run {kind!r}: expected one of {', '.join(RUNS)}")


def one_run(make: str, kind: str) -> dict:
    """Prepare a run of ``kind``, run ``make test``, and return its wall clock, CPU time, stages
    and what pytest ran."""
    command = [make, "test"] + (["FULL=1"] if kind == "full" else [])
    with prepared(kind):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        marks, summaries, tail, skipped_as_unchanged = [], [], [], 0
        for line in process.stdout:
            now = time.monotonic() - started
            tail = (tail + [line])[-40:]
            if stage := stage_of(line):
                marks.append((stage, now))
            if unchanged := UNCHANGED.search(line):
                skipped_as_unchanged = int(unchanged[1])
            if summary := pytest_summary(line):
                summaries.append({**summary, "unchanged": skipped_as_unchanged})
                skipped_as_unchanged = 0
        process.wait()
        total = time.monotonic() - started
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n" + "".join(tail))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ends = [when for _, when in marks[1:]] + [total]
    stages = {stage: round(end - start, 1) for (stage, start), end in zip(marks, ends)}
    return {"seconds": round(total, 1), "cpu_seconds": round(cpu, 1), "stages": stages,
            "pytest_runs": summaries}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default=",".join(RUNS),
                        help=f"which runs, in order (default: {','.join(RUNS)})")
    parser.add_argument("--record", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--make", default=os.environ.get("MAKE", "make"))
    args = parser.parse_args(argv)
    kinds = args.runs.split(",")
    if unknown := set(kinds) - set(RUNS):
        parser.error(f"unknown runs {sorted(unknown)}: expected some of {', '.join(RUNS)}")
    if not (ROOT / ".venv" / ".setup-done").exists() or not (ROOT / "_build/html/.built").exists():
        sys.exit("run `make test` once first: this measures the warm run")
    runs = {}
    for kind in kinds:
        run = runs[kind] = one_run(args.make, kind)
        stages = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in run["stages"].items())
        ran = ", ".join(f"{summary['passed']} tests run, {summary['unchanged']} unchanged"
                        for summary in run["pytest_runs"])
        print(f"{kind}: {run['seconds']:.0f} s ({stages}; {ran}); CPU {run['cpu_seconds']:.0f} s",
              flush=True)
    if args.record:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()
        record = {"date": datetime.date.today().isoformat(), "commit": commit,
                  "python": platform.python_version(), "cores": os.cpu_count(), "runs": runs}
        args.record.write_text(json.dumps(record, indent=2) + "\n")
        print(f"recorded in {args.record}")


if __name__ == "__main__":
    main()
