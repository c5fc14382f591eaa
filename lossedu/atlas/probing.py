"""The atlas's engine: run every framework's snippets and record what came back.

- :func:`run` asks frameworks (default: every one in
  :data:`~lossedu.atlas.frameworks.FRAMEWORKS`) for entries' gradients. Each framework runs in a
  process of its own, executing exactly the snippets the page shows
  (:meth:`Entry.snippet`), with lossedu out of reach (:mod:`lossedu.atlas.snippet_runner`).
  Every answer is a :class:`Result` of one of :data:`KINDS`; :func:`is_installed` says which
  frameworks can answer here.
- :func:`answer_result` records, as a :class:`Result`, an answer that code outside the atlas
  obtained (a chapter asking a framework in its own API).
- :func:`classify`, :func:`classifications` and :func:`verdict_counts` say how answers relate to
  the entries' sets of valid gradients; :func:`same_answer` compares two answers;
  :func:`run_versions` names the versions of a run; :func:`one_sided_slopes` gives NumPy's
  slopes left and right of the point.
- :class:`RecordedRun` is a stored run: :func:`stored` the book's own table
  (``lossedu/data/atlas.json``, written by :func:`store`), :func:`recorded_run` another
  environment's (Colab's).

>>> [r.kind for r in run(["abs"], ["mlx"], installed=lambda framework: False)]
['not installed']
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..maths.numdiff import numerical_grad
from ..maths.validation import check_choice
from .entries import ENTRIES, ENTRY_BY_ID, TOLERANCE, Entry
from .frameworks import FRAMEWORKS, Framework, Missing

KINDS = ("value", "none", "raises", "no op", "not installed")
RUNNER = Path(__file__).with_name("snippet_runner.py")
# Environment of the framework processes: TensorFlow's and JAX's start-up messages off.
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "JAX_PLATFORMS": "cpu",
         "PYTHONWARNINGS": "ignore"}


@dataclass(frozen=True)
class Result:
    """What one framework returned for one entry: a gradient (``"value"``, flattened over the
    entry's inputs; NaN and infinities included), no gradient (``"none"``), an exception
    (``"raises"``), no such op (``"no op"``, ``error`` says why) or ``"not installed"``.
    ``value`` is the summed op's value at the point as the framework computed it (or the line of
    the exception it raised), where the atlas ran it."""

    id: str
    framework: str
    version: str | None
    point: list
    kind: str
    grad: list | None = None
    error: str | None = None
    value: float | str | None = None

    @property
    def error_type(self) -> str | None:
        """The exception's type, for ``kind == "raises"``: ``"TypeError"``."""
        return self.error.split(":")[0] if self.kind == "raises" else None

    def to_json(self) -> dict:
        """The JSON object of ``--json``: NaN and infinities become "nan", "inf", "-inf"."""
        return {"id": self.id, "framework": self.framework, "version": self.version,
                "point": _json_numbers(self.point), "kind": self.kind,
                "grad": None if self.grad is None else _json_numbers(self.grad),
                "error": self.error,
                "value": self.value if isinstance(self.value, str) or self.value is None
                else _json_numbers(self.value)}

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        """The inverse of :meth:`to_json`.

        >>> result = Result("abs", "jax", "0.7.2", [0.0], "value", [float("nan")])
        >>> Result.from_json(result.to_json()).grad
        [nan]
        """
        keys = {"id", "framework", "version", "point", "kind", "grad", "error", "value"}
        data = {"value": None, **data} if isinstance(data, dict) else data
        if not isinstance(data, dict) or set(data) != keys:
            raise ValueError(f"an atlas result is a JSON object with the keys {sorted(keys)}, "
                             f"got {data!r:.200}")
        if data["kind"] not in KINDS:
            raise ValueError(f"unknown kind {data['kind']!r} in {data!r:.200}")
        grad = None if data["grad"] is None else _from_json_numbers(data["grad"])
        value = data["value"]
        if value in ("nan", "inf", "-inf") or isinstance(value, (int, float)):
            value = float(value)
        return cls(data["id"], data["framework"], data["version"],
                   _from_json_numbers(data["point"]), data["kind"], grad, data["error"], value)


