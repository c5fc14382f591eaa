"""How long a warm `make test` takes, and where the time goes (run with `make bench-test`).

Warm means what a contributor has after the first run: the setup is done and the book was built
once. One notebook is touched first, so the book rebuilds as it does after an edit. The script
then runs `make test` as a contributor does, stamps every line it prints with the time, and
splits the run into stages at make's own command lines: the book build, and the one pytest
session of the unit tests, nbval and the browser checks (or each of those, as make test ran them
before). It also reads how long each pytest run said it took, and how much CPU time the
processes make waited for used (the machine has 2 cores: at most twice the wall clock).

Timings on a shared machine are noisy. The script reports and records
(``--record benchmarks/make_test_time.json``, which the README quotes); it never fails on a
timing, and no test compares a duration with a limit.

    python benchmarks/make_test_time.py [--runs N] [--record FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOUCHED = ROOT / "notebooks" / "01_mae_mse_from_scratch.ipynb"
# make's command lines that begin a stage (the first pattern a line matches names it)
STAGES = {
    "book": re.compile(r"jupyter-book build "),
    "tests (unit, nbval, browser)": re.compile(r"-m pytest .*--doctest-modules.*--nbval"),
    "unit tests": re.compile(r"-m pytest .*--doctest-modules"),
    "nbval": re.compile(r"-m pytest .*--nbval "),
    "browser": re.compile(r"-m pytest .*\stests/browser\s*$"),
}
PYTEST_SUMMARY = re.compile(r"^=*\s*(\d+) passed.* in ([\d.]+)s")


def stage_of(line: str) -> str | None:
    """The stage that a line make printed begins, or None."""
    if line.startswith(" "):
        return None
    return next((stage for stage, pattern in STAGES.items() if pattern.search(line)), None)


def one_run(make: str) -> dict:
    """Touch a notebook, run ``make test``, and return its wall clock, CPU time and stages."""
    TOUCHED.touch()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen([make, "test"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    marks, summaries, tail = [], [], []
    for line in process.stdout:
        now = time.monotonic() - started
        tail = (tail + [line])[-40:]
        if stage := stage_of(line):
            marks.append((stage, now))
        if match := PYTEST_SUMMARY.search(line):
            summaries.append({"tests": int(match[1]), "seconds": float(match[2])})
    process.wait()
    total = time.monotonic() - started
    if process.returncode:
        sys.exit("make test failed:\n" + "".join(tail))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ends = [when for _, when in marks[1:]] + [total]
    stages = {stage: round(end - start, 1) for (stage, start), end in zip(marks, ends)}
    return {"seconds": round(total, 1), "cpu_seconds": round(cpu, 1), "stages": stages,
            "pytest_runs": summaries}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--record", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--make", default=os.environ.get("MAKE", "make"))
    args = parser.parse_args(argv)
    if not (ROOT / ".venv" / ".setup-done").exists() or not (ROOT / "_build/html/.built").exists():
        sys.exit("run `make test` once first: this measures the warm run")
    runs = []
    for number in range(1, args.runs + 1):
        run = one_run(args.make)
        runs.append(run)
        stages = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in run["stages"].items())
        print(f"run {number}/{args.runs}: {run['seconds']:.0f} s ({stages}); "
              f"CPU {run['cpu_seconds']:.0f} s", flush=True)
    median = statistics.median(run["seconds"] for run in runs)
    print(f"warm make test: median {median:.0f} s over {len(runs)} run(s), on {os.cpu_count()} cores")
    if args.record:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()
        record = {"date": datetime.date.today().isoformat(), "commit": commit,
                  "python": platform.python_version(), "cores": os.cpu_count(),
                  "median_seconds": round(median), "runs": runs}
        args.record.write_text(json.dumps(record, indent=2) + "\n")
        print(f"recorded in {args.record}")


if __name__ == "__main__":
    main()
