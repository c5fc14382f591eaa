"""Make the atlas's history (``make atlas-history``): every release of
:data:`~lossedu.atlas.history.PACKAGES`, one at a time, in an environment of its own.

For each release, :func:`probe_release` makes a bare virtual environment, installs the release
with pip (with numpy, and for Keras its backends at the pinned versions), checks that the
framework imports, runs every atlas snippet there (:func:`lossedu.atlas.probing.run` with that
environment's Python), and deletes the environment before the next one. A release that cannot be
installed or imported is recorded with the reason.

``python -m lossedu.atlas.releases [--frameworks torch,jax] [--redo] [--retry-failed] [--list]
[--history FILE]`` (:func:`main`)

- The history file is rewritten after each release, so an interrupted run resumes where it
  stopped: a release already stored is skipped, unless it lacks an answer or holds one from a
  snippet that changed since (:meth:`~lossedu.atlas.history.Release.lacking`), or ``--redo``
  asks for it again. A release that could not be probed (its reason is stored) is tried again
  with ``--retry-failed``.
- Each line of progress names the release, how many are left and the time so far.
- At the end it prints what changed against the history as it was before the run
  (:func:`compare`).

>>> [line for line in plan(History(()), ["mlx"], redo=False)][:2]
[('mlx', '0.29.4'), ('mlx', '0.30.6')]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Sequence

from .frameworks import FRAMEWORKS
from .history import PACKAGES, History, Release, history_path, package, snippet_digest
from .probing import QUIET, run, same_answer
from .tables import TITLES, describe

WORK = Path("_build") / "atlas-history"
INSTALL_SECONDS = 1800


def plan(stored: History, names: Sequence[str] | None, redo: bool,
         retry: bool = False) -> list[tuple[str, str]]:
    """The releases to probe, in :data:`PACKAGES`' order: those of ``names`` (all when None)
    that ``stored`` lacks, or holds with an answer missing or stale; every one of them with
    ``redo``; with ``retry``, those that could not be probed too."""
    chosen = [package(name) for name in names] if names else list(PACKAGES.values())
    have = {r.key: r for r in stored.releases}
    todo = []
    for candidate in chosen:
        for version in candidate.versions:
            release = have.get((candidate.name, version))
            if (redo or release is None or release.lacking()
                    or retry and release.status != "probed"):
                todo.append((candidate.name, version))
    return todo


def _last_line(text: str) -> str:
    """The line of pip's or Python's error output that says what went wrong: pip's first
    specific ERROR line (not the generic "ResolutionImpossible: for help visit ..."), else the
    last line.

    >>> _last_line("ERROR: Cannot install a==1 and b==2\\nERROR: ResolutionImpossible: see")
    'ERROR: Cannot install a==1 and b==2'
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")
              and "ResolutionImpossible" not in line]
    return (errors[:1] or lines[-1:] or ["(no output)"])[0][:300]


def _installed(python: Path, names: Sequence[str]) -> dict:
    program = ("import importlib.metadata as m, json, sys\n"
               "found = {}\n"
               "for name in sys.argv[1:]:\n"
               "    try:\n"
               "        found[name] = m.version(name)\n"
               "    except m.PackageNotFoundError:\n"
               "        pass\n"
               "print(json.dumps(found))")
    done = subprocess.run([str(python), "-I", "-c", program, *names], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def probe_release(name: str, version: str, work: Path = WORK,
                  pip_options: Sequence[str] = ()) -> Release:
    """Install ``version`` of framework ``name`` in a fresh environment under ``work`` (pip
    given ``pip_options`` too), probe every entry in each of its columns, delete the
    environment; the :class:`Release`. Whatever goes wrong is recorded in it, with the reason."""
    chosen = package(name)
    environment = (work / f"{chosen.name}-{version}").resolve()
    shutil.rmtree(environment, ignore_errors=True)
    common = dict(date=date.today().isoformat(), python=platform.python_version(),
                  platform=f"{platform.system()} {platform.machine()}")
    try:
        return _probe(chosen, version, environment, pip_options, common)
    except (subprocess.SubprocessError, OSError, RuntimeError, ValueError) as error:
        reason = " ".join(str(error).split())[:300] or type(error).__name__
        return Release(chosen.name, version, "probe failed", reason=reason, **common)
    finally:
        shutil.rmtree(environment, ignore_errors=True)


def _probe(chosen, version: str, environment: Path, pip_options, common: dict) -> Release:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(environment)],
                   check=True, capture_output=True, text=True)
    python = environment / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-cache-dir", "--disable-pip-version-check", *pip_options,
         *chosen.requirements(version)],
        capture_output=True, text=True, timeout=INSTALL_SECONDS)
    if install.returncode != 0:
        return Release(chosen.name, version, "not installable",
                       reason=f"pip install failed: {_last_line(install.stderr)}", **common)
    names = [requirement.split("==")[0].split("[")[0]
             for requirement in chosen.requirements(version)]
    installed = _installed(python, names)
    for column in chosen.columns:
        framework = FRAMEWORKS[column]
        imports = "; ".join(f"import {module}" for module in
                            (*framework.requires, framework.module))
        check = subprocess.run([str(python), "-I", "-c", imports], capture_output=True,
                               text=True, env={**os.environ, **QUIET}, timeout=600)
        if check.returncode != 0:
            return Release(chosen.name, version, "does not import", installed=installed,
                           reason=f"{imports}: {_last_line(check.stderr)}", **common)
    results = run(None, list(chosen.columns), python=str(python),
                  installed=lambda column: True)
    snippets = {f"{r.id}/{r.framework}": snippet_digest(r.id, r.framework) for r in results}
    return Release(chosen.name, version, "probed", installed=installed,
                   results=tuple(results), snippets=snippets, **common)


