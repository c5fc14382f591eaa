"""Run one notebook in a sandbox, within limits, and get the executed copy back.

The grader (:mod:`lossedu.grading.assign`) hands each submission to :func:`execute_isolated`. A fresh
Python process, the *driver*, executes the notebook in a fresh kernel (nbclient) and sends the
executed notebook, and the files its cells wrote to ``<scratch>/results``, back on a pipe. With
bubblewrap (Linux), the driver and its kernel run in a sandbox:

- the only writable places are a private scratch folder and a private ``/tmp`` (size-limited
  memory file systems that vanish with the run);
- everything else they see is read-only, and only what Python needs is there at all (the system's
  ``/usr``, a few files of ``/etc``, the Python installation, the lossedu package): the
  submissions, the source notebooks, the gradebook and the home folder are invisible;
- no network (a network namespace of its own), no view of other processes (a PID namespace of
  its own), no capabilities, a new terminal session.

With or without the sandbox, these limits hold: a time limit per cell (the kernel is
interrupted), a wall-clock limit for the whole notebook and a memory limit for all its processes
together (enforced from outside: the process tree is killed), a memory limit per process (a
``MemoryError`` where a cell allocates too much), and a limit on the size of the outputs.

:class:`Limits` holds these limits, and :func:`execute_isolated` runs a notebook within them
and returns an :class:`Execution` (the executed notebook, the result files, and why the run
failed, if it did). :func:`sandbox_problem` says whether bubblewrap can create the sandbox here
(None) or what is wrong; when a sandbox is asked for and cannot be made,
:func:`execute_isolated` raises :class:`SandboxUnavailable`.

>>> Limits(memory_bytes=2**30).memory_bytes
1073741824
>>> Limits(cell_seconds=0)
Traceback (most recent call last):
...
ValueError: cell_seconds must be a positive integer, got 0
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path

from ..maths.validation import check_count

RESULTS = "results"  # the folder of the scratch folder whose files come back with the run
MAX_RESULT_FILES, MAX_RESULT_CHARS = 64, 65_536
POLL_SECONDS = 0.2

# What the sandbox shows of the machine, read-only: the system, and the files of /etc that
# Python, its libraries and matplotlib's fonts read. Nothing else of /etc (no shadow, no keys).
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")
ETC_PATHS = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd",
             "group", "nsswitch.conf", "hosts", "fonts", "alternatives", "mime.types", "ssl")
# The environment the notebook gets: the host's settings that change how Python and the
# frameworks behave, and nothing else (no tokens, no paths into the home folder).
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONPATH", "PYTHONHASHSEED",
                  "OMP_NUM_THREADS", "MKL_NUM_THREADS", "CUDA_VISIBLE_DEVICES")
KEPT_PREFIXES = ("TF_", "XLA_", "JAX_")


@dataclass(frozen=True)
class Limits:
    """What one notebook may use: seconds per cell and per notebook, bytes of memory (all its
    processes together), of cell outputs, and of files it writes (scratch folder and /tmp)."""

    cell_seconds: int = 120
    notebook_seconds: int = 600
    memory_bytes: int = 4 * 2**30
    output_bytes: int = 8 * 2**20
    scratch_bytes: int = 512 * 2**20

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            check_count(value, field.name)


@dataclass(frozen=True)
class Execution:
    """What came back from a run: the executed notebook (None if the run produced none), the
    text of the files its cells wrote to ``<scratch>/results``, and why the run as a whole
    failed (a limit exceeded, a dead kernel), or None."""

    notebook: object | None
    files: dict
    failure: str | None


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


@functools.lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """None if bubblewrap can create the sandbox here; otherwise what is wrong, in one line
    (found out once per process)."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap sandboxes need Linux (this is {sys.platform})"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian and Ubuntu: apt-get install bubblewrap)"
    probe = subprocess.run([*_bwrap_arguments(Path("/tmp/lossedu-probe"), (), Limits()),
                            sys.executable, "-c", "import lossedu"],
                           capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        first = (probe.stderr.strip().splitlines() or [f"exit code {probe.returncode}"])[-1]
        return f"bubblewrap cannot create the sandbox here: {first}"
    return None


def _python_paths() -> list[Path]:
    paths = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                         sys.base_exec_prefix)}
    paths.add(Path(__file__).resolve().parents[1])  # lossedu: an editable install lives elsewhere
    paths.update(Path(p).resolve() for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
    return sorted(p for p in paths if p.exists())


def _bwrap_arguments(scratch: Path, hidden, limits: Limits) -> list[str]:
    arguments = ["bwrap", "--unshare-all", "--cap-drop", "ALL", "--die-with-parent",
                 "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev",
                 "--size", str(limits.scratch_bytes), "--tmpfs", "/tmp"]
    visible = []
    for name in SYSTEM_PATHS:
        path = Path(name)
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), name]
        elif path.exists():
            visible.append(path)
    visible += [Path("/etc", name) for name in ETC_PATHS if Path("/etc", name).exists()]
    visible += _python_paths()
    for path in visible:
        arguments += ["--ro-bind", str(path), str(path)]
    for path in hidden:  # a folder of the grading inside something the sandbox shows
        path = Path(path).resolve()
        if any(path == shown or shown in path.parents for shown in visible):
            arguments += ["--tmpfs", str(path), "--remount-ro", str(path)]
    arguments += ["--size", str(limits.scratch_bytes), "--tmpfs", str(scratch),
                  "--chdir", str(scratch)]
    for name, value in _environment(scratch).items():
        arguments += ["--setenv", name, value]
    return arguments


