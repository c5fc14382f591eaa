"""tests/incremental.py, on a small project of its own: `make test` runs again what changed, and
only that."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

CONFTEST = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
import pytest
from incremental import pytest_addoption, pytest_configure

@pytest.fixture(scope="session")
def b_text():
    return open("notebooks/b.txt").read()
"""

PROJECT_TESTS = """
import os, subprocess, sys

def test_reads_a():
    assert open("notebooks/a.txt").read() != "bad"

def test_reads_nothing():
    assert 1 + 1 == 2

def test_uses_b(b_text):
    assert b_text

def test_uses_b_again(b_text):  # the fixture is set up before, for test_uses_b
    assert b_text

def test_starts_a_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True)

def test_starts_a_process_elsewhere():
    subprocess.run([sys.executable, "-c", "pass"], check=True, cwd="/")

def test_names_a_content_file_to_a_process_elsewhere():
    a = os.path.abspath("notebooks/a.txt")
    subprocess.run([sys.executable, "-c", "import sys; open(sys.argv[1])", a], check=True, cwd="/")

def test_lists_the_notebooks():
    assert len(os.listdir("notebooks")) >= 2
"""


@pytest.fixture
def project(tmp_path):
    """A git repository with two content files (notebooks/), a conftest that loads the plugin,
    and eight tests, depending on different things."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / ".gitignore").write_text("_build/\n")  # not __pycache__: the plugin skips it
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "a.txt").write_text("a")
    (tmp_path / "notebooks" / "b.txt").write_text("b")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(CONFTEST)
    (tmp_path / "tests" / "test_project.py").write_text(PROJECT_TESTS)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def run(project: Path, *options) -> dict:
    """Run the project's tests; return which ran (passed or failed), and pytest's summary."""
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider",
                             *options, "tests"], cwd=project, capture_output=True, text=True)
    ran = re.findall(r"^(PASSED|FAILED) tests/test_project\.py::(\w+)", result.stdout, re.M)
    return {"passed": {name for outcome, name in ran if outcome == "PASSED"},
            "failed": {name for outcome, name in ran if outcome == "FAILED"},
            "exit": result.returncode, "output": result.stdout + result.stderr}


ALL = {"test_reads_a", "test_reads_nothing", "test_uses_b", "test_uses_b_again",
       "test_starts_a_process", "test_starts_a_process_elsewhere",
       "test_names_a_content_file_to_a_process_elsewhere", "test_lists_the_notebooks"}
# the tests that any change of content runs again: they start a process that may read it
PROCESSES = {"test_starts_a_process", "test_names_a_content_file_to_a_process_elsewhere"}


def test_a_test_runs_again_only_when_what_it_read_changed(project):
    first = run(project, "--incremental")
    assert first["passed"] == ALL, first["output"]
    second = run(project, "--incremental")
    assert second["passed"] == set() and "8 deselected" in second["output"], second["output"]
    assert "8 tests passed before with the same inputs" in second["output"]
    assert second["exit"] == 0  # pytest's "no tests ran" (5) would fail make test

    (project / "notebooks" / "a.txt").write_text("a, edited")  # read by one test
    assert run(project, "--incremental")["passed"] == {"test_reads_a"} | PROCESSES

    (project / "notebooks" / "b.txt").write_text("b, edited")  # read by a session fixture
    assert run(project, "--incremental")["passed"] == {"test_uses_b",
                                                       "test_uses_b_again"} | PROCESSES

    (project / "notebooks" / "c.txt").write_text("c")  # a new file in a folder one test lists
    assert run(project, "--incremental")["passed"] == {"test_lists_the_notebooks"} | PROCESSES


def test_code_changes_run_everything_and_a_failure_runs_until_it_passes(project):
    run(project, "--incremental")
    (project / "tests" / "helper.py").write_text("VALUE = 1\n")  # untracked, not ignored: code
    assert run(project, "--incremental")["passed"] == ALL

    (project / "notebooks" / "a.txt").write_text("bad")
    assert run(project, "--incremental")["failed"] == {"test_reads_a"}
    again = run(project, "--incremental")  # nothing changed, but it failed last time
    assert again["failed"] == {"test_reads_a"} and again["passed"] == set()
    (project / "notebooks" / "a.txt").write_text("a")
    assert run(project, "--incremental")["passed"] == {"test_reads_a"} | PROCESSES


def test_the_environment_is_an_input_and_without_the_option_everything_runs(project):
    run(project, "--incremental")
    assert run(project)["passed"] == ALL  # make test FULL=1
    changed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "--incremental",
         "tests"], cwd=project, capture_output=True, text=True,
        env={**os.environ, "HYPOTHESIS_PROFILE": "explore"})
    assert len(re.findall(r"^PASSED", changed.stdout, re.M)) == len(ALL), changed.stdout


def test_outside_a_git_checkout_nothing_is_recorded_or_left_out(tmp_path, project):
    (project / ".git").rename(tmp_path / "git-elsewhere")
    assert run(project, "--incremental")["passed"] == ALL
    assert run(project, "--incremental")["passed"] == ALL
    assert not (project / "_build" / "passed-tests.json").exists()


@pytest.mark.parametrize("path, content", [
    ("notebooks/01_mae_mse_from_scratch.ipynb", True), ("book/intro.md", True),
    ("_build/html/index.html", True), ("README.md", True), ("_toc.yml", True),
    ("benchmarks/make_test_time.json", True), ("book/_ext/latex_class.py", False),
    ("lossedu/losses.py", False), ("lossedu/data/atlas.json", False), ("Makefile", False),
    ("notebooksX/a.txt", False)])
def test_content_is_what_some_tests_read_and_the_rest_is_code(path, content):
    import incremental

    assert incremental.is_content(path) is content



def test_a_module_s_reads_at_import_count_for_it_when_another_module_imports_it_first(project):
    tests = project / "tests"
    (tests / "test_first.py").write_text("import test_second\n\ndef test_first():\n    pass\n")
    (tests / "test_second.py").write_text('B = open("notebooks/b.txt").read()\n\n'
                                          "def test_second():\n    assert B\n")
    ran = re.compile(r"^PASSED tests/(test_first|test_second)\.py", re.M)
    first = subprocess.run([sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider",
                            "--incremental", "tests"], cwd=project, capture_output=True, text=True)
    assert set(ran.findall(first.stdout)) == {"test_first", "test_second"}, first.stdout
    (project / "notebooks" / "b.txt").write_text("b, edited")
    again = subprocess.run([sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider",
                            "--incremental", "tests"], cwd=project, capture_output=True, text=True)
    assert set(ran.findall(again.stdout)) == {"test_first", "test_second"}, again.stdout
