"""One class graded by the sandboxed grader, shared by tests/test_assign.py (every kind of broken
submission) and tests/test_grading_sandbox.py (every attack, beside two honest classmates).

Every student hands in the same small fixture notebook (a fast kernel, exercise 2.1), changed as
their kind says. The whole class is graded in one run of the grader (:func:`grade_the_class`),
which tests/conftest.py starts in the background when the test session begins, so its waits (the
limits the slow and hostile notebooks run into) overlap the other tests instead of holding up a
test worker.

The limits hold an honest notebook on a machine ten times slower than these: here its slowest
cell takes about 0.2 s (the limit is 5 s) and the whole notebook, sandbox and kernel included,
2 to 3 s while the other tests run (the limit is 40 s). The grader runs a hanging notebook twice
(first the cells its exercises need, then all of them), so json_hangs takes twice 40 s.
"""

from __future__ import annotations

import socket
import textwrap
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lossedu.grading import assign
from lossedu.grading.sandbox import Limits

LIMITS = Limits(cell_seconds=5, notebook_seconds=40, memory_bytes=2**30, output_bytes=2**20)
WORKERS = 3  # notebooks graded at once: most of the slow ones wait rather than compute

GOOD = ("def my_mae_grad(y_true, y_pred):\n    ### BEGIN SOLUTION\n"
        "    r = np.asarray(y_pred, float) - np.asarray(y_true, float)\n"
        "    return np.sign(r) / r.size\n    ### END SOLUTION")
CHECK = 'check.exercise("2.1")'
WRONG = "def my_mae_grad(y_true, y_pred):\n    return 0 * np.asarray(y_pred, float)"
# The fixture's tests: one public (a 2 x 2 case), one hidden (float32, with two ties).
PUBLIC_TESTS = '''@check.test_case("2.1", points=1, failure_message="wrong values")
def test_mae_grad(my_mae_grad):
    import numpy as np
    y_true, y_pred = np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([[1.0, 1.0], [0.0, 4.0]])
    got = np.asarray(my_mae_grad(y_true, y_pred), float)
    assert got.shape == y_pred.shape, "wrong shape"
    assert np.allclose(got, np.sign(y_pred - y_true) / 4)'''
HIDDEN_TESTS = '''@check.test_case("2.1", points=1, hidden=True, failure_message="wrong in float32")
def test_float32_ties(my_mae_grad):
    import numpy as np
    y_true = np.array([0.5, 2.0, -1.0], np.float32)
    y_pred = np.array([0.5, 3.0, -1.0], np.float32)
    assert np.allclose(np.asarray(my_mae_grad(y_true, y_pred), float), [0, 1 / 3, 0])'''


def _tests_cell(source: str, hidden: bool):
    cell = new_code_cell(source)
    cell.metadata.update(tags=["tests", "remove-cell"] if hidden else ["tests"],
                         lossedu={"exercise": "2.1"})
    return cell


def fixture_notebook(solution=GOOD, check=CHECK, extra=None):
    """The fixture assignment: exercise 2.1 with ``solution`` in its solution cell, an ``extra``
    cell after it if given, its public and hidden tests, and the check cell ``check`` (none if
    None)."""
    cells = [new_code_cell("import numpy as np\nfrom lossedu.grading import check"),
             new_markdown_cell("### Exercise 2.1 (code)\nWrite my_mae_grad.")]
    solution_cell = new_code_cell(solution)
    solution_cell.metadata.update(tags=["solution"], lossedu={"exercise": "2.1"})
    cells.append(solution_cell)
    if extra:
        cells.append(new_code_cell(extra))
    cells += [_tests_cell(PUBLIC_TESTS, hidden=False), _tests_cell(HIDDEN_TESTS, hidden=True)]
    if check is not None:
        check_cell = new_code_cell(check)
        check_cell.metadata.update(tags=["check"], lossedu={"exercise": "2.1"})
        cells.append(check_cell)
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


