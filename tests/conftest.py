"""Test configuration shared by all test modules."""

import fcntl
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import incremental
from incremental import pytest_addoption, pytest_configure  # noqa: F401 (pytest's hooks)

# No profile has a deadline or a too_slow health check: Hypothesis's default deadline (200 ms an
# example) and its check that drawing data is not too slow are timed assertions, which fail a
# correct library on a busy machine, in CI or on a slow laptop (tests/test_hypothesis_profiles.py
# keeps it so).
# - "dev" (the default): new examples on every run; failures are remembered in .hypothesis/.
# - "ci" (when CI is set): the same examples on every run, so a submission's result does not
#   depend on luck.
# - "explore" (`make explore`, HYPOTHESIS_PROFILE=explore): ten times the examples, new ones
#   every run; tests that set their own max_examples scale with it (tests/strategies.py,
#   examples). A failure it finds is pinned with @example on its test.
PROFILES = {"dev": {}, "ci": {"derandomize": True},
            "explore": {"max_examples": 1000, "derandomize": False}}
for name, options in PROFILES.items():
    settings.register_profile(name, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                              print_blob=True, **options)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

SOURCE = Path(__file__).resolve().parent.parent / "lossedu"

# The environment legs (tests/environments/legs.py) test lossedu as pip installed it, never the
# source tree beside the tests.
if os.environ.get("LOSSEDU_INSTALLED_ONLY"):
    import lossedu

    if Path(lossedu.__file__).resolve().parent == SOURCE:
        raise RuntimeError(f"lossedu was imported from the source tree ({SOURCE}), "
                           f"not from the installed package")

# What needs torch, TensorFlow, JAX or lossedu's extras (nbformat, ...) throughout: these test
# modules, and the doctests of these lossedu modules. They carry the needs_frameworks marker;
# single tests elsewhere carry it themselves. The lowest-versions leg (LOSSEDU_NUMPY_ONLY=1), whose
# environment has NumPy and matplotlib only, does not collect them.
FRAMEWORK_TESTS = {"test_assign.py", "test_atlas.py", "test_book_pages.py", "test_check.py",
                   "test_environments.py", "test_frameworks.py", "test_framework_gradients.py",
                   "test_grading_sandbox.py", "grading_class.py", "test_exercise_cells.py",
                   "test_grade_exports.py", "test_instructors_walkthrough.py",
                   "test_notebooks.py", "test_workflow.py",
                   "test_publishing.py", "test_training.py"}
FRAMEWORK_MODULES = {"grading/assign.py", "grading/exercise_cells.py", "frameworks",
                     "chapters/publish.py", "chapters/training.py"}  # below lossedu/
NUMPY_ONLY = bool(os.environ.get("LOSSEDU_NUMPY_ONLY"))


def _inside_lossedu(path: Path) -> str | None:
    """``"frameworks/losses.py"`` for a file of lossedu (in the source tree or installed)."""
    parts = path.parts
    if "lossedu" not in parts:
        return None
    return "/".join(parts[len(parts) - parts[::-1].index("lossedu"):])


def _needs_frameworks(path: Path) -> bool:
    inside = _inside_lossedu(path)
    return (path.name in FRAMEWORK_TESTS and path.parent.name == "tests"
            or inside is not None and any(inside == module or inside.startswith(module + "/")
                                          for module in FRAMEWORK_MODULES))


def pytest_ignore_collect(collection_path: Path, config):
    if NUMPY_ONLY and _needs_frameworks(collection_path):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _needs_frameworks(item.path):
            item.add_marker(pytest.mark.needs_frameworks)
    # In a session with the notebooks and the browser checks (make test), those start first:
    # each is a long unit of work (pytest-xdist's loadfile keeps a notebook's cells in one
    # kernel, a test file on one worker) that must not be left for the end. The tests that read
    # a result computed in the background (IN_THE_BACKGROUND) run last, so that it has the whole
    # run to finish before a worker has to wait for it.
    def order(item):
        if item.path.suffix == ".ipynb":
            return 0
        if item.path.parent.name == "browser":
            return 1
        return 3 if IN_THE_BACKGROUND.keys() & set(getattr(item, "fixturenames", ())) else 2

    items.sort(key=order)


def pytest_terminal_summary(terminalreporter):
    """Report how many sentences of each chapter are guarded by a claim check (lossedu.chapters.claims)."""
    if NUMPY_ONLY or not any("test_notebooks.py::test_claims" in report.nodeid
                             for report in terminalreporter.stats.get("passed", [])):
        return
    import json

    from lossedu.chapters.claims import CELL_TAG

    root = SOURCE.parent
    counts = {}  # notebook -> (claim-check cells, claim() calls in them)
    for path in sorted([*root.glob("notebooks/*.ipynb"), *root.glob("book/*.ipynb")]):
        checks = ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]
                  if CELL_TAG in cell["metadata"].get("tags", [])]
        counts[path.stem] = (len(checks), sum(source.count("claim(") for source in checks))
    terminalreporter.write_line(
        "claim checks (cells/claims): " + ", ".join(f"{name} {c}/{n}" for name, (c, n) in counts.items())
        + f"; {sum(c for c, _ in counts.values())}/{sum(n for _, n in counts.values())} in all")


