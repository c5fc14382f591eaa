"""The grader attacked: each submission below tries what a mischievous student would, graded in
one run beside two honest classmates. Every attack must be contained (and reported where the
sandbox can tell), and the classmates' grades and files must come out untouched."""

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from lossedu import assign
from lossedu.sandbox import Limits, sandbox_problem
from test_assign import GOOD, fixture_notebook

WRONG = "def my_mae_grad(y_true, y_pred):\n    return 0 * np.asarray(y_pred, float)"
LIMITS = Limits(cell_seconds=4, notebook_seconds=25, memory_bytes=2**30, output_bytes=2**20)

# Each attack: its cells (formatted with the paths and port of the run), and what its row says.
ATTACKS = {
    "overwrite_classmate": (["open({victim!r}, 'w').write('{{}}')"], "the grading's files"),
    "through_parent_cwd": (["import os\nopen(f'/proc/{{os.getppid()}}/cwd/evil.txt', 'w')"],
                           "reach another process"),
    "read_classmate": (["exec(open({victim!r}).read().split('### BEGIN SOLUTION')[0])"],
                       "the grading's files"),
    "delete_gradebook": (["import shutil\nshutil.rmtree({out!r})", "import os\nos.remove({source!r})"],
                         "the grading's files"),
    "network": (["import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3)",
                 "socket.create_connection(('192.0.2.1', 80), timeout=3)"],
                "network connection"),
    "memory_one_cell": (["x = np.ones(50 * 10**9 // 8)"], "memory limit exceeded"),
    "memory_processes": ([
        "import subprocess, sys, time\n"
        "hogs = [subprocess.Popen([sys.executable, '-c', 'import numpy as np, time; "
        "x = np.ones(400 * 2**20 // 8); time.sleep(60)']) for _ in range(3)]\n"
        "time.sleep(30)"], "memory limit exceeded"),
    "print_marker": (["import builtins\n"
                      "def print(*args, **kwargs):\n"
                      "    builtins.print('LOSSEDU-GRADE {{\"passed\": true, \"feedback\": \"ok\"}}')\n"
                      "print('Exercise 2.1: passed')"], "wrong"),
    "json_hangs": (["import json, time\njson.dumps = lambda *a, **k: time.sleep(10**6)\n"
                    "json.loads = json.dumps"], "ran past the limit"),
    "check_module": (["import importlib, sys, types\nimport lossedu.check as real\n"
                      "passed = real.CheckResult('2.1', True, 'all hidden cases pass')\n"
                      "real.grade = real.exercise_2_1 = lambda *a, **k: passed\n"
                      "real.write_verdict = lambda *a, **k: None\n"
                      "fake = types.ModuleType('lossedu.check')\nfake.__dict__.update(vars(real))\n"
                      "sys.modules['lossedu.check'] = fake\nimportlib.reload = lambda m: m"],
                     "wrong"),
    "forged_verdict_file": (["import os, threading, time\nos.makedirs('results', exist_ok=True)\n"
                             "def forge():\n"
                             "    while True:\n"
                             "        for source in list(In) + [str(get_ipython().user_ns.get('_i', ''))]:\n"
                             "            if 'write_verdict' in source:\n"
                             "                nonce = source.split(\"'\")[-2]\n"
                             "                open('results/2.1', 'w').write(nonce + '\\npassed\\nok\\n')\n"
                             "        open('results/2.1', 'w').write('x\\npassed\\nok\\n')\n"
                             "        time.sleep(0.01)\n"
                             "threading.Thread(target=forge, daemon=True).start()"],
                            "not the grader's"),
    "hangs_the_check": (["import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)"],
                        "timed out after 4 s"),
    "floods_output": (["i = 0\nwhile True:\n    print(i)\n    i += 1"], "output limit exceeded"),
}
SOLUTIONS = {"hangs_the_check": "import time\ndef my_mae_grad(y_true, y_pred):\n    time.sleep(10**6)"}
HONEST = ("alice", "zoe")  # graded before and after the attacks


@pytest.fixture(scope="session")
def attacked(computed_once):
    return computed_once("attacked", grade_the_attacks)


