"""The atlas's engine: ask each framework for the gradient of an entry and record the answer.

- :func:`probe` builds one :class:`~lossedu.atlas.entries.Entry` in one of :data:`FRAMEWORKS`,
  runs that framework's autodiff, and returns a :class:`Result` of one of :data:`KINDS`;
  :func:`run` probes many. :data:`MODULE_OF` names the package behind each framework.
  :func:`answer_result` records, as a :class:`Result`, an answer that code outside the atlas
  obtained (a chapter asking a framework in its own API).
- :func:`classify` and :func:`classifications` say how an answer relates to the entry's
  subgradients, :func:`verdict_counts` how often each framework gives each verdict; :func:`same_answer` compares two answers, :func:`run_versions` names the
  versions a run used, and :func:`one_sided_slopes` gives NumPy's slopes left and right.
- :class:`RecordedRun` and :func:`recorded_run` read a run stored with lossedu (Colab's).

>>> probe(ENTRY_BY_ID["abs"], "numpy-central").grad
[0.0]
"""

from __future__ import annotations

import importlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..frameworks import framework_versions, gradient, import_tensorflow
from ..messages import exception_line
from ..numdiff import numerical_grad
from ..validation import check_choice
from .entries import DTYPE, ENTRIES, ENTRY_BY_ID, TOLERANCE, Entry

FRAMEWORKS = ("torch", "tensorflow", "jax", "numpy-central")
KINDS = ("value", "none", "raises", "missing")
MODULE_OF = {"torch": "torch", "tensorflow": "tensorflow", "jax": "jax", "numpy-central": "numpy"}


@dataclass(frozen=True)
class Result:
    """What one framework returned for one entry."""

    id: str
    framework: str
    version: str | None
    point: list
    kind: str
    grad: list | None = None
    error: str | None = None

    @property
    def error_type(self) -> str | None:
        """The exception's type, for ``kind == "raises"``: ``"TypeError"``."""
        return self.error.split(":")[0] if self.kind == "raises" else None

    def to_json(self) -> dict:
        """The JSON object of ``--json``: NaN and infinities become "nan", "inf", "-inf"."""
        return {"id": self.id, "framework": self.framework, "version": self.version,
                "point": self.point, "kind": self.kind,
                "grad": None if self.grad is None else _json_numbers(self.grad),
                "error": self.error}

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        """The inverse of :meth:`to_json`.

        >>> result = Result("abs", "jax", "0.7.2", [0.0], "value", [float("nan")])
        >>> Result.from_json(result.to_json()).grad
        [nan]
        """
        keys = {"id", "framework", "version", "point", "kind", "grad", "error"}
        if not isinstance(data, dict) or set(data) != keys:
            raise ValueError(f"an atlas result is a JSON object with the keys {sorted(keys)}, "
                             f"got {data!r:.200}")
        if data["kind"] not in KINDS or data["framework"] not in FRAMEWORKS:
            raise ValueError(f"unknown kind or framework in {data!r:.200}")
        grad = None if data["grad"] is None else _from_json_numbers(data["grad"])
        return cls(data["id"], data["framework"], data["version"], data["point"], data["kind"],
                   grad, data["error"])


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


def _framework_gradient(framework: str):
    """The gradient of an entry's operation (summed) at its point, in float64, by
    :func:`lossedu.frameworks.gradient`; ``None`` where TensorFlow finds no gradient path."""

    def compute(entry: Entry):
        module = (import_tensorflow() if framework == "tensorflow"
                  else importlib.import_module(framework))
        operation = getattr(entry, framework)
        grad = gradient(framework, lambda x: operation(module, x),
                        np.asarray(entry.point, dtype=DTYPE))
        return None if grad is None else grad.astype(np.float64)

    return compute


def _numpy_gradient(entry: Entry, method: str = "central"):
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = numerical_grad(entry.numpy, entry.point, method=method)
    # Finite differences carry rounding noise of about 1e-11 here; + 0.0 turns -0.0 into 0.0.
    return np.round(slopes, 10) + 0.0


_GRADIENT = {"torch": _framework_gradient("torch"),
             "tensorflow": _framework_gradient("tensorflow"),
             "jax": _framework_gradient("jax"), "numpy-central": _numpy_gradient}