def compare(before: History, after: History) -> list[str]:
    """What a run changed: releases added, and answers that differ from the stored ones."""
    old = {r.key: r for r in before.releases}
    lines = []
    for release in after.releases:
        previous = old.get(release.key)
        label = f"{release.package} {release.version}"
        if previous is None:
            lines.append(f"  new: {label} ({release.status}"
                         f"{': ' + release.reason if release.reason else ''})")
        elif previous.status != release.status:
            lines.append(f"  {label}: {previous.status}, now {release.status}")
        else:
            for result in release.results:
                earlier = previous.answer(result.id, result.framework)
                if earlier is not None and not same_answer(earlier, result):
                    lines.append(f"  {label} {result.id} ({TITLES[result.framework]}): "
                                 f"{describe(earlier)}, now {describe(result)}")
    return lines or ["  nothing changed"]


def _store(current: History, release: Release, path: Path) -> History:
    releases = [r for r in current.releases if r.key != release.key] + [release]
    order = {(p.name, v): i for i, (p, v) in enumerate(
        (p, v) for p in PACKAGES.values() for v in p.versions)}
    releases.sort(key=lambda r: order.get(r.key, len(order)))
    updated = History(tuple(releases), current.about)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as handle:  # whole or not at all, even if the run is killed
        handle.write(updated.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    return updated


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


ABOUT = ("Each release installed with pip in a fresh virtual environment (Keras with its "
         "backends at the pinned versions), every atlas snippet run there in float32, on the "
         "CPU; made by make atlas-history (lossedu/atlas/releases.py).")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m lossedu.atlas.releases",
                                     description="Probe the atlas in earlier releases of each "
                                                 "framework, and store the history.")
    parser.add_argument("--frameworks", help=f"comma-separated, from {','.join(PACKAGES)}")
    parser.add_argument("--redo", action="store_true", help="probe stored releases again")
    parser.add_argument("--retry-failed", action="store_true",
                        help="probe again the releases that could not be probed")
    parser.add_argument("--list", action="store_true", help="only list what would be probed")
    parser.add_argument("--history", default=None, help="the history file (default: lossedu's)")
    args = parser.parse_args(argv)
    path = Path(args.history) if args.history else history_path()
    # answers of entries the atlas no longer has are dropped, and their releases probed again
    before = (History.from_json(path.read_text(), drop_unknown=True) if path.exists()
              else History((), ABOUT))
    names = [n.strip() for n in args.frameworks.split(",")] if args.frameworks else None
    try:
        todo = plan(before, names, args.redo, args.retry_failed)
    except ValueError as error:
        parser.error(str(error))
    print(f"{len(todo)} releases to probe: "
          + (", ".join(f"{n} {v}" for n, v in todo) or "none (the history is complete)"),
          flush=True)
    if args.list:
        return 0
    current, started = History(before.releases, ABOUT), time.monotonic()
    for done, (name, version) in enumerate(todo):
        elapsed = time.monotonic() - started
        left = (f", about {_duration(elapsed / done * (len(todo) - done))} left"
                if done else "")
        print(f"[{done + 1}/{len(todo)}] {name} {version} ({_duration(elapsed)} so far{left})",
              flush=True)
        release = probe_release(name, version)
        current = _store(current, release, path)
        print(f"    {release.status}"
              + (f": {release.reason}" if release.reason else
                 f", {len(release.results)} answers"), flush=True)
    print(f"Done in {_duration(time.monotonic() - started)}. Against the history as it was:")
    print("\n".join(compare(before, current)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