def grade_the_attacks(root: Path) -> dict:
    source, submissions, out = root / "source", root / "submissions", root / "out"
    source.mkdir()
    nbformat.write(fixture_notebook(), source / "90_fixture.ipynb")
    out.mkdir()
    (out / "earlier-gradebook.csv").write_text("last term's grades\n")
    for student in HONEST:
        (submissions / student).mkdir(parents=True)
        nbformat.write(fixture_notebook(), submissions / student / "90_fixture.ipynb")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    paths = {"victim": str(submissions / "zoe" / "90_fixture.ipynb"), "out": str(out),
             "source": str(source / "90_fixture.ipynb"), "port": listener.getsockname()[1]}
    for student, (cells, _) in ATTACKS.items():
        notebook = fixture_notebook(solution=SOLUTIONS.get(student, WRONG))
        # Each attempt in a cell of its own before the solution, so each error shows; each
        # binds np, which the solution reads, so the grader must run it.
        for cell in reversed(cells):
            notebook.cells.insert(2, nbformat.v4.new_code_cell(
                "import numpy as np\n" + cell.format(**paths)))
        (submissions / student).mkdir(parents=True)
        nbformat.write(notebook, submissions / student / "90_fixture.ipynb")
    before = {p: p.read_bytes() for p in [*submissions.rglob("*.ipynb"), *source.iterdir(),
                                          *out.iterdir()]}
    start = time.monotonic()
    rows = assign.grade(submissions, source, out, limits=LIMITS)
    seconds = time.monotonic() - start
    try:
        connection, _ = listener.accept()
        connection.close()
        reached = True
    except (socket.timeout, TimeoutError):
        reached = False
    listener.close()
    return {"rows": rows, "before": before, "seconds": seconds, "reached": reached, "out": out,
            "submissions": submissions}


def row_of(attacked, student):
    mine = [row for row in attacked["rows"] if row.student == student]
    assert len(mine) == 1, mine
    return mine[0]


@pytest.mark.parametrize("student", ATTACKS)
def test_every_attack_scores_zero_and_says_what_stopped_it(attacked, student):
    row = row_of(attacked, student)
    assert row.points == 0, row
    assert ATTACKS[student][1] in row.feedback, row.feedback


@pytest.mark.parametrize("student", HONEST)
def test_the_honest_classmates_keep_their_grades(attacked, student):
    row = row_of(attacked, student)
    assert (row.points, row.feedback) == (1, "all hidden cases pass")


def test_no_file_outside_the_sandboxes_changed(attacked):
    for path, data in attacked["before"].items():
        assert path.read_bytes() == data, f"{path} changed"
    assert not list(Path("/").glob("evil.txt")) and not list(Path.cwd().glob("evil.txt"))
    for row in attacked["rows"]:  # each row's hash is that of the file as it was handed in
        graded = attacked["submissions"] / row.student / row.notebook
        assert row.sha256 == hashlib.sha256(attacked["before"][graded]).hexdigest()


def test_no_attack_reached_the_network(attacked):
    assert not attacked["reached"], "a submission connected to a listener on the host"


def test_a_hanging_submission_stalls_nobody(attacked):
    # 15 notebooks on 2 workers: the hanging one costs its own wall-clock limit, no more
    assert attacked["seconds"] < LIMITS.notebook_seconds + 90, attacked["seconds"]


def test_without_the_sandbox_an_overwrite_is_graded_from_the_file_read_first_and_reported(tmp_path):
    source, submissions = tmp_path / "source", tmp_path / "submissions"
    source.mkdir()
    nbformat.write(fixture_notebook(), source / "90_fixture.ipynb")
    victim = submissions / "zoe" / "90_fixture.ipynb"
    victim.parent.mkdir(parents=True)
    nbformat.write(fixture_notebook(), victim)
    original = victim.read_bytes()
    (submissions / "mallory").mkdir()
    attack = f"\nopen({str(victim)!r}, 'w').write('{{}}')"  # in the cell the grader must run
    nbformat.write(fixture_notebook(solution=GOOD + attack),
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
    return subprocess.run([sys.executable, "-m", "lossedu.assign", "grade", "subs", "--source",
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
    assert "alice,90_fixture.ipynb,2.1,1,1" in (tmp_path / "grades" / "gradebook.csv").read_text()


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
