"""Run the course where its readers run it, each in an environment of its own.

    python tests/environments/legs.py colab   # Colab's runtime (Python 3.13, Colab's pins)
    python tests/environments/legs.py binder  # binder/requirements.txt, as repo2docker installs it
    python tests/environments/legs.py lowest  # the lowest Python and NumPy pyproject.toml declares

Each leg builds a virtual environment under ``_build/envs/<leg>`` (reused while its inputs do not
change) and writes ``_build/legs/<leg>/report.md`` and ``report.json``. It exits non-zero on any
error, and on any output that differs from the stored one unless the cell declares why it may
(``metadata["lossedu"]["version_dependent"]``).

The Colab leg runs every notebook as a student does: a fresh kernel in an empty folder, the
notebook's own first cell, which pip-installs lossedu from the repository. A stand-in
``google.colab`` module makes that cell take its Colab branch, and git is told to fetch the
repository's address from a snapshot of this working tree, so no network and no push is needed.
Then lossedu's unit tests and doctests run against the installed package, and the atlas computed
there is compared with the copy stored in ``lossedu/data/atlas-colab.json`` (``--update-atlas``
rewrites it).

Run it from the course's own ``.venv`` (it drives the kernels with nbclient); ``make test-colab``,
``make test-binder`` and ``make test-lowest`` do.
"""

from __future__ import annotations

import argparse
import configparser
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from lossedu.common.extras import EXTRAS
from lossedu.chapters.publish import repository

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = ROOT / "_build"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))
COLAB_REQUIREMENTS = HERE / "colab-requirements.txt"
COLAB_ATLAS = ROOT / "lossedu" / "data" / "atlas-colab.json"
CELL_TIMEOUT = 300  # seconds per cell
KERNEL_NAME = "lossedu-leg"

TEXT_TYPES = ("text/plain", "text/markdown", "text/html", "text/latex")


def run(command, **kwargs):
    """Run a command, echoing it; raise with its output if it fails."""
    print("+", " ".join(str(c) for c in command), flush=True)
    return subprocess.run([str(c) for c in command], check=True, **kwargs)


# ---------------------------------------------------------------------------------------------
# Interpreters and environments