def _json_numbers(values):
    if isinstance(values, list):
        return [_json_numbers(v) for v in values]
    if math.isnan(values):
        return "nan"
    if math.isinf(values):
        return "inf" if values > 0 else "-inf"
    return values


def _from_json_numbers(values):
    if isinstance(values, list):
        return [_from_json_numbers(v) for v in values]
    return float(values)


def is_installed(framework: str) -> bool:
    """Whether ``framework``'s modules can be imported here (found, not imported: finding
    ``mlx.core`` imports only the namespace package ``mlx``).

    A directory that merely shares a framework's name (``./mlx`` in the working directory)
    does not count: the full module path must be found.
    """
    chosen = FRAMEWORKS[framework]
    for name in (chosen.module, *chosen.requires):
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except ImportError:  # a parent package that is missing or not a package
            return False
    return True


def _version(framework: Framework) -> str | None:
    module = sys.modules.get(framework.module)
    version = getattr(module, "__version__", None) if module else None
    if version:
        return version
    try:
        return importlib.metadata.version(framework.package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _ask(framework: Framework, entries: list[Entry], timeout: float,
         python: str | None = None) -> list[Result]:
    """Run ``entries``' snippets for ``framework`` in a process of its own, by ``python`` (this
    interpreter unless another environment's is named)."""
    snippets = {e.id: e.snippet(framework.name) for e in entries}
    values = {e.id: framework.value_program(e.id, e.inputs, e.constants) for e in entries}
    request = {"module": framework.module, "package": framework.package,
               "snippets": {i: s for i, s in snippets.items() if isinstance(s, str)},
               "values": {i: s for i, s in values.items() if isinstance(s, str)},
               "inputs": {e.id: len(e.inputs) for e in entries}}
    with tempfile.TemporaryDirectory(prefix="lossedu-atlas-") as folder:
        request_path, answers_path = Path(folder, "request.json"), Path(folder, "answers.json")
        request_path.write_text(json.dumps(request))
        # -I: no user site and no current folder on the path; the runner refuses lossedu.
        done = subprocess.run([python or sys.executable, "-I", str(RUNNER), str(request_path),
                               str(answers_path)], cwd=folder, capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, **QUIET})
        if done.returncode != 0 or not answers_path.exists():
            raise RuntimeError(f"the {framework.label} snippets did not run "
                               f"(exit {done.returncode}):\n{done.stderr[-3000:]}")
        answers = json.loads(answers_path.read_text())
    results = []
    for entry in entries:
        snippet = snippets[entry.id]
        if isinstance(snippet, Missing):
            results.append(Result(entry.id, framework.name, answers["version"], entry.point,
                                  "no op", error=snippet.reason))
            continue
        answer = answers["answers"][entry.id]
        grad = None if answer.get("grad") is None else _from_json_numbers(answer["grad"])
        results.append(Result(entry.id, framework.name, answers["version"], entry.point,
                              answer["kind"], grad, answer.get("error"),
                              _from_json_numbers(answer["value"])
                              if not isinstance(answer["value"], str)
                              or answer["value"] in ("nan", "inf", "-inf") else answer["value"]))
    return results