# Every kind of broken submission, and its row: (points, words in the feedback).
SUBMISSIONS = {
    "good": fixture_notebook(),
    "untouched": assign.student_version(fixture_notebook()),
    "syntax_error": fixture_notebook(solution="def my_mae_grad(y_true, y_pred)\n    return 0"),
    "raises": fixture_notebook(solution="def my_mae_grad(y_true, y_pred):\n    return 1 / 0"),
    # a cell that never returns (it waits, as on input()), and a function that spins forever
    "slow_cell": fixture_notebook(solution="import time\ntime.sleep(10**6)"),
    "slow_function": fixture_notebook(solution="def my_mae_grad(y_true, y_pred):\n    while True:\n        pass"),
    "deleted_check": fixture_notebook(check=None),
    "edited_check": fixture_notebook(solution="def my_mae_grad(t, p):\n    return 0",
                                     check='print("Exercise 2.1: passed")'),
    # the original check with a line added: still an edited check cell, not a match
    "appended_check": fixture_notebook(solution="def my_mae_grad(t, p):\n    return 0",
                                       check=CHECK + "\nprint('Exercise 2.1: passed')"),
    # the grader's slice misses a name bound by exec(), so the whole notebook runs
    "hidden_dependency": fixture_notebook(solution=GOOD.replace("r.size", "r.size * scale"),
                                          extra="exec('scale = 1')"),
    "tampering": fixture_notebook(solution="def my_mae_grad(t, p):\n    return 0",
                                  extra="check.run_tests = lambda *a, **k: []\n"
                                        "check.exercise = lambda *a: 'passed'"),
}
BROKEN_FILES = {"invalid_json": "{ this is not json", "empty_file": ""}
FULL = 2  # the fixture's points
EXPECTED = {
    "good": (FULL, "passed"),
    "untouched": (0, "not implemented yet"),
    "syntax_error": (0, "SyntaxError"),
    "raises": (0, "ZeroDivisionError"),
    "slow_cell": (0, f"timed out after {LIMITS.cell_seconds} s"),
    "slow_function": (0, f"timed out after {LIMITS.cell_seconds} s"),
    "deleted_check": (0, "check cell of this exercise was deleted"),
    "edited_check": (0, "check cell of this exercise was edited"),
    "appended_check": (0, "check cell of this exercise was edited"),
    "hidden_dependency": (FULL, "passed"),
    "tampering": (0, "wrong shape"),
    "invalid_json": (0, "not a valid notebook"),
    "empty_file": (0, "not a valid notebook"),
}

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
    # Three processes of 400 MiB each: none alone breaks the limit, together they do. They stay
    # alive through eight short cells (16 s, well inside both limits), so the watchdog sees them
    # however long a busy machine takes to start them (9 s here while the test suite ran).
    "memory_processes": ([
        "import subprocess, sys\n"
        "hog = \"import time; x = b'x' * (400 * 2**20); time.sleep(60)\"\n"
        "hogs = [subprocess.Popen([sys.executable, '-I', '-S', '-c', hog]) for _ in range(3)]",
        *["import time\ntime.sleep(2)"] * 8], "memory limit exceeded"),
    "print_marker": (["import builtins\n"
                      "def print(*args, **kwargs):\n"
                      "    builtins.print('LOSSEDU-GRADE {{\"passed\": true, \"feedback\": \"ok\"}}')\n"
                      "print('Exercise 2.1: passed')"], "wrong"),
    "json_hangs": (["import json, time\njson.dumps = lambda *a, **k: time.sleep(10**6)\n"
                    "json.loads = json.dumps"], "ran past the limit"),
    "check_module": (["import importlib, sys, types\nimport lossedu.grading.check as real\n"
                      "passed = real.Outcome('2.1', 'test_mae_grad', 1, 1, False, True, 'passed', '')\n"
                      "real.run_test = lambda *a, **k: passed\n"
                      "real.run_tests = lambda *a, **k: [passed]\n"
                      "real.write_verdict = lambda *a, **k: None\n"
                      "fake = types.ModuleType('lossedu.grading.check')\nfake.__dict__.update(vars(real))\n"
                      "sys.modules['lossedu.grading.check'] = fake\nimportlib.reload = lambda m: m"],
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
                            # the kernel is killed as soon as the grading cell ends, so the
                            # forger's last write lands before or after the grader's verdict:
                            # then the verdict is refused as forged, or it is the grader's own
                            ("not the grader's", "wrong values")),
    "hangs_the_check": (["import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)"],
                        f"timed out after {LIMITS.cell_seconds} s"),
    # flush=True waits for each line to be sent: unflushed, the kernel buffers the flood
    # faster than it sends it and reaches the memory limit first.
    "floods_output": (["while True:\n    print('flood ' * 1000, flush=True)"],
                      "output limit exceeded"),
}
ATTACK_SOLUTIONS = {"hangs_the_check": "import time\ndef my_mae_grad(y_true, y_pred):\n    time.sleep(10**6)"}
HONEST = ("alice", "zoe")  # graded before and after the attacks