def python_version(command: str) -> str | None:
    """``"3.13"`` for a working interpreter, None if ``command`` does not run."""
    try:
        found = subprocess.run([command, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() if found.returncode == 0 else None


def find_python(version: str, requested: str | None) -> str:
    """An interpreter of ``version``: ``requested`` if given (it must be that version), else
    ``python<version>`` on PATH, else the newest matching pyenv installation."""
    if requested:
        found = python_version(requested)
        if found != version:
            sys.exit(f"{requested} is Python {found or '(does not run)'}, not {version}")
        return shutil.which(requested) or requested
    candidates = [f"python{version}"]
    pyenv = subprocess.run(["pyenv", "root"], capture_output=True, text=True) \
        if shutil.which("pyenv") else None
    if pyenv is not None and pyenv.returncode == 0:
        installed = glob.glob(f"{pyenv.stdout.strip()}/versions/{version}.*/bin/python")
        candidates += sorted(installed, key=lambda p: [int(n) for n in re.findall(r"\d+", p)[-3:]],
                             reverse=True)
    for candidate in candidates:
        if python_version(candidate) == version:
            return shutil.which(candidate) or candidate
    sys.exit(f"no Python {version} found (tried {', '.join(candidates)}); install one, or name "
             f"it with the leg's --python option (make: COLAB_PYTHON=..., BINDER_PYTHON=..., "
             f"LOWEST_PYTHON=...)")


def build_env(name: str, python: str, pip_args: list[str], inputs: list[Path],
              **pip_variables: str) -> Path:
    """A virtual environment ``_build/envs/<name>`` with ``pip install <pip_args>`` run in the
    repository root (with ``pip_variables`` set); rebuilt only when the interpreter, the
    arguments or ``inputs`` change."""
    env = BUILD / "envs" / name
    key = hashlib.sha256(json.dumps([os.path.realpath(python), pip_args]).encode()
                         + b"".join(p.read_bytes() for p in inputs)).hexdigest()
    stamp = env / ".installed"
    if stamp.is_file() and stamp.read_text() == key:
        print(f"{env}: up to date")
        return env
    shutil.rmtree(env, ignore_errors=True)
    started = time.monotonic()
    run([python, "-m", "venv", env])
    run([env / "bin" / "python", "-m", "pip", "install", "--quiet", *pip_args], cwd=ROOT,
        env={**os.environ, **pip_variables})
    stamp.write_text(key)
    print(f"{env}: installed in {time.monotonic() - started:.0f} s")
    return env


# ---------------------------------------------------------------------------------------------
# Executing notebooks and comparing their outputs with the stored ones

def nbval_rules() -> dict[str, tuple[re.Pattern, str]]:
    """The sanitize rules nbval applies (tests/nbval_sanitize.cfg), by section name."""
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return {s: (re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()}


NBVAL_RULES = nbval_rules()
VERSIONS = "framework-versions"  # the rule that replaces "torch 2.13.0+cpu" by "torch <version>"


def normalise(text: str) -> str:
    """The text as nbval compares it (addresses, version names replaced). A line that named a
    version may be padded to align a column, so there runs of spaces count as one."""
    for name, (pattern, replacement) in NBVAL_RULES.items():
        if name != VERSIONS:
            text = pattern.sub(replacement, text)
    pattern, replacement = NBVAL_RULES[VERSIONS]
    lines = []
    for line in text.split("\n"):
        replaced = pattern.sub(replacement, line)
        lines.append(re.sub(r" {2,}", " ", replaced) if replaced != line else line)
    return "\n".join(lines)


def text_outputs(cell) -> list[tuple[str, str]]:
    """What a reader reads of a code cell's outputs, as (kind, text) pairs: streams (consecutive
    pieces of one stream joined), textual display data, and errors; images are skipped, as
    nbval skips them."""
    texts: list[tuple[str, str]] = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream":
            name = f"stream:{output['name']}"
            if texts and texts[-1][0] == name:
                texts[-1] = (name, texts[-1][1] + output["text"])
            else:
                texts.append((name, output["text"]))
        elif kind in ("display_data", "execute_result"):
            texts += [(mime, _joined(output["data"][mime]))
                      for mime in TEXT_TYPES if mime in output.get("data", {})]
        elif kind == "error":
            texts.append(("error", f"{output['ename']}: {output['evalue']}"))
    return [(kind, normalise(text)) for kind, text in texts]


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def declared_reason(cell) -> str | None:
    return cell.metadata.get("lossedu", {}).get("version_dependent")


@dataclass
class NotebookRun:
    notebook: str
    seconds: float = 0.0
    cells: int = 0
    errors: list = field(default_factory=list)        # [cell index, "Name: message"]
    differences: list = field(default_factory=list)   # dicts: cell, declared, stored, fresh
    failure: str | None = None                         # the run as a whole could not finish

    @property
    def unexplained(self) -> list:
        return [d for d in self.differences if not d["declared"]]

    @property
    def passed(self) -> bool:
        return not self.failure and not self.errors and not self.unexplained


def kernel_spec(env: Path, spec_root: Path, extra_env: dict[str, str]) -> None:
    """A kernel spec ``lossedu-leg`` that starts ``env``'s Python with ``extra_env``."""
    folder = spec_root / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [str(env / "bin" / "python"), "-m", "ipykernel_launcher", "-f",
                     "{connection_file}"],
            "display_name": f"lossedu leg ({env.name})", "language": "python", "env": extra_env}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))


def kernel_environment(env: Path, **extra: str) -> dict[str, str]:
    """The variables a reader's kernel would have: this process's, minus the course's own
    virtual environment, with ``env``'s ``bin`` first on PATH."""
    own = os.environ.get("VIRTUAL_ENV")
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep)
            if not (own and p.startswith(own)) and not p.startswith(str(ROOT / ".venv"))]
    variables = {"PATH": os.pathsep.join([str(env / "bin")] + path), "VIRTUAL_ENV": str(env),
                 "PYTHONPATH": ""}
    variables.update(extra)
    return variables


