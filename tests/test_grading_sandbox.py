"""The grader attacked: each attack of tests/grading_class.py tries what a mischievous student
would, graded in one run beside two honest classmates (and the broken submissions of
tests/test_assign.py). Every attack must be contained (and reported where the sandbox can tell),
and the classmates' grades and files must come out untouched."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading_class import ATTACKS, EXPECTED, FULL, GOOD, HONEST, LIMITS, fixture_notebook, row_of
from lossedu.grading import assign
from lossedu.grading.sandbox import Limits, sandbox_problem


@pytest.mark.parametrize("student", ATTACKS)
def test_every_attack_scores_zero_and_says_what_stopped_it(graded_class, student):
    row = row_of(graded_class, student)
    assert row.points == 0, row
    words = ATTACKS[student][1]
    assert any(w in row.feedback for w in ((words,) if isinstance(words, str) else words)), row.feedback


@pytest.mark.parametrize("student", HONEST)
def test_the_honest_classmates_keep_their_grades(graded_class, student):
    row = row_of(graded_class, student)
    assert (row.points, row.feedback) == (FULL, "passed")


def test_no_file_outside_the_sandboxes_changed(graded_class):
    for path, data in graded_class["before"].items():
        assert path.read_bytes() == data, f"{path} changed"
    assert not list(Path("/").glob("evil.txt")) and not list(Path.cwd().glob("evil.txt"))
    for row in graded_class["rows"]:  # each row's hash is that of the file as it was handed in
        graded = graded_class["submissions"] / row.student / row.notebook
        assert row.sha256 == hashlib.sha256(graded_class["before"][graded]).hexdigest()


def test_no_attack_reached_the_network(graded_class):
    assert not graded_class["reached"], "a submission connected to a listener on the host"


def test_a_hanging_submission_stalls_nobody(graded_class):
    # While json_hangs ran into the notebook's wall-clock limit (twice 40 s), the other workers
    # went on grading: a notebook started after it began was finished before it ended. Told by
    # the order of events; how many fit in those 80 s depends on the machine (a busy one, in the
    # Colab leg, graded only a few), so one is what is asked: a stalled pool grades none.
    spans = graded_class["spans"]
    began, ended = spans["json_hangs"]
    meanwhile = sorted(student for student, (start, end) in spans.items()
                       if began < start and end < ended)
    assert meanwhile, spans
    assert spans.keys() == {*EXPECTED, *ATTACKS, *HONEST}  # every notebook graded


def test_without_the_sandbox_an_overwrite_is_graded_from_the_file_read_first_and_reported(tmp_path):
    source, submissions = tmp_path / "source", tmp_path / "submissions"
    source.mkdir()
    nbformat.write(fixture_notebook(), source / "90_fixture.ipynb")
    victim = submissions / "zoe" / "90_fixture.ipynb"
    victim.parent.mkdir(parents=True)
    nbformat.write(fixture_notebook(), victim)
    original = victim.read_bytes()
    (submissions / "mallory").mkdir()
    # in the function the tests call, so the grader must run it
    attack = f"### BEGIN SOLUTION\n    open({str(victim)!r}, 'w').write('{{}}')"
    nbformat.write(fixture_notebook(solution=GOOD.replace("### BEGIN SOLUTION", attack)),
                   submissions / "mallory" / "90_fixture.ipynb")
    with pytest.warns(assign.UnsandboxedGrading, match="WITHOUT a sandbox"), \
            pytest.warns(assign.TamperedDuringGrading, match="zoe/90_fixture.ipynb"):
        rows = assign.grade(submissions, source, tmp_path / "out", limits=LIMITS, sandbox=False)
    assert victim.read_bytes() == b"{}"  # unprotected: the attack really happened
    zoe = next(row for row in rows if row.student == "zoe")
    assert zoe.points == 1 and zoe.sha256 == hashlib.sha256(original).hexdigest()
    assert "changed on disk during grading" in zoe.feedback


def grader_without_bubblewrap(tmp_path, *args):
    source = tmp_path / "source"
    source.mkdir(exist_ok=True)
    nbformat.write(fixture_notebook(), source / "90_fixture.ipynb")
    (tmp_path / "subs" / "alice").mkdir(parents=True, exist_ok=True)
    nbformat.write(fixture_notebook(), tmp_path / "subs" / "alice" / "90_fixture.ipynb")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no bwrap on it
    return subprocess.run([sys.executable, "-m", "lossedu.grading.assign", "grade", "subs", "--source",
                           "source", "--out", "grades", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_without_bubblewrap_the_grader_refuses_unless_asked_and_then_says_so_once(tmp_path):
    refused = grader_without_bubblewrap(tmp_path)
    assert refused.returncode == 2 and not (tmp_path / "grades").exists()
    assert "cannot grade in a sandbox: bubblewrap is not installed" in refused.stderr
    assert "--no-sandbox" in refused.stderr and "Traceback" not in refused.stderr
    graded = grader_without_bubblewrap(tmp_path, "--no-sandbox")
    assert graded.returncode == 0, graded.stderr
    assert graded.stderr.count("WITHOUT a sandbox") == 1, graded.stderr
    gradebook = (tmp_path / "grades" / "gradebook.csv").read_text()
    assert "alice,90_fixture.ipynb,2.1,test_mae_grad,public,1,1,passed," in gradebook


def test_this_machine_can_sandbox():
    # make test installs bubblewrap; the attack tests above mean nothing without it
    assert sandbox_problem() is None, sandbox_problem()


def test_limits_reject_nonsense():
    with pytest.raises(ValueError, match="memory_bytes must be a positive integer, got -1"):
        Limits(memory_bytes=-1)
    with pytest.raises(ValueError, match="notebook_seconds must be a positive integer, got True"):
        Limits(notebook_seconds=True)


ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("page", ["README.md", "book/instructors.md"])
def test_the_quoted_grading_rate_is_the_measured_one(page):
    import json

    measured = json.loads((ROOT / "benchmarks" / "grading_rate.json").read_text())
    text = " ".join((ROOT / page).read_text().split())
    assert measured["date"] in text
    for figures in measured["classes"].values():
        assert f"{figures['seconds_per_notebook']:.2f} s" in text
        assert f"about {figures['minutes_for_200_students_6_chapters']} min" in text
    assert measured["classes"]["instructor"]["minutes_for_200_students_6_chapters"] < 120