def _environment(scratch: Path) -> dict[str, str]:
    kept = {name: value for name, value in os.environ.items()
            if name in KEPT_VARIABLES or name.startswith(KEPT_PREFIXES)}
    kept["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                    kept.get("PATH", "/usr/local/bin:/usr/bin:/bin")])
    home = scratch / "home"
    return {**kept, "HOME": str(home), "TMPDIR": "/tmp", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(home / "matplotlib"), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def execute_isolated(notebook, limits: Limits, *, scratch: Path, sandbox: bool = True,
                     hidden=(), kernel_name: str = "python3") -> Execution:
    """Execute ``notebook`` in a fresh kernel whose working folder is ``scratch`` (an empty
    folder; inside the sandbox, a private one at the same path), within ``limits``.

    ``hidden`` names folders that must stay invisible even if they lie inside something the
    sandbox shows. Without ``sandbox`` the same limits hold, but the notebook runs with the
    caller's rights. Raises :class:`SandboxUnavailable` if a sandbox is asked for and cannot be
    made.
    """
    if sandbox and (problem := sandbox_problem()):
        raise SandboxUnavailable(problem)
    job = json.dumps({"notebook": notebook, "scratch": str(scratch), "kernel_name": kernel_name,
                      "limits": {f.name: getattr(limits, f.name) for f in fields(limits)}})
    command = [sys.executable, "-m", "lossedu.grading.sandbox"]
    if sandbox:
        command = [*_bwrap_arguments(Path(scratch), hidden, limits), *command]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True, cwd=scratch,
                               env=None if sandbox else {**_environment(Path(scratch))})
    watchdog = _Watchdog(process, limits)
    watchdog.start()
    stdout, stderr = process.communicate(job.encode())
    watchdog.stop()
    if watchdog.reason:
        return Execution(None, {}, watchdog.reason)
    try:
        result = json.loads(stdout)
    except ValueError:
        last = (stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
        return Execution(None, {}, f"the run ended without a result (exit code "
                                   f"{process.returncode}{': ' + last[:200] if last else ''})")
    import nbformat

    return Execution(nbformat.from_dict(result["notebook"]), result["files"], result["failure"])


class _Watchdog(threading.Thread):
    """Kills a run's whole process tree when it runs past the notebook's wall-clock limit or
    when its processes together use more memory than allowed."""

    def __init__(self, process, limits: Limits):
        super().__init__(daemon=True)
        self.process, self.limits = process, limits
        self.reason: str | None = None
        self._done = threading.Event()

    def run(self):
        deadline = time.monotonic() + self.limits.notebook_seconds
        while not self._done.wait(POLL_SECONDS):
            tree = _process_tree(self.process.pid)
            if time.monotonic() > deadline:
                self.reason = (f"the notebook ran past the limit of {self.limits.notebook_seconds} s "
                               f"for a whole notebook")
            elif _resident_bytes(tree) > self.limits.memory_bytes:
                self.reason = f"memory limit exceeded ({_size(self.limits.memory_bytes)})"
            if self.reason:
                for pid in tree:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:  # already gone
                        pass
                return

    def stop(self):
        self._done.set()
        self.join()


def _process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc (parents before children)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    tree, queue = [], [root]
    while queue:
        pid = queue.pop()
        tree.append(pid)
        queue.extend(children.get(pid, []))
    return tree


def _resident_bytes(pids) -> int:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


def _size(count: int) -> str:
    """A size for people to read.

    >>> _size(3 * 2**30), _size(5 * 2**20), _size(1536)
    ('3 GiB', '5 MiB', '1.5 KiB')
    """
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


# The driver: what runs inside the sandbox (python -m lossedu.grading.sandbox), reading its job on stdin.

def _make_client(notebook, scratch: Path, limits: Limits, kernel_name: str):
    from nbclient import NotebookClient
    from traitlets.config import Config

    class LimitedClient(NotebookClient):
        """Stops collecting outputs (and kills the kernel) past the output limit; runs the
        cells marked ``metadata["lossedu"]["grading"]`` without storing them in the
        kernel's input history, where the notebook's own code could read them."""

        output_size, output_exceeded = 0, False

        def output(self, outs, msg, display_id, cell_index):
            self.output_size += len(json.dumps(msg.get("content", {})))
            if self.output_size > limits.output_bytes:
                if not self.output_exceeded:
                    self.output_exceeded = True
                    self.km.provisioner.process.kill()
                return None
            return super().output(outs, msg, display_id, cell_index)

        async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                     store_history=True):
            grading = cell.get("metadata", {}).get("lossedu", {}).get("grading", False)
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history and not grading)

    # The kernel talks to the driver over local sockets in the scratch folder, not over TCP.
    local_sockets = Config({"KernelManager": {"transport": "ipc", "ip": str(scratch / "kernel")}})
    return LimitedClient(notebook, config=local_sockets, timeout=limits.cell_seconds,
                         kernel_name=kernel_name, allow_errors=True, interrupt_on_timeout=True,
                         shutdown_kernel="immediate",  # the sandbox goes with it: no clean-up
                         resources={"metadata": {"path": str(scratch)}})


