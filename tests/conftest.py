"""Test configuration shared by all test modules."""

import fcntl
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

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
                   "test_grading_sandbox.py",
                   "test_notebooks.py", "test_workflow.py",
                   "test_publishing.py", "test_training.py"}
FRAMEWORK_MODULES = {"assign.py", "check.py", "frameworks.py", "publish.py", "training.py"}
NUMPY_ONLY = bool(os.environ.get("LOSSEDU_NUMPY_ONLY"))


def _needs_frameworks(path: Path) -> bool:
    return (path.name in FRAMEWORK_TESTS and path.parent.name == "tests"
            or path.name in FRAMEWORK_MODULES and path.parent.name == "lossedu")


def pytest_ignore_collect(collection_path: Path, config):
    if NUMPY_ONLY and _needs_frameworks(collection_path):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _needs_frameworks(item.path):
            item.add_marker(pytest.mark.needs_frameworks)


def pytest_terminal_summary(terminalreporter):
    """Report how many sentences of each chapter are guarded by a claim check (lossedu.claims)."""
    if NUMPY_ONLY or not any("test_notebooks.py::test_claims" in report.nodeid
                             for report in terminalreporter.stats.get("passed", [])):
        return
    import json

    from lossedu.claims import CELL_TAG

    root = SOURCE.parent
    counts = {}  # notebook -> (claim-check cells, claim() calls in them)
    for path in sorted([*root.glob("notebooks/*.ipynb"), *root.glob("book/*.ipynb")]):
        checks = ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]
                  if CELL_TAG in cell["metadata"].get("tags", [])]
        counts[path.stem] = (len(checks), sum(source.count("claim(") for source in checks))
    terminalreporter.write_line(
        "claim checks (cells/claims): " + ", ".join(f"{name} {c}/{n}" for name, (c, n) in counts.items())
        + f"; {sum(c for c, _ in counts.values())}/{sum(n for _, n in counts.values())} in all")


@pytest.fixture(scope="session")
def computed_once(tmp_path_factory):
    """``computed_once(name, compute)``: ``compute(folder)``'s result, computed by one
    pytest-xdist worker in a folder of the run and shared with the others (pickled), for
    expensive fixtures whose tests the scheduler may spread over several workers."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own

    def compute_or_load(name, compute):
        result = shared / f"{name}.pickle"
        with open(shared / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not result.exists():
                folder = shared / name
                folder.mkdir()
                result.write_bytes(pickle.dumps(compute(folder)))
        return pickle.loads(result.read_bytes())

    return compute_or_load