def execute(path: Path, cwd: Path) -> NotebookRun:
    """Run the notebook at ``path`` top to bottom in a fresh ``lossedu-leg`` kernel with ``cwd``
    as its working folder; compare every cell's text outputs with the stored ones."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    stored = nbformat.read(path, as_version=4)
    fresh = nbformat.read(path, as_version=4)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    result = NotebookRun(str(path.relative_to(ROOT)))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as sockets:  # local sockets, not TCP: no kernel warnings
        client = NotebookClient(fresh, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT,
                                allow_errors=True, record_timing=False,
                                resources={"metadata": {"path": str(cwd)}},
                                config=Config({"KernelManager": {"transport": "ipc",
                                                                 "ip": f"{sockets}/kernel"}}))
        try:
            client.execute()
        except Exception as error:  # a dead kernel or a cell past its time limit
            result.failure = f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}"
    result.seconds = time.monotonic() - started
    for index, (old, new) in enumerate(zip(stored.cells, fresh.cells)):
        if old.cell_type != "code":
            continue
        result.cells += 1
        result.errors += [[index, f"{o['ename']}: {o['evalue']}"]
                          for o in new.get("outputs", []) if o["output_type"] == "error"]
        before, after = text_outputs(old), text_outputs(new)
        if before != after:
            result.differences.append({"cell": index, "declared": declared_reason(old),
                                       "source": old.source.splitlines()[:1],
                                       "stored": before, "fresh": after})
    return result


def run_notebooks(env: Path, notebooks: list[Path], *, in_place: bool,
                  before_each=None, **kernel_variables: str) -> list[NotebookRun]:
    """Execute each notebook in ``env``: in its own folder (``in_place``), or in a new empty one."""
    spec_root = Path(tempfile.mkdtemp(prefix="lossedu-kernels-"))
    kernel_spec(env, spec_root, kernel_environment(env, **kernel_variables))
    os.environ["JUPYTER_PATH"] = str(spec_root)
    runs = []
    for path in notebooks:
        if before_each:
            before_each()
        with tempfile.TemporaryDirectory(prefix="lossedu-student-") as scratch:
            result = execute(path, path.parent if in_place else Path(scratch))
        runs.append(result)
        verdict = "ok" if result.passed else "FAILED"
        print(f"{result.notebook}: {verdict} in {result.seconds:.0f} s, {len(result.errors)} "
              f"errors, {len(result.differences)} differences "
              f"({len(result.unexplained)} unexplained)", flush=True)
    shutil.rmtree(spec_root, ignore_errors=True)
    return runs


# ---------------------------------------------------------------------------------------------
# Reports

def write_report(leg: str, runs: list[NotebookRun], checks: dict[str, str], versions: str) -> Path:
    """``report.md`` and ``report.json`` in ``_build/legs/<leg>``; returns the folder."""
    folder = BUILD / "legs" / leg
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(
        {"leg": leg, "versions": versions, "checks": checks,
         "notebooks": [{**r.__dict__, "passed": r.passed} for r in runs]}, indent=1))
    lines = [f"# The {leg} leg", "", f"Versions: {versions}", ""]
    if runs:
        lines += ["| notebook | result | seconds | code cells | errors | differences (declared) |",
                  "|---|---|---|---|---|---|"]
    for r in runs:
        declared = len(r.differences) - len(r.unexplained)
        lines.append(f"| {r.notebook} | {'passed' if r.passed else 'FAILED'} | {r.seconds:.0f} | "
                     f"{r.cells} | {len(r.errors)} | {len(r.differences)} ({declared}) |")
    lines += ["", *(f"- {name}: {outcome}" for name, outcome in checks.items())]
    for r in runs:
        if r.failure:
            lines += ["", f"## {r.notebook}: the run stopped", "", r.failure]
        for index, error in r.errors:
            lines += ["", f"## {r.notebook}, cell {index}: error", "", f"    {error}"]
        for d in r.differences:
            why = f"declared: {d['declared']}" if d["declared"] else "UNEXPLAINED"
            lines += ["", f"## {r.notebook}, cell {d['cell']}: differs ({why})", "",
                      f"First line of the cell: `{''.join(d['source'])}`", "", "Stored:", "",
                      *(f"    [{k}] {line}" for k, t in d["stored"] for line in t.splitlines()),
                      "", "This run:", "",
                      *(f"    [{k}] {line}" for k, t in d["fresh"] for line in t.splitlines())]
    (folder / "report.md").write_text("\n".join(lines) + "\n")
    print(f"report: {folder / 'report.md'}")
    return folder


def env_versions(env: Path) -> str:
    code = ("import sys; sys.path = [p for p in sys.path if p]; import lossedu; "
            "print(lossedu.versions_line())")
    return subprocess.run([env / "bin" / "python", "-c", code], capture_output=True, text=True,
                          cwd=tempfile.gettempdir(), check=True).stdout.strip()


# ---------------------------------------------------------------------------------------------
# The legs

def snapshot_repository(destination: Path, branch: str) -> Path:
    """A git repository holding this working tree (committed or not) on ``branch``."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    git = ["git", "-c", "user.name=lossedu legs", "-c", "user.email=legs@localhost"]
    run(git + ["init", "--quiet", "--initial-branch", branch], cwd=destination)
    run(git + ["add", "--all"], cwd=destination)
    run(git + ["commit", "--quiet", "--message", "snapshot of the working tree"], cwd=destination)
    return destination