def run(ids: Sequence[str] | None = None, frameworks: Sequence[str] | None = None, *,
        timeout: float = 900, installed: Callable[[str], bool] = is_installed,
        workers: int = 2, python: str | None = None) -> list[Result]:
    """Ask every framework (or those in ``frameworks``) for every entry's gradient (or those
    in ``ids``), one process per framework, ``workers`` at a time; results in table order,
    entry by entry. A framework that is not installed answers ``"not installed"``.
    ``python`` is another environment's interpreter to run the snippets with (the history of
    releases, :mod:`lossedu.atlas.history`); ``installed`` is then asked about that one.

    >>> [(r.framework, r.kind) for r in run(["abs"], ["torch", "jax"],
    ...                                     installed=lambda framework: False)]
    [('torch', 'not installed'), ('jax', 'not installed')]
    """
    for name, value in (("ids", ids), ("frameworks", frameworks)):
        if isinstance(value, str):
            raise TypeError(f"{name} must be a list of names, not the string {value!r}")
    ids = None if ids is None else list(ids)
    names = list(FRAMEWORKS) if frameworks is None else list(frameworks)
    if ids == [] or not names:
        raise ValueError("ids and frameworks must not be empty (None means all)")
    unknown = sorted(set(ids or ()) - set(ENTRY_BY_ID))
    if unknown:
        raise ValueError(f"unknown atlas ids {unknown}; known ids: {sorted(ENTRY_BY_ID)}")
    bad = sorted(set(names) - set(FRAMEWORKS))
    if bad:
        raise ValueError(f"unknown frameworks {bad}; use some of {list(FRAMEWORKS)}")
    entries = [ENTRY_BY_ID[i] for i in ids] if ids else list(ENTRIES)

    def ask(name: str) -> list[Result]:
        if not installed(name):
            return [Result(e.id, name, None, e.point, "not installed") for e in entries]
        return _ask(FRAMEWORKS[name], entries, timeout, python)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        by_framework = dict(zip(names, pool.map(ask, names)))
    return [by_framework[name][i] for i in range(len(entries)) for name in names]


def answer_result(entry_id: str, framework: str, answer) -> Result:
    """The :class:`Result` of an answer obtained by code outside the atlas (a chapter asks the
    frameworks itself, in their own API): a gradient of the entry's size (any array, tensor or
    list, or a tuple of them, one per input), ``None`` (no gradient) or the exception the
    framework raised. The version is the installed one.

    >>> answer_result("abs", "torch", [0.0]).grad
    [0.0]
    >>> answer_result("step", "torch", RuntimeError("no grad_fn")).error
    'RuntimeError: no grad_fn'
    >>> answer_result("abs", "jax", [1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: the answer for 'abs' has 2 numbers, but its point has 1
    """
    if entry_id not in ENTRY_BY_ID:
        raise ValueError(f"unknown atlas id {entry_id!r}; known ids: {sorted(ENTRY_BY_ID)}")
    check_choice(framework, "framework", tuple(FRAMEWORKS))
    point = ENTRY_BY_ID[entry_id].point
    version = _version(FRAMEWORKS[framework])
    if isinstance(answer, BaseException):
        text = " ".join(str(answer).split())
        error = f"{type(answer).__name__}: {text[:300]}" if text else type(answer).__name__
        return Result(entry_id, framework, version, point, "raises", error=error)
    if answer is None:
        return Result(entry_id, framework, version, point, "none")
    parts = list(answer) if isinstance(answer, tuple) else [answer]
    try:
        flat = np.concatenate([np.ravel(np.asarray(p, dtype=np.float64)) for p in parts])
    except (TypeError, ValueError) as error:
        raise TypeError(f"the answer for {entry_id!r} must be a gradient, None or an "
                        f"exception, got {type(answer).__name__}") from error
    if flat.size != len(point):
        raise ValueError(f"the answer for {entry_id!r} has {flat.size} numbers, but its point "
                         f"has {len(point)}")
    return Result(entry_id, framework, version, point, "value", grad=flat.tolist())