def _not_dumpable() -> None:
    # The kernel runs as the same user: without this it could open /proc/<driver>/fd/... and
    # write to the pipe that carries the result.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0


def _drive() -> None:
    _not_dumpable()
    result = os.fdopen(os.dup(1), "w")  # the result pipe; the kernel inherits /dev/null instead
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    job = json.loads(sys.stdin.read())
    limits, scratch = Limits(**job["limits"]), Path(job["scratch"])
    resource.setrlimit(resource.RLIMIT_DATA, (limits.memory_bytes, limits.memory_bytes))
    (scratch / RESULTS).mkdir(parents=True, exist_ok=True)
    (scratch / "home").mkdir(exist_ok=True)

    import nbformat

    notebook = nbformat.from_dict(job["notebook"])
    client = _make_client(notebook, scratch, limits, job["kernel_name"])
    failure = None
    try:
        client.execute()
    except Exception as error:  # a dead or unresponsive kernel ends the run, with a reason
        failure = f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}"
    if client.output_exceeded:
        failure = f"output limit exceeded ({_size(limits.output_bytes)} of cell outputs)"
    elif any(output.get("ename") == "MemoryError" for cell in notebook.cells
             for output in cell.get("outputs", [])):
        failure = f"memory limit exceeded ({_size(limits.memory_bytes)})"
    files = {}
    for path in sorted((scratch / RESULTS).iterdir())[:MAX_RESULT_FILES]:
        if path.is_file() and not path.is_symlink():
            with open(path, errors="replace") as handle:
                files[path.name] = handle.read(MAX_RESULT_CHARS)
    json.dump({"notebook": notebook, "files": files, "failure": failure}, result)
    result.close()


if __name__ == "__main__":
    _drive()