def requirements_date(path: Path) -> str:
    match = re.search(r"dated (\d{4}-\d\d-\d\d)", path.read_text())
    if not match:
        sys.exit(f"{path} does not say the date of Colab's package list ('dated YYYY-MM-DD')")
    return match.group(1)


def unit_tests(env: Path, *pytest_args: str, **variables: str) -> str:
    """Run lossedu's tests with ``env``'s pytest against the installed package (not the source
    tree: the test configuration checks where lossedu was imported from)."""
    command = [env / "bin" / "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    outcome = subprocess.run([str(c) for c in command], cwd=ROOT, text=True, capture_output=True,
                             env={**kernel_environment(env), "LOSSEDU_INSTALLED_ONLY": "1",
                                  **variables})
    print(outcome.stdout[-4000:], outcome.stderr[-2000:], sep="\n", flush=True)
    summary = (outcome.stdout.strip().splitlines() or ["no output"])[-1]
    return ("passed: " if outcome.returncode == 0 else "FAILED: ") + summary


def colab_atlas(env: Path, update: bool) -> str:
    """The atlas computed in Colab's environment (every framework installed there), compared
    with the stored copy."""
    output = subprocess.run([env / "bin" / "python", "-m", "lossedu.atlas", "--json"],
                            capture_output=True, text=True, check=True, cwd=tempfile.gettempdir(),
                            env=kernel_environment(env)).stdout
    results = json.loads(output)
    details = subprocess.run([env / "bin" / "python", "-c", "import platform; "
                              "print(platform.python_version(), platform.system(), "
                              "platform.machine())"],
                             capture_output=True, text=True, check=True).stdout.split()
    record = {
        "environment": "Colab's runtime",
        "date": requirements_date(COLAB_REQUIREMENTS),
        "python": details[0],
        "platform": " ".join(details[1:]),
        "note": ("computed by the Colab leg (tests/environments/legs.py colab) with Colab's "
                 "package versions (date: of Colab's package list); its torch is the "
                 "registry's build of Colab's version"),
        "results": results,
    }
    # one result a line, so a change of answer is a one-line diff
    header = json.dumps({k: v for k, v in record.items() if k != "results"}, indent=1)
    text = (header[:-2] + ',\n "results": [\n'
            + ",\n".join("  " + json.dumps(r) for r in results) + "\n ]\n}\n")
    (BUILD / "legs" / "colab").mkdir(parents=True, exist_ok=True)
    (BUILD / "legs" / "colab" / "atlas.json").write_text(text)
    if update:
        COLAB_ATLAS.parent.mkdir(parents=True, exist_ok=True)
        COLAB_ATLAS.write_text(text)
        return f"passed: written to {COLAB_ATLAS.relative_to(ROOT)}"
    if COLAB_ATLAS.is_file() and json.loads(COLAB_ATLAS.read_text()) == record:
        return f"passed: identical to {COLAB_ATLAS.relative_to(ROOT)}"
    return (f"FAILED: the atlas computed here differs from {COLAB_ATLAS.relative_to(ROOT)}; if "
            f"Colab's versions changed, store it with `make test-colab COLAB_UPDATE_ATLAS=1` and "
            f"re-run `make notebooks`")


