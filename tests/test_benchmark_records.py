"""The README quotes the measured time of a warm `make test` (benchmarks/make_test_time.py), not
a figure typed by hand; and the measuring script splits a run into stages as make prints them."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_test_time  # noqa: E402  (benchmarks/ is not a package)


def test_the_readme_quotes_the_recorded_warm_make_test():
    record = json.loads((ROOT / "benchmarks" / "make_test_time.json").read_text())
    text = " ".join((ROOT / "README.md").read_text().split())
    assert record["date"] in text
    assert f"{record['median_seconds']} s" in text
    run = record["runs"][0]
    assert f"{run['cpu_seconds']:.0f} CPU-seconds" in text
    for stage, seconds in run["stages"].items():
        assert f"{stage} {seconds:.0f} s" in text, stage


@pytest.mark.parametrize("line, stage", [
    (".venv/bin/jupyter-book build . --all --builder html -W -n --keep-going", "book"),
    ("CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest -q -n auto --dist loadfile "
     "--doctest-modules --nbval --nbval-current-env lossedu tests notebooks/01.ipynb",
     "tests (unit, nbval, browser)"),
    (".venv/bin/python -m pytest -q -n auto --doctest-modules lossedu tests "
     "--ignore=tests/browser --ignore=tests/pdf", "unit tests"),
    (".venv/bin/python -m pytest -q -n auto --dist loadfile --nbval --nbval-current-env "
     "notebooks/01.ipynb", "nbval"),
    ("CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest -q -n auto tests/browser", "browser"),
    ("tests/test_losses.py ....", None),
])
def test_make_command_lines_name_their_stage(line, stage):
    assert make_test_time.stage_of(line) == stage
