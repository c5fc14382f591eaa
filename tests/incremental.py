"""`make test` runs again only the tests whose inputs changed since they last passed.

A test that passed is recorded in ``_build/passed-tests.json`` with what it depended on; the
next `make test` (pytest's ``--incremental``) deselects it when every one of those inputs is
unchanged, and runs it otherwise. A test that failed, was skipped, or never ran is always run.
A fresh clone (CI) has no record, so it runs everything; so does ``make test FULL=1``.

What a test depends on:

- **the environment**: the Python, every installed distribution and its version, the tools
  the tests start (Chromium, bubblewrap, clang, axe-core), the environment variables that change
  what the tests do (``CI``, ``HYPOTHESIS_*``, ``LOSSEDU_*``, ...) and the pytest options that
  change how an item runs (``--nbval*``, ``--doctest-modules``);
- **the code**: every file git lists (tracked, or untracked and not ignored) that is not
  content below. Changing lossedu, a test, the Makefile or a data file reruns every test;
- **the content it read**: the notebooks, the book's pages and configuration, the built book
  (``_build/html``), the README and the benchmark figures, each counted only for the tests that
  read it. What a test read is
  recorded while it runs, in its own process, by an audit hook (:func:`sys.addaudithook`):
  every file opened and every folder listed during the collection of its file, its fixtures (a
  fixture's reads count for every test that uses it) and its setup, call and teardown. Content
  shared between tests goes through fixtures: a cache that one test fills and another reads
  would hide the second test's read. What a test module reads when it is imported counts for
  its own tests even when another test module imports it first (and for the importer's too).

What another process reads cannot be seen, so a test that starts a process inside the
repository, or names a content path (or a folder holding one) in the process's arguments,
depends on all the content; one started elsewhere that names none reads only code (a grader run
on copies in a temporary folder, a snippet in a fresh Python). Three kinds of process never
count: a Jupyter kernel (the test process sends it the cells), Playwright's browser (it asks the
test's own HTTP server, whose reads are recorded), and a computation declared with
:func:`declare_reads` (tests/conftest.py's background computations, which name what they read).
A path passed to a process in an environment variable is not looked for.

    python -m pytest --incremental ...   # what make test passes
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import pytest

RECORD = Path("_build") / "passed-tests.json"  # in the repository (pytest's rootdir)
# Content: files that some tests read and others do not (everything else git lists is code)
CONTENT_FILES = ("_config.yml", "_toc.yml", "README.md", "CONTRIBUTING.md",
                 "benchmarks/make_test_time.json", "benchmarks/grading_rate.json")
CONTENT_FOLDERS = ("notebooks", "book", "_build/html")
CODE_INSIDE_CONTENT = ("book/_ext",)  # the book's Sphinx extensions are code
ENVIRONMENT_VARIABLES = ("CI", "CHROMIUM", "BOOK_HTML", "KERAS_BACKEND", "PYTHONHASHSEED")
ENVIRONMENT_PREFIXES = ("HYPOTHESIS_", "LOSSEDU_", "TF_", "JAX_", "XLA_")
TOOLS = ("/usr/bin/chromium", "/usr/bin/bwrap", "/usr/bin/clang",
         "tests/browser/axe/node_modules/axe-core/axe.min.js")
# Processes that read no content themselves (see the module's docstring)
READS_NOTHING = ("ipykernel_launcher", "playwright")
ALL_CONTENT = "*"  # a read that stands for every content file


_root = Path.cwd()  # the repository: pytest's rootdir, set when the plugin is registered


def _relative(path) -> str | None:
    """``path`` relative to the repository, or None when it lies outside it."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        return None  # a file descriptor
    absolute = os.path.abspath(path)
    root = str(_root)
    if absolute != root and not absolute.startswith(root + os.sep):
        return None
    return Path(absolute).relative_to(_root).as_posix()