def colab_leg(args) -> bool:
    python = find_python("3.13", args.python)
    env = build_env("colab", python, ["-r", str(COLAB_REQUIREMENTS)], [COLAB_REQUIREMENTS])
    url, branch = repository(ROOT / "_config.yml")
    work = BUILD / "legs" / "colab"
    snapshot = snapshot_repository(work / "repository", branch)
    # git fetches the repository's address from the snapshot instead
    gitconfig = work / "gitconfig"
    gitconfig.write_text(f'[url "{snapshot.as_uri()}"]\n\tinsteadOf = {url}\n')
    # the notebooks' first cell takes its Colab branch when google.colab imports
    stub = work / "colab-stub"
    (stub / "google" / "colab").mkdir(parents=True, exist_ok=True)
    (stub / "google" / "colab" / "__init__.py").write_text(
        '"""Stand-in for Colab\'s own package: its presence is what the Colab cell checks."""\n')
    # JAX imports google.colab.output as soon as google.colab is imported, as it is in Colab
    (stub / "google" / "colab" / "output.py").write_text(
        '"""Stand-in for Colab\'s output module, which JAX imports in Colab."""\n')

    def uninstall_lossedu():  # each notebook starts from Colab's packages, without lossedu
        run([env / "bin" / "python", "-m", "pip", "uninstall", "--quiet", "--yes", "lossedu"],
            stderr=subprocess.DEVNULL)

    runs = run_notebooks(env, NOTEBOOKS, in_place=False, before_each=uninstall_lossedu,
                         PYTHONPATH=str(stub), GIT_CONFIG_GLOBAL=str(gitconfig),
                         GIT_CONFIG_NOSYSTEM="1")
    run([env / "bin" / "python", "-m", "pip", "install", "--quiet", f"{snapshot}[assign]"])
    checks = {
        "unit tests and doctests (installed lossedu)": unit_tests(
            env, "--doctest-modules", "--ignore=tests/browser", "--ignore=tests/pdf", "--ignore=tests/environments",
            "--ignore=tests/test_workflow.py",  # the repository's CI tooling, not the course
            "tests", "--pyargs", "lossedu"),
        "atlas": colab_atlas(env, args.update_atlas),
    }
    write_report("colab", runs, checks, env_versions(env))
    return all(r.passed for r in runs) and all(c.startswith("passed") for c in checks.values())


def binder_leg(args) -> bool:
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    python = find_python(runtime.removeprefix("python-"), args.python)
    requirements = ROOT / "binder" / "requirements.txt"
    # The file is installed as it is. Its PyTorch CPU index is not reachable from the course
    # machines, where a local copy of the same CPU wheel stands in (pip's find-links); without
    # retries, pip moves on at once instead of retrying that index for every package.
    env = build_env("binder", python, ["-r", str(requirements.relative_to(ROOT))],
                    [requirements, ROOT / "pyproject.toml"], PIP_RETRIES="0")
    runs = run_notebooks(env, NOTEBOOKS, in_place=True)
    write_report("binder", runs, {}, env_versions(env))
    return all(r.passed for r in runs)


def lowest_declared() -> tuple[str, list[str]]:
    """The lowest Python and the lowest version of each dependency that pyproject.toml admits."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    python = re.fullmatch(r">=\s*(3\.\d+)", project["requires-python"]).group(1)
    pins = []
    for requirement in project["dependencies"]:
        name, low = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([\d.]+)", requirement).groups()
        pins.append(f"{name}=={low}")
    return python, pins


def lowest_leg(args) -> bool:
    version, pins = lowest_declared()
    python = find_python(version, args.python)
    # the test tools at the course's pins, or older where those need a newer Python; mpmath
    # computes the exact references of the property tests (tests/references.py), jedi finds
    # definitions as an editor does (tests/test_layout.py)
    tools = [line.split("#")[0].strip().replace("==", "<=")
             for line in (ROOT / "requirements.txt").read_text().splitlines()
             if line.startswith(("pytest==", "hypothesis==", "mpmath==", "jedi=="))]
    env = build_env("lowest", python, [*pins, *tools], [ROOT / "pyproject.toml"])
    snapshot = snapshot_repository(BUILD / "legs" / "lowest" / "repository", "main")
    run([env / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
         snapshot])
    # The modules named like an extra need it even to import (lossedu.grading.assign needs
    # lossedu[assign]); this leg installs none, so their doctests are not collected.
    checks = {"NumPy-only unit tests and doctests": unit_tests(
        env, "-m", "not needs_frameworks", "--doctest-modules", "--ignore=tests/browser",
        "--ignore=tests/pdf", "--ignore=tests/environments", *(f"--ignore-glob=*/lossedu/*/{extra}.py" for extra in EXTRAS),
        "tests", "--pyargs", "lossedu", LOSSEDU_NUMPY_ONLY="1")}
    write_report("lowest", [], checks, env_versions(env) + " (" + ", ".join(pins) + ")")
    return all(c.startswith("passed") for c in checks.values())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python tests/environments/legs.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("leg", choices=["colab", "binder", "lowest"])
    parser.add_argument("--python", help="the interpreter to build the environment with "
                        "(default: python3.X on PATH, else pyenv's newest 3.X)")
    parser.add_argument("--update-atlas", action="store_true",
                        help="colab: store the atlas computed there in lossedu/data/")
    args = parser.parse_args(argv)
    started = time.monotonic()
    passed = {"colab": colab_leg, "binder": binder_leg, "lowest": lowest_leg}[args.leg](args)
    print(f"the {args.leg} leg {'passed' if passed else 'FAILED'} in "
          f"{time.monotonic() - started:.0f} s")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