def classify(entry: Entry, result: Result) -> str:
    """How a framework's answer relates to the valid gradients of ``entry``'s op.

    At a kink or tie: ``"min-norm"`` (the shortest valid gradient), ``"subgradient"`` (valid,
    not the shortest) or ``"not a subgradient"``. Where the op is differentiable:
    ``"derivative"`` or ``"not the derivative"``. Otherwise ``"nan/inf"``, or the result's kind
    (``"none"``, ``"raises"``, ``"no op"``, ``"not installed"``) when there is no gradient;
    ``"not classified"`` for entries without a set of valid gradients (jumps, infinite slopes,
    undefined ops, leaky_relu's framework-dependent slope).

    >>> classify(ENTRY_BY_ID["abs"], Result("abs", "jax", "0.10.2", [0.0], "value", [1.0]))
    'subgradient'
    """
    if result.id != entry.id:
        raise ValueError(f"result {result.id!r} does not belong to entry {entry.id!r}")
    if entry.gradients is None:
        return "not classified"
    if result.kind != "value":
        return result.kind
    grad = np.asarray(result.grad, dtype=np.float64)
    if grad.shape != (len(entry.point),):
        raise ValueError(f"{result.framework}'s answer for {entry.id} has {grad.size} numbers; "
                         f"the entry's point has {len(entry.point)}")
    if not np.all(np.isfinite(grad)):
        return "nan/inf"
    if entry.differentiable:
        return "derivative" if entry.gradients.contains(grad) else "not the derivative"
    if np.allclose(grad, entry.min_norm, rtol=0, atol=TOLERANCE):
        return "min-norm"
    return "subgradient" if entry.gradients.contains(grad) else "not a subgradient"


def classifications(results: Sequence[Result]) -> dict[str, dict[str, str]]:
    """:func:`classify` for every result whose entry has a set of valid gradients, as
    ``{entry id: {framework: verdict}}``.

    >>> classifications([Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])])
    {'abs': {'jax': 'subgradient'}}
    """
    if not isinstance(results, Sequence) or not results:
        raise ValueError("results must be a non-empty list of atlas results (atlas.run())")
    verdicts: dict[str, dict[str, str]] = {}
    for result in results:
        entry = ENTRY_BY_ID[result.id]
        if entry.gradients is not None:
            verdicts.setdefault(result.id, {})[result.framework] = classify(entry, result)
    return verdicts


def verdict_counts(results: Sequence[Result]) -> dict[str, Counter]:
    """How often each framework gives each verdict of :func:`classifications`, as
    ``{framework: Counter({verdict: count})}`` (a verdict a framework never gives counts 0).

    >>> counts = verdict_counts([Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])])
    >>> counts["jax"]["subgradient"], counts["jax"]["min-norm"]
    (1, 0)
    """
    tally: dict[str, Counter] = {}
    for row in classifications(results).values():
        for framework, verdict in row.items():
            tally.setdefault(framework, Counter())[verdict] += 1
    return tally


def one_sided_slopes(entry: Entry) -> tuple[list, list] | None:
    """The backward and forward finite-difference slopes of the NumPy version of ``entry``
    along each coordinate of its point; ``None`` where the point is not finite.

    >>> one_sided_slopes(ENTRY_BY_ID["abs"])
    ([-1.0], [1.0])
    """
    point = np.asarray(entry.point, dtype=np.float64)
    if not np.all(np.isfinite(point)):
        return None
    # a step longer than a tiny nonzero coordinate (a subnormal) would step over 0
    tiny = np.abs(point[(point != 0) & (np.abs(point) < 1e-4)])
    step = float(tiny.min()) / 2 if tiny.size else None
    slopes = []
    for method in ("backward", "forward"):
        with np.errstate(invalid="ignore", divide="ignore"):
            values = numerical_grad(entry.numpy, point, method=method, step=step)
        # rounding noise of about 1e-8 in one-sided quotients; + 0.0 turns -0.0 into 0.0
        slopes.append((np.round(values, 6) + 0.0).tolist())
    return slopes[0], slopes[1]


def run_versions(results: Sequence[Result]) -> dict[str, str | None]:
    """The version of each framework a run used, e.g. ``{"torch": "2.13.0+cpu", ...}``; a run
    that names two versions of one framework is an error."""
    versions: dict[str, set] = {}
    for result in results:
        versions.setdefault(result.framework, set()).add(result.version)
    mixed = {f: sorted(map(str, v)) for f, v in versions.items() if len(v) > 1}
    if mixed:
        raise ValueError(f"one run reports several versions of a framework: {mixed}")
    return {framework: next(iter(v)) for framework, v in versions.items()}


