"""The README quotes the measured times of `make test` (benchmarks/make_test_time.py), not
figures typed by hand; and the measuring script splits a run into stages as make prints them."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_test_time  # noqa: E402  (benchmarks/ is not a package)


def test_the_readme_quotes_the_recorded_make_test_runs():
    record = json.loads((ROOT / "benchmarks" / "make_test_time.json").read_text())
    text = " ".join((ROOT / "README.md").read_text().split())
    assert record["date"] in text
    assert list(record["runs"]) == list(make_test_time.RUNS)
    for kind, run in record["runs"].items():
        quoted = f"{kind}: {run['seconds']:.0f} s"
        assert quoted in text, quoted
        assert f"{run['cpu_seconds']:.0f} CPU-seconds" in text, kind
        for stage, seconds in run["stages"].items():
            assert f"{stage} {seconds:.0f} s" in text, (kind, stage)
        for summary in run["pytest_runs"]:
            quoted = f"{summary['passed']} tests run, {summary['unchanged']} unchanged"
            assert quoted in text, (kind, quoted)


def test_pytest_s_summary_line_is_read_with_and_without_deselected_tests():
    assert make_test_time.pytest_summary("2519 passed in 286.76s (0:04:46)") == {
        "passed": 2519, "seconds": 286.76}
    assert make_test_time.pytest_summary("=== 2519 deselected in 21.50s ===") == {
        "passed": 0, "deselected": 2519, "seconds": 21.5}
    assert make_test_time.pytest_summary("no tests ran in 12.54s") == {"passed": 0,
                                                                      "seconds": 12.54}
    assert make_test_time.pytest_summary("tests/test_losses.py ....") is None


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


def test_the_edited_run_changes_one_paragraph_and_restores_the_notebook(tmp_path, monkeypatch):
    copy = tmp_path / "chapter.ipynb"
    copy.write_bytes(make_test_time.EDITED.read_bytes())
    original = copy.read_bytes()
    monkeypatch.setattr(make_test_time, "EDITED", copy)
    with make_test_time.prepared("edited"):
        cells = json.loads(copy.read_text())["cells"]
        edited = ["".join(c["source"]) for c in cells if make_test_time.EDIT in "".join(c["source"])]
        assert len(edited) == 1 and not edited[0].startswith("#")
    assert copy.read_bytes() == original
    with pytest.raises(ValueError, match="unknown run 'cold'"):
        with make_test_time.prepared("cold"):
            pass