def write_submissions(submissions: Path, source: Path, out: Path, port: int) -> None:
    """Every student's folder: the kinds of broken submission, the honest two and the attacks
    (which name ``source``, ``out``, zoe's notebook and ``port`` on the host)."""
    for student, notebook in SUBMISSIONS.items():
        (submissions / student).mkdir(parents=True)
        nbformat.write(notebook, submissions / student / "90_fixture.ipynb")
    for student, text in BROKEN_FILES.items():
        (submissions / student).mkdir(parents=True)
        (submissions / student / "90_fixture.ipynb").write_text(text)
    (submissions / "good" / "notes.txt").write_text("not a notebook")
    for student in HONEST:
        (submissions / student).mkdir(parents=True)
        nbformat.write(fixture_notebook(), submissions / student / "90_fixture.ipynb")
    paths = {"victim": str(submissions / "zoe" / "90_fixture.ipynb"), "out": str(out),
             "source": str(source / "90_fixture.ipynb"), "port": port}
    for student, (cells, _) in ATTACKS.items():
        notebook = fixture_notebook(solution=ATTACK_SOLUTIONS.get(student, WRONG))
        # Each attempt in a cell of its own before the solution, so each error shows.
        for cell in reversed(cells):
            notebook.cells.insert(2, new_code_cell(cell_the_grader_runs(cell.format(**paths))))
        (submissions / student).mkdir(parents=True)
        nbformat.write(notebook, submissions / student / "90_fixture.ipynb")


def cell_the_grader_runs(code: str) -> str:
    """``code`` in a cell that the grader's slice cannot skip: it runs inside a function that
    then binds ``np``, which the solution reads (lossedu.grading.cell_slice keeps a call of a function
    that sets a global the solution needs)."""
    return ("def attack():\n    global np\n" + textwrap.indent(code, "    ")
            + "\n    import numpy as np\n\n\nattack()")


class Spans:
    """When each student's notebook started and finished grading (time.monotonic), recorded
    around ``assign.grade_notebook`` for the students of one submissions folder."""

    def __init__(self, submissions: Path):
        self.submissions, self.spans, self._lock = submissions, {}, threading.Lock()

    def __enter__(self):
        self._original = original = assign.grade_notebook

        def recorded(path, *args, **kwargs):
            started = time.monotonic()
            try:
                return original(path, *args, **kwargs)
            finally:
                if Path(path).parent.parent == self.submissions:
                    with self._lock:
                        self.spans[Path(path).parent.name] = (started, time.monotonic())

        assign.grade_notebook = recorded
        return self

    def __exit__(self, *exc):
        assign.grade_notebook = self._original


def grade_the_class(root: Path) -> dict:
    """Grade the whole class in ``root`` in one run: the rows, every file's bytes before the run,
    when each notebook was graded, whether any notebook reached a listener on the host, and the
    folders."""
    source, submissions, out = root / "source", root / "submissions", root / "out"
    source.mkdir()
    nbformat.write(fixture_notebook(), source / "90_fixture.ipynb")
    out.mkdir()
    (out / "earlier-gradebook.csv").write_text("last term's grades\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    write_submissions(submissions, source, out, listener.getsockname()[1])
    before = {p: p.read_bytes() for p in [*submissions.rglob("*.*"), *source.iterdir(),
                                          *out.iterdir()]}
    with Spans(submissions) as spans:
        rows = assign.grade(submissions, source, out, limits=LIMITS, workers=WORKERS)
    try:
        connection, _ = listener.accept()
        connection.close()
        reached = True
    except (socket.timeout, TimeoutError):
        reached = False
    listener.close()
    return {"rows": rows, "before": before, "spans": spans.spans, "reached": reached, "out": out,
            "submissions": submissions}


def row_of(graded: dict, student: str, exercise: str = "2.1") -> SimpleNamespace:
    """The rows (one per test) of ``student``'s fixture notebook for ``exercise``, as one:
    points and max_points summed, the distinct feedbacks joined by " | ", the sha256."""
    mine = [row for row in graded["rows"] if row.student == student and row.exercise == exercise]
    assert [row.test for row in mine] == ["test_mae_grad", "test_float32_ties"], mine
    assert len({row.sha256 for row in mine}) == 1, mine
    return SimpleNamespace(points=sum(r.points for r in mine),
                           max_points=sum(r.max_points for r in mine),
                           feedback=" | ".join(dict.fromkeys(r.feedback for r in mine)),
                           sha256=mine[0].sha256)