def is_content(relative: str) -> bool:
    """Whether a repository path is content (read by some tests only), not code.

    >>> is_content("notebooks/01_mae_mse_from_scratch.ipynb"), is_content("lossedu/losses.py")
    (True, False)
    """
    if relative.startswith(tuple(folder + "/" for folder in CODE_INSIDE_CONTENT)):
        return False
    return relative in CONTENT_FILES or any(relative == folder or relative.startswith(folder + "/")
                                            for folder in CONTENT_FOLDERS)


class Reads:
    """What the test process read of the content while a test, a fixture or a collection ran."""

    def __init__(self):
        self.files: set[str] = set()
        self.folders: set[str] = set()

    def add(self, other: "Reads") -> None:
        self.files |= other.files
        self.folders |= other.folders


_open_records: list[Reads] = []
_quiet = threading.local()  # set in a thread whose processes are declared (declare_reads)


def _on_event(event, args):
    if not _open_records or getattr(_quiet, "on", False):
        return
    if event == "open":
        relative = _relative(args[0])
        if relative is not None and is_content(relative) and "__pycache__" not in relative:
            _read(relative, "files")
    elif event in ("os.listdir", "os.scandir"):
        relative = _relative(args[0] if args[0] is not None else ".")
        if relative is not None and is_content(relative):
            _read(relative, "folders")
    elif event in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.system"):
        argv = args[0] if event == "os.system" else args[1]
        argv = [argv] if isinstance(argv, (str, bytes, os.PathLike)) else list(argv)
        argv = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in argv]
        cwd = args[2] if event == "subprocess.Popen" else None  # the others do not say
        if _may_read_content(argv, cwd):
            _read(ALL_CONTENT, "files")


_module_reads: dict[str, Reads] = {}  # a module's file: what it read while it was imported


def _read(relative: str, kind: str) -> None:
    """Count a read for whatever is being recorded, and for every module of the repository
    whose import is under way: a test module that another imports first keeps its reads."""
    for record in _open_records:
        getattr(record, kind).add(relative)
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            module = _relative(frame.f_code.co_filename)
            if module is not None and not module.startswith(".venv/"):
                reads = _module_reads.setdefault(frame.f_code.co_filename, Reads())
                getattr(reads, kind).add(relative)
        frame = frame.f_back


def _may_read_content(argv: list[str], cwd) -> bool:
    """Whether a process started with ``argv`` in ``cwd`` (None: unknown, or this process's)
    may read content: unless it is one of READS_NOTHING, whether it starts inside the
    repository or names a content path (or a folder holding one) in its arguments.

    >>> _may_read_content(["git", "status"], "/")
    False
    >>> _may_read_content(["ghp-import", str(_root / "_build" / "html")], "/")
    True
    """
    command = " ".join(argv)
    if any(name in command for name in READS_NOTHING):
        return False
    start = os.path.abspath(os.getcwd() if cwd is None else os.fsdecode(cwd))
    if _relative(start) is not None:
        return True
    root = re.escape(str(_root))
    for match in re.finditer(root + r"(?:/[^\s'\";:]*)?", command):
        relative = _relative(match[0])
        if relative is not None and _holds_content(relative):
            return True
    return False


def _holds_content(relative: str) -> bool:
    """Whether a repository path is content, or a folder that holds some (the root too)."""
    if relative in ("", ".") or is_content(relative):
        return True
    return any(path.startswith(relative.rstrip("/") + "/") for path in CONTENT_FILES + CONTENT_FOLDERS)


@contextmanager
def recording():
    """Record the content read in this process until the block ends; yields the :class:`Reads`."""
    reads = Reads()
    _open_records.append(reads)
    try:
        yield reads
    finally:
        _open_records.remove(reads)