def probe(entry: Entry, framework: str) -> Result:
    """Ask ``framework`` for the gradient of ``entry`` and say what came back.

    >>> probe(ENTRY_BY_ID["relu"], "numpy-central").kind
    'value'
    """
    if not isinstance(entry, Entry):
        raise TypeError(f"entry must be an atlas Entry, got {type(entry).__name__}")
    check_choice(framework, "framework", FRAMEWORKS)
    module = MODULE_OF[framework]
    point = list(entry.point)
    if framework_versions([module])[module] is None:
        return Result(entry.id, framework, None, point, "missing", error=f"{module} is not installed")
    try:
        answer = _GRADIENT[framework](entry)
    except ImportError as error:
        return Result(entry.id, framework, framework_versions([module])[module], point, "missing",
                      error=exception_line(error))
    except Exception as error:  # reporting the exception is the point of the probe
        answer = error
    # Asked after the framework is imported, the version is the module's own (2.11.0+cu130),
    # not its package's (2.11.0), so every entry of a run reports the same string.
    return _recorded(entry.id, framework, framework_versions([module])[module], point, answer)


def _recorded(entry_id: str, framework: str, version, point: list, answer) -> Result:
    """The Result of an answer: an exception ("raises"), None ("none") or a gradient."""
    if isinstance(answer, BaseException):
        return Result(entry_id, framework, version, point, "raises", error=exception_line(answer))
    if answer is None:
        return Result(entry_id, framework, version, point, "none")
    return Result(entry_id, framework, version, point, "value",
                  grad=np.asarray(answer, dtype=np.float64).tolist())


def answer_result(entry_id: str, framework: str, answer) -> Result:
    """The :class:`Result` of an answer obtained by code outside the atlas (a chapter asks the
    frameworks itself, in their own API): a gradient of the entry's shape (any array, tensor or
    list; NaN and infinity included), ``None`` (TensorFlow's tape found no gradient path) or the
    exception the framework raised. The version is the installed one, as :func:`probe` names it.

    >>> answer_result("abs", "torch", [0.0]).grad
    [0.0]
    >>> answer_result("step", "torch", RuntimeError("no grad_fn")).error
    'RuntimeError: no grad_fn'
    >>> answer_result("abs", "jax", [1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: the answer for 'abs' has shape (2,), but its point has shape (1,)
    """
    if entry_id not in ENTRY_BY_ID:
        raise ValueError(f"unknown atlas id {entry_id!r}; known ids: {sorted(ENTRY_BY_ID)}")
    check_choice(framework, "framework", ("torch", "tensorflow", "jax"))
    point = list(ENTRY_BY_ID[entry_id].point)
    if answer is not None and not isinstance(answer, BaseException):
        try:
            answer = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"the answer for {entry_id!r} must be a gradient, None or an "
                            f"exception, got {type(answer).__name__}") from error
        if answer.shape != np.shape(point):
            raise ValueError(f"the answer for {entry_id!r} has shape {answer.shape}, but its "
                             f"point has shape {np.shape(point)}")
    module = MODULE_OF[framework]
    return _recorded(entry_id, framework, framework_versions([module])[module], point, answer)


def classify(entry: Entry, result: Result) -> str:
    """How a framework's answer relates to the subgradients of ``entry``'s operation.

    At a kink or tie: ``"min-norm"`` (the shortest subgradient), ``"subgradient"`` (valid, not
    the shortest) or ``"not a subgradient"``. Where the operation is differentiable:
    ``"derivative"`` or ``"not the derivative"``. Otherwise ``"nan/inf"``, or the result's kind
    (``"none"``, ``"raises"``, ``"missing"``) when there is no gradient; ``"not classified"``
    for entries without a set of subgradients: jumps, sqrt at 0, and leaky_relu (whose default
    slope, and so whose subgradients, differ between frameworks).

    >>> classify(ENTRY_BY_ID["abs"], probe(ENTRY_BY_ID["abs"], "numpy-central"))
    'min-norm'
    """
    if result.id != entry.id:
        raise ValueError(f"result {result.id!r} does not belong to entry {entry.id!r}")
    if entry.subgradients is None:
        return "not classified"
    if result.kind != "value":
        return result.kind
    grad = np.asarray(result.grad, dtype=np.float64)
    if not np.all(np.isfinite(grad)):
        return "nan/inf"
    if entry.differentiable:
        return "derivative" if entry.subgradients(grad) else "not the derivative"
    if np.allclose(grad, entry.min_norm, atol=TOLERANCE):
        return "min-norm"
    return "subgradient" if entry.subgradients(grad) else "not a subgradient"