def same_answer(a: Result, b: Result) -> bool:
    """Whether two results for one entry and framework give the same answer: the same kind, the
    same gradient (NaN equal to NaN, -0 apart from 0) or the same exception type.

    >>> a = Result("abs", "torch", "2.13.0", [0.0], "value", [0.0])
    >>> same_answer(a, Result("abs", "torch", "2.11.0", [0.0], "value", [-0.0]))
    False
    """
    if (a.id, a.framework) != (b.id, b.framework):
        raise ValueError(f"{a.id}/{a.framework} and {b.id}/{b.framework} are different questions")
    if a.kind != b.kind:
        return False
    if a.kind != "value":
        return a.error_type == b.error_type
    x, y = np.asarray(a.grad, dtype=np.float64), np.asarray(b.grad, dtype=np.float64)
    return x.shape == y.shape and bool(np.all((x == y) & (np.signbit(x) == np.signbit(y))
                                              | (np.isnan(x) & np.isnan(y))))


@dataclass(frozen=True)
class RecordedRun:
    """The atlas as computed in one environment and stored with lossedu."""

    name: str
    environment: str
    date: str
    python: str
    platform: str
    results: list

    @property
    def versions(self) -> dict[str, str | None]:
        """The version of each framework in the run."""
        return run_versions(self.results)

    def answer(self, entry_id: str, framework: str) -> Result:
        """The run's answer for one entry in one framework.

        >>> stored().answer("abs", "jax").grad
        [1.0]
        """
        for result in self.results:
            if (result.id, result.framework) == (entry_id, framework):
                return result
        raise ValueError(f"the {self.name} run has no answer for {entry_id!r} in "
                         f"{framework!r}")

    @property
    def label(self) -> str:
        """``"Colab's runtime (2026-08-19; Python 3.13.0, torch 2.11.0+cu130, ...)"``."""
        versions = ", ".join(f"{f} {v}" for f, v in self.versions.items() if v)
        return f"{self.environment} ({self.date}; Python {self.python}, {versions})"


def _data_path(name: str):
    if not isinstance(name, str):
        raise TypeError(f"a recorded run is named by a string, got {type(name).__name__}")
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"a recorded run is named by a short lowercase word, got {name!r}")
    return resources.files("lossedu") / "data" / ("atlas.json" if name == "book"
                                                 else f"atlas-{name}.json")


def recorded_run(name: str = "book") -> RecordedRun:
    """A stored run of the atlas: ``"book"`` is the table the book shows (:func:`stored`),
    ``"colab"`` the one the Colab test leg computed with Colab's versions.

    >>> recorded_run("colab").environment
    "Colab's runtime"
    """
    path = _data_path(name)
    if not path.is_file():
        raise ValueError(f"no recorded atlas run {name!r} (looked for {path})")
    data = json.loads(path.read_text())
    results = [Result.from_json(item) for item in data["results"]]
    # a framework another environment lacks is left out of its run
    results = [r for r in results if r.kind != "not installed"]
    return RecordedRun(name, data["environment"], data["date"], data["python"],
                       data["platform"], results)


def stored() -> RecordedRun:
    """The table stored with the book (``lossedu/data/atlas.json``): every entry, every
    framework, at the pinned versions. ``make atlas`` writes it; a test checks it against a
    fresh :func:`run`.

    >>> len(stored().results) == len(ENTRIES) * len(FRAMEWORKS)
    True
    """
    return recorded_run("book")


def store(results: Sequence[Result], path, environment: str) -> None:
    """Write ``results`` as a recorded run at ``path``, with today's date, this Python and
    platform."""
    data = {"environment": environment, "date": date.today().isoformat(),
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "results": [r.to_json() for r in results]}
    lines = ",\n  ".join(json.dumps(item) for item in data.pop("results"))
    head = json.dumps(data, indent=1)[:-2]
    Path(path).write_text(f'{head},\n "results": [\n  {lines}\n ]\n}}\n')