@contextmanager
def processes_declared():
    """Processes this thread starts inside the block are accounted for by :func:`declare_reads`."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


def declare_reads(paths) -> None:
    """Count ``paths`` (relative to the repository) as read by whatever is being recorded now:
    what a process started under :func:`processes_declared` reads.

    >>> with recording() as reads:
    ...     declare_reads(["notebooks/03_kink_across_frameworks.ipynb"])
    >>> sorted(reads.files)
    ['notebooks/03_kink_across_frameworks.ipynb']
    """
    for record in _open_records:
        record.files.update(paths)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _listed_files() -> list[str] | None:
    """Every file git lists (tracked, or untracked and not ignored), or None outside a git
    checkout."""
    try:
        run = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=_root, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    listed = filter(None, os.fsdecode(run.stdout).split("\0"))
    return sorted({path for path in listed if "__pycache__/" not in path})  # Python's, not ours


class Inputs:
    """The inputs of this run: the environment and code key, and the content as it is now."""

    def __init__(self, config):
        listed = _listed_files()
        self.usable = listed is not None
        listed = listed or []
        code = hashlib.sha256()
        for relative in listed:
            if not is_content(relative) and (_root / relative).is_file():
                code.update(relative.encode() + b"\0" + (_root / relative).read_bytes() + b"\0")
        environment = {
            "python": [sys.version, sys.executable, platform.platform()],
            "distributions": sorted(f"{d.metadata['Name']}=={d.version}"
                                    for d in metadata.distributions()),
            "variables": sorted((k, v) for k, v in os.environ.items()
                                if k in ENVIRONMENT_VARIABLES or k.startswith(ENVIRONMENT_PREFIXES)),
            "tools": [self._stat(tool) for tool in TOOLS],
            "options": sorted(a for a in config.invocation_params.args
                              if str(a).startswith(("--nbval", "--doctest"))),
        }
        code.update(json.dumps(environment, sort_keys=True).encode())
        self.key = code.hexdigest()
        self.listed_content = [r for r in listed if is_content(r)]
        self._hashes: dict[str, str | None] = {}

    @staticmethod
    def _stat(tool: str):
        path = Path(tool) if tool.startswith("/") else _root / tool
        try:
            path = path.resolve()
            stat = path.stat()
        except OSError:
            return [tool, None]
        return [str(path), stat.st_size, stat.st_mtime_ns]

    def hash_of(self, relative: str) -> str | None:
        """The content's hash now: a file's bytes, a folder's listing, or for ALL_CONTENT every
        content file git lists and the built book."""
        if relative not in self._hashes:
            path = _root / relative
            if relative == ALL_CONTENT:
                built = sorted(p.relative_to(_root).as_posix()
                               for p in (_root / "_build" / "html").rglob("*") if p.is_file())
                combined = hashlib.sha256()
                for name in self.listed_content + built:
                    combined.update(f"{name}\0{self.hash_of(name)}\0".encode())
                self._hashes[relative] = combined.hexdigest()
            elif path.is_file():
                self._hashes[relative] = _digest(path.read_bytes())
            elif path.is_dir():
                self._hashes[relative] = _digest("\0".join(sorted(os.listdir(path))).encode())
            else:
                self._hashes[relative] = None
        return self._hashes[relative]


class Incremental:
    """The plugin: deselects what passed before with the same inputs, records what passes."""

    def __init__(self, config):
        self.config = config
        self.inputs = Inputs(config)
        self.previous = self._load() if self.inputs.usable else {}
        self.collected: dict[str, Reads] = {}
        self.fixtures: dict[str, Reads] = {}
        self.items: dict[str, Reads] = {}
        self.outcomes: dict[str, bool] = {}  # nodeid: every phase passed so far
        self.reads: dict[str, dict] = {}  # nodeid: what its process reported it read
        self.unchanged: list[str] = []  # known when the session ends (the controller's)
        self.worker = hasattr(config, "workerinput")  # a pytest-xdist worker, not the controller
        if not self.worker:
            self.inputs.hash_of(ALL_CONTENT)  # the content as the tests will read it
        sys.addaudithook(_on_event)  # stays for the process's life; idle without a recording

    def _load(self) -> dict:
        try:
            record = json.loads((_root / RECORD).read_text())
        except (OSError, ValueError):
            return {}
        return record.get("tests", {}) if isinstance(record, dict) else {}

    def still_passes(self, nodeid: str) -> bool:
        record = self.previous.get(nodeid)
        if not record or record.get("key") != self.inputs.key:
            return False
        return all(self.inputs.hash_of(path) == digest for path, digest in record["reads"].items())

    # collection -------------------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector):
        # files and classes only: the session's and folders' collection encloses every file's
        if not isinstance(collector, (pytest.File, pytest.Class)):
            yield
            return
        with recording() as reads:
            yield
        # a file's module and its doctests are two collectors with one node id: either may
        # import it
        self.collected.setdefault(collector.nodeid, Reads()).add(reads)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        unchanged = [item for item in items if self.still_passes(item.nodeid)]
        if unchanged:
            names = {item.nodeid for item in unchanged}
            items[:] = [item for item in items if item.nodeid not in names]
            config.hook.pytest_deselected(items=unchanged)

    # running ----------------------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef):
        with recording() as reads:
            yield
        self.fixtures.setdefault(fixturedef.argname, Reads()).add(reads)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item):
        with recording() as reads:
            self.items[item.nodeid] = reads
            yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        if call.when != "teardown":
            return
        reads = Reads()
        sources = [self.items.get(item.nodeid, Reads())]
        sources += [self.fixtures[name] for name in getattr(item, "fixturenames", ())
                    if name in self.fixtures]
        sources += [self.collected[node.nodeid] for node in item.listchain()
                    if node.nodeid in self.collected]
        sources.append(_module_reads.get(str(item.path), Reads()))
        for source in sources:
            reads.add(source)
        outcome.get_result().user_properties.append(
            ("incremental_reads", {"files": sorted(reads.files), "folders": sorted(reads.folders)}))

    # recording (in the process that reports: the only one, or pytest-xdist's controller) -------
    def pytest_runtest_logreport(self, report):
        self.outcomes[report.nodeid] = self.outcomes.get(report.nodeid, True) and report.passed
        for name, value in report.user_properties:
            if name == "incremental_reads":
                self.reads[report.nodeid] = value

    def pytest_sessionfinish(self, session):
        if not self.inputs.usable or self.worker:
            return
        # the tests not run now because they passed before with the same inputs
        self.unchanged = [nodeid for nodeid in self.previous
                          if nodeid not in self.outcomes and self.still_passes(nodeid)]
        if session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self.unchanged:
            session.exitstatus = pytest.ExitCode.OK  # nothing to run again is a success
        tests = {nodeid: self.previous[nodeid] for nodeid in self.unchanged}
        for nodeid, passed in self.outcomes.items():
            if passed and nodeid in self.reads:
                read = {*self.reads[nodeid]["files"], *self.reads[nodeid]["folders"]}
                if ALL_CONTENT in read:
                    read = {ALL_CONTENT}
                tests[nodeid] = {"key": self.inputs.key,
                                 "reads": {path: self.inputs.hash_of(path) for path in sorted(read)}}
        record = _root / RECORD
        record.parent.mkdir(parents=True, exist_ok=True)
        partial = record.with_suffix(".partial")
        partial.write_text(json.dumps({"tests": tests}, indent=0, sort_keys=True))
        partial.replace(record)

    def pytest_terminal_summary(self, terminalreporter):  # after pytest_sessionfinish
        if unchanged := len(self.unchanged):
            terminalreporter.write_line(
                f"incremental: {unchanged} tests passed before with the same inputs and were not "
                f"run again (`make test FULL=1` runs them all; tests/incremental.py)")


def pytest_addoption(parser):
    parser.addoption("--incremental", action="store_true",
                     help="run only the tests whose inputs changed since they last passed "
                          "(tests/incremental.py)")


def pytest_configure(config):
    global _root
    if config.getoption("--incremental", default=False):
        _root = Path(config.rootpath).resolve()
        config.pluginmanager.register(Incremental(config), "lossedu-incremental")