def classifications(results: Sequence[Result]) -> dict[str, dict[str, str]]:
    """:func:`classify` for every entry of ``results`` that has a set of subgradients, as
    ``{entry id: {framework: verdict}}``, frameworks only (not the NumPy central difference).

    >>> jax_at_abs = Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])
    >>> central = Result("abs", "numpy-central", None, [0.0], "value", [0.0])
    >>> classifications([jax_at_abs, central])
    {'abs': {'jax': 'subgradient'}}
    """
    if not isinstance(results, Sequence) or not results:
        raise ValueError("results must be a non-empty list of atlas results (atlas.run())")
    verdicts: dict[str, dict[str, str]] = {}
    for result in results:
        entry = ENTRY_BY_ID[result.id]
        if entry.subgradients is not None and result.framework != "numpy-central":
            verdicts.setdefault(result.id, {})[result.framework] = classify(entry, result)
    return verdicts


def verdict_counts(results: Sequence[Result]) -> dict[str, Counter]:
    """How often each framework gives each verdict of :func:`classifications`, as
    ``{framework: Counter({verdict: count})}`` (a verdict a framework never gives counts 0).

    >>> jax_at_abs = Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])
    >>> counts = verdict_counts([jax_at_abs])
    >>> counts["jax"]["subgradient"], counts["jax"]["min-norm"]
    (1, 0)
    """
    tally: dict[str, Counter] = {}
    for row in classifications(results).values():
        for framework, verdict in row.items():
            tally.setdefault(framework, Counter())[verdict] += 1
    return tally


def one_sided_slopes(entry: Entry) -> tuple[list, list]:
    """The backward and forward finite-difference slopes of the NumPy version of ``entry``."""
    return (_numpy_gradient(entry, "backward").tolist(), _numpy_gradient(entry, "forward").tolist())


def run(ids: Sequence[str] | None = None, frameworks: Sequence[str] = FRAMEWORKS) -> list[Result]:
    """Probe every entry (or those in ``ids``) with every framework, in table order.

    >>> [r.kind for r in run(["step"], ["numpy-central"])]
    ['value']
    """
    for name, value in (("ids", ids), ("frameworks", frameworks)):
        if isinstance(value, str):
            raise TypeError(f"{name} must be a list of names, not the string {value!r}")
    ids = None if ids is None else list(ids)
    frameworks = list(frameworks)
    if ids == [] or not frameworks:
        raise ValueError("ids and frameworks must not be empty (ids=None means every entry)")
    unknown = sorted(set(ids or ()) - set(ENTRY_BY_ID))
    if unknown:
        raise ValueError(f"unknown atlas ids {unknown}; known ids: {sorted(ENTRY_BY_ID)}")
    bad = sorted(set(frameworks) - set(FRAMEWORKS))
    if bad:
        raise ValueError(f"unknown frameworks {bad}; use some of {FRAMEWORKS}")
    entries = [ENTRY_BY_ID[i] for i in ids] if ids else ENTRIES
    return [probe(entry, framework) for entry in entries for framework in frameworks]


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
    """The atlas as computed in another environment and stored with lossedu."""

    name: str
    environment: str
    package_list_date: str
    python: str
    results: list

    @property
    def label(self) -> str:
        """``"Colab's runtime (package list of 2026-08-19; Python 3.13.0, torch ...)"``."""
        versions = ", ".join(f"{MODULE_OF[f]} {v}" for f, v in run_versions(self.results).items())
        return (f"{self.environment} (package list of {self.package_list_date}; "
                f"Python {self.python}, {versions})")


def recorded_run(name: str = "colab") -> RecordedRun:
    """A stored run of the atlas: ``"colab"`` is the one the course's Colab test leg computed
    with the versions of Colab's runtime (``lossedu/data/atlas-colab.json``).

    >>> run = recorded_run("colab")
    >>> run.environment, len(run.results) == len(ENTRIES) * len(FRAMEWORKS)
    ("Colab's runtime", True)
    """
    from importlib import resources

    if not isinstance(name, str):
        raise TypeError(f"a recorded run is named by a string, got {type(name).__name__}")
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"a recorded run is named by a short lowercase word, got {name!r}")
    path = resources.files("lossedu") / "data" / f"atlas-{name}.json"
    if not path.is_file():
        raise ValueError(f"no recorded atlas run {name!r} (looked for {path})")
    data = json.loads(path.read_text())
    return RecordedRun(name, data["environment"], data["package_list_date"], data["python"],
                       [Result.from_json(item) for item in data["results"]])