# Runs one computation of IN_THE_BACKGROUND in a Python of its own: module, function, folder,
# result file. A process, not a thread: in Python 3.11 two threads parsing code at once (the
# grader's cell slicer, pytest formatting a failure) can crash the parser.
RUNNER = """
import importlib, pickle, sys, traceback
from pathlib import Path
module, function, folder, result = sys.argv[1:]
try:
    outcome = ("result", getattr(importlib.import_module(module), function)(Path(folder)))
except BaseException:
    outcome = ("error", traceback.format_exc())
Path(result + ".partial").write_bytes(pickle.dumps(outcome))
Path(result + ".partial").rename(result)
"""


class ComputedOnce:
    """``computed_once(name)``: the result of ``IN_THE_BACKGROUND[name]`` (a function of a
    folder), computed once per run by a process of its own and shared by the pytest-xdist
    workers (pickled), for expensive fixtures whose tests the scheduler may spread over
    several workers.

    ``start(name)`` begins that computation without waiting for it, unless another worker has
    begun it, so that it runs while the tests go on; a later ``computed_once(name)`` waits for
    it. An exception in the computation is raised again, with its traceback, in every test that
    asks for the result.
    """

    def __init__(self, shared: Path):
        self.shared, self.threads = shared, []

    def _paths(self, name):
        return self.shared / f"{name}.pickle", self.shared / f"{name}.lock"

    def _compute(self, name, lock):
        result, _ = self._paths(name)
        try:
            folder = self.shared / name
            folder.mkdir()
            module, function = IN_THE_BACKGROUND[name].split(":")
            tests = str(Path(__file__).resolve().parent)
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                filter(None, [tests, os.environ.get("PYTHONPATH")]))}
            # cwd: the folder, not the repository, whose lossedu/ "python -c" would import
            # ahead of the installed package that the environment legs test
            with incremental.processes_declared():  # what it reads: CONTENT_READ_IN_THE_BACKGROUND
                run = subprocess.run([sys.executable, "-c", RUNNER, module, function,
                                      str(folder), str(result)], env=env, capture_output=True,
                                     text=True, cwd=folder)
            if not result.exists():
                result.write_bytes(pickle.dumps(("error", f"the process computing it exited "
                                                          f"with {run.returncode}:\n{run.stderr[-3000:]}")))
        finally:
            lock.close()  # releases the lock

    def start(self, name) -> None:
        result, lock_path = self._paths(name)
        lock = open(lock_path, "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another worker is computing it
            lock.close()
            return
        if result.exists():
            lock.close()
            return
        thread = threading.Thread(target=self._compute, args=(name, lock),
                                  name=f"computed_once {name}")
        thread.start()
        self.threads.append(thread)

    def __call__(self, name):
        incremental.declare_reads(CONTENT_READ_IN_THE_BACKGROUND.get(name, ()))
        result, lock_path = self._paths(name)
        lock = open(lock_path, "w")
        fcntl.flock(lock, fcntl.LOCK_EX)  # waits while another worker or thread computes it
        if result.exists():
            lock.close()
        else:
            self._compute(name, lock)
        kind, value = pickle.loads(result.read_bytes())
        if kind == "error":
            raise RuntimeError(f"computing {name} failed:\n{value}")
        return value

    def join(self):
        for thread in self.threads:
            thread.join()


@pytest.fixture(scope="session")
def computed_once(tmp_path_factory):
    """The run's :class:`ComputedOnce`."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    computed = ComputedOnce(shared)
    yield computed
    computed.join()


# The expensive results that start in the background as soon as a session whose tests need them
# begins (fixture name: "module:function" of tests/ computing it from a folder). Each waits
# mostly on processes of its own (sandboxed kernels, a notebook's kernel), so started early it
# overlaps the other tests instead of holding up a worker.
IN_THE_BACKGROUND = {"graded_class": "grading_class:grade_the_class",
                     "fresh_atlas": "atlas_fresh:probe_the_atlas",
                     "chapter_3_with_a_blocking_clamp": "test_claims:run_chapter_3_with_a_blocking_clamp"}
# The content (tests/incremental.py) each of them reads: the others read only code
CONTENT_READ_IN_THE_BACKGROUND = {
    "chapter_3_with_a_blocking_clamp": ["notebooks/03_kink_across_frameworks.ipynb"]}


@pytest.fixture(scope="session", autouse=True)
def expensive_results_started_early(request, computed_once):
    used = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for name in sorted(used & IN_THE_BACKGROUND.keys()):
        computed_once.start(name)


@pytest.fixture(scope="session")
def graded_class(computed_once):
    """The class of tests/grading_class.py, graded in one run of the grader."""
    return computed_once("graded_class")


@pytest.fixture(scope="session")
def fresh_atlas(computed_once):
    """The whole atlas probed afresh: every entry's snippet in every installed framework."""
    return computed_once("fresh_atlas")


@pytest.fixture(scope="session")
def chapter_3_with_a_blocking_clamp(computed_once):
    """Chapter 3 executed under a torch whose clamp passes no gradient at its boundary."""
    return computed_once("chapter_3_with_a_blocking_clamp")
