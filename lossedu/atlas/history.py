"""The atlas across releases: what each framework answered in its earlier versions, and in
which version an answer changed.

The history is data, stored with lossedu (``lossedu/data/atlas-history.json``) and made by
``make atlas-history`` (:mod:`lossedu.atlas.releases`, which installs one release at a time).

- :data:`PACKAGES` says which releases the history covers: per :class:`Package` (``torch``,
  ``keras``, ...), the newest patch of each minor version of about the last two years, and the
  atlas columns it answers for (Keras: one per backend).
- :class:`Release` is one release as probed: its answers (:class:`~lossedu.atlas.probing.Result`
  objects), the versions installed beside it, the Python, platform and date; or, for a release
  that could not be probed, why.
- :func:`stored_history` reads the stored :class:`History`. :meth:`History.changes` lists every answer
  that differs between two consecutive probed releases (:class:`Change`), newest first;
  :meth:`History.last_change` gives the newest change of one entry in one column, and
  :meth:`History.between` the changes between two versions a user names.
- :func:`package` finds a framework by any of its names; :func:`minor` shortens a version;
  :func:`snippet_digest` fingerprints the snippet an answer came from, so that an answer whose
  entry changed since is known to be stale; :func:`history_path` is where the history is
  stored; :func:`missing` lists what it lacks or holds stale (``make test`` requires nothing);
  :func:`installed_version` and :func:`report` answer ``python -m lossedu.atlas --changes``.

>>> change = stored_history().last_change("clip_upper", "torch")
>>> change.summary()
'since 2.14: 0 (was 1)'
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Sequence

from packaging.version import InvalidVersion, Version

from .entries import ENTRIES, ENTRY_BY_ID
from .frameworks import FRAMEWORKS, Missing
from .probing import Result, same_answer
from .tables import TITLES, describe

STATUSES = ("probed", "not installable", "does not import", "probe failed")
SCHEMA = 1
WIDTH = 74  # of the lines of --changes


@dataclass(frozen=True)
class Package:
    """One framework's releases in the history.

    - ``name``: the name users give (``"tensorflow"``); ``distribution``: what pip installs
      (``"tensorflow-cpu"``, ``"mlx[cpu]"``);
    - ``columns``: the atlas columns its releases answer for;
    - ``versions``: the releases probed, oldest first (the newest patch of each minor version);
    - ``pinned``: the version of ``requirements.txt`` (the book's own table);
    - ``beside``: what else each environment installs (Keras' backends, at the pinned
      versions);
    - ``others``: other distributions a user may have installed it as (``"tensorflow"``).
    """

    name: str
    distribution: str
    columns: tuple[str, ...]
    versions: tuple[str, ...]
    pinned: str
    beside: tuple[str, ...] = ()
    others: tuple[str, ...] = ()

    @property
    def distributions(self) -> tuple[str, ...]:
        """Every distribution name it may be installed as: ``("tensorflow-cpu", "tensorflow")``."""
        return (self.distribution.split("[")[0], *self.others)

    def requirements(self, version: str) -> list[str]:
        """What pip installs to probe ``version``.

        >>> PACKAGES["mlx"].requirements("0.30.6")
        ['mlx[cpu]==0.30.6', 'numpy']
        """
        if not isinstance(version, str):
            raise TypeError(f"a version is a string, got {type(version).__name__}")
        _version(version)
        return [f"{self.distribution}=={version}", *self.beside, "numpy"]


# Keras' backends stay at the pinned versions while Keras changes.
PACKAGES: dict[str, Package] = {p.name: p for p in (
    Package("torch", "torch", ("torch",),
            ("2.7.1", "2.8.0", "2.9.1", "2.10.0", "2.11.0", "2.12.1", "2.13.0", "2.14.1"),
            "2.13.0"),
    Package("tensorflow", "tensorflow-cpu", ("tensorflow",),
            ("2.16.2", "2.17.1", "2.18.1", "2.19.1", "2.20.0", "2.21.0"), "2.21.0",
            others=("tensorflow",)),
    Package("keras", "keras", ("keras-tensorflow", "keras-jax", "keras-torch"),
            ("3.10.0", "3.11.3", "3.12.4", "3.13.2", "3.14.1", "3.15.1"), "3.15.1",
            beside=("tensorflow-cpu==2.21.0", "jax[cpu]==0.10.2", "torch==2.13.0")),
    Package("jax", "jax[cpu]", ("jax",),
            ("0.4.38", "0.5.3", "0.6.2", "0.7.2", "0.8.3", "0.9.2", "0.10.2"), "0.10.2"),
    Package("mlx", "mlx[cpu]", ("mlx",), ("0.29.4", "0.30.6", "0.31.2", "0.32.4"), "0.32.4"),
    # PaddlePaddle imports setuptools without declaring it (every release here)
    Package("paddle", "paddlepaddle", ("paddle",),
            ("2.6.2", "3.0.0", "3.1.1", "3.2.2", "3.3.1"), "3.3.1", beside=("setuptools",),
            others=("paddlepaddle-gpu",)),
    Package("tinygrad", "tinygrad", ("tinygrad",),
            ("0.10.3", "0.11.0", "0.12.0", "0.13.0", "0.14.0"), "0.14.0"),
)}
PACKAGE_OF_COLUMN = {column: p.name for p in PACKAGES.values() for column in p.columns}

# Where a change is reported or announced: (package, entry id, minor version) -> the
# (url, title) of each pull request, commit, release note or issue found.
_CLAMP_2_14 = (
    ("https://github.com/pytorch/pytorch/pull/191142",
     "[autograd] Align clamp and min/max subgradients with dispatcher schemas"),
    ("https://github.com/pytorch/pytorch/issues/195931",
     "Clamp gradient behaves differently in PyTorch 2.14 (reported as a regression)"))
_HARDSWISH_2_8 = (
    ("https://github.com/pytorch/pytorch/pull/148049",
     "Fix torch.nn.functional.hardswish gradients corner case"),)
_PADDLE_TIES_3_1 = (
    ("https://github.com/PaddlePaddle/Paddle/pull/71716",
     "[Accuracy diff No.181, 182, 183] fix maximum_grad minimum_grad bug"),)
_PADDLE_MAX_3_1 = (
    ("https://github.com/PaddlePaddle/Paddle/pull/72512",
     "[API] max same with amax, min same with amin"),)
_TINYGRAD_CLAMP_0_12 = (
    ("https://github.com/tinygrad/tinygrad/pull/13533", "match torch clamp backward"),)
_TINYGRAD_TRUNC_0_11 = (("https://github.com/tinygrad/tinygrad/pull/11659", "Ops.TRUNC"),)
_TINYGRAD_TRUNC_0_13 = (
    ("https://github.com/tinygrad/tinygrad/pull/15925", "gradient: add TRUNC backward"),)
_TINYGRAD_PROD_0_14 = (
    ("https://github.com/tinygrad/tinygrad/pull/17404", "fix prod gradients at zero"),)
_KERAS_CDIST_3_15 = (
    ("https://github.com/keras-team/keras/pull/22095",
     "Add keras.ops.cdist for pairwise Euclidean distances"),)
SOURCES = {
    ("torch", "atan2_zero", "2.10"): (
        ("https://github.com/pytorch/pytorch/pull/166787",
         "Fix NaN gradients in atan2_backward when both inputs are zero"),),
    ("torch", "clip_upper", "2.14"): _CLAMP_2_14,
    ("torch", "clip_lower", "2.14"): _CLAMP_2_14,
    ("torch", "hardswish_lower", "2.8"): _HARDSWISH_2_8,
    ("torch", "hardswish_upper", "2.8"): _HARDSWISH_2_8,
    **{("paddle", i, "3.1"): _PADDLE_TIES_3_1
       for i in ("maximum_zero", "maximum_tie", "maximum_tie_xy", "maximum_tie_yx",
                 "minimum_tie", "minimum_tie_xy", "minimum_tie_yx")},
    **{("paddle", i, "3.1"): _PADDLE_MAX_3_1
       for i in ("reduce_max_tie", "max_dim_tie", "reduce_min_tie", "min_dim_tie")},
    ("paddle", "median_tie", "3.2"): (
        ("https://github.com/PaddlePaddle/Paddle/pull/74767",
         "Add a kernel for median (its backward splits ties evenly; title in Chinese)"),),
    ("keras", "cdist_zero", "3.15"): _KERAS_CDIST_3_15,
    ("keras", "median_tie", "3.15"): (
        ("https://github.com/keras-team/keras/pull/23013",
         "Fix torch median to average the two middle values for even-length inputs"),),
    **{("tinygrad", i, "0.12"): _TINYGRAD_CLAMP_0_12
       for i in ("clip_upper", "clip_lower", "hardtanh_upper")},
    **{("tinygrad", i, "0.11"): _TINYGRAD_TRUNC_0_11 for i in ("round_half", "floor_integer")},
    **{("tinygrad", i, "0.13"): _TINYGRAD_TRUNC_0_13 for i in ("round_half", "floor_integer")},
    **{("tinygrad", i, "0.14"): _TINYGRAD_PROD_0_14 for i in ("prod_one_zero", "prod_two_zeros")},
    ("jax", "svd_vectors_repeated", "0.8"): (
        ("https://github.com/jax-ml/jax/commit/d79c1c43fe8c40c3c51743e1796f2d2b43ebfb82",
         "If the matrix is square, do not assert if the gradient of the SVD is requested when "
         "compute_uv and full_matrices are both true (in 0.8.1)"),),
}


def package(name: str) -> Package:
    """The :class:`Package` a user names: ``"torch"``, ``"tensorflow"`` (or
    ``"tensorflow-cpu"``), ``"keras"``, ``"jax"``, ``"mlx"``, ``"paddle"`` (or
    ``"paddlepaddle"``), ``"tinygrad"``, or an atlas column (``"keras-jax"``)."""
    if not isinstance(name, str):
        raise TypeError(f"a framework is named by a string, got {type(name).__name__}")
    key = name.strip().lower()
    for candidate in PACKAGES.values():
        if key in (candidate.name, *candidate.distributions, *candidate.columns):
            return candidate
    raise ValueError(f"the history has no framework {name!r}; name one of {list(PACKAGES)}")


def minor(version: str) -> str:
    """``"2.14.1"`` -> ``"2.14"``; a release's minor version, how the book names it."""
    return ".".join(str(_version(version).base_version).split(".")[:2])


def snippet_digest(entry_id: str, column: str) -> str:
    """A fingerprint of the snippet that asks ``column`` about ``entry_id`` today (or of the
    reason it has none): an answer stored with another fingerprint came from another snippet.

    >>> len(snippet_digest("abs", "torch"))
    12
    """
    snippet = ENTRY_BY_ID[entry_id].snippet(column)
    text = f"Missing: {snippet.reason}" if isinstance(snippet, Missing) else snippet
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Release:
    """One release of one :class:`Package`, as ``make atlas-history`` found it.

    ``status`` is one of :data:`STATUSES`; ``reason`` says why a release was not probed.
    ``installed`` maps each distribution that matters (the package, its backends, numpy) to the
    version its environment had. ``results`` holds its answers, for each of the package's
    columns and each entry, and ``snippets`` the :func:`snippet_digest` of the snippet behind
    each (keyed ``"abs/torch"``)."""

    package: str
    version: str
    status: str
    date: str
    python: str
    platform: str
    installed: dict = field(default_factory=dict)
    reason: str | None = None
    results: tuple = ()
    snippets: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.package not in PACKAGES:
            raise ValueError(f"unknown package {self.package!r} in the history")
        _version(self.version)
        if self.status not in STATUSES:
            raise ValueError(f"a release's status is one of {STATUSES}, got {self.status!r}")
        label = f"{self.package} {self.version}"
        if self.status == "probed" and (self.reason or not self.results):
            raise ValueError(f"{label}: a probed release has answers and no reason")
        if self.status != "probed" and (not self.reason or self.results):
            raise ValueError(f"{label}: a release that was not probed has a reason and no "
                             f"answers")
        columns = PACKAGES[self.package].columns
        keys = [(r.id, r.framework) for r in self.results]
        wrong = sorted({column for _, column in keys if column not in columns})
        if wrong:
            raise ValueError(f"{label}: answers for {wrong}, not one of {columns}")
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"{label}: two answers for {twice}")
        if set(self.snippets) != {f"{i}/{c}" for i, c in keys}:
            raise ValueError(f"{label}: every answer needs the digest of its snippet")

    @property
    def key(self) -> tuple[str, str]:
        """``("torch", "2.9.1")``."""
        return self.package, self.version

    @cached_property
    def _by_key(self) -> dict:
        return {(r.id, r.framework): r for r in self.results}

    def answer(self, entry_id: str, column: str) -> Result | None:
        """This release's answer for one entry in one column (None if it has none)."""
        return self._by_key.get((entry_id, column))

    def lacking(self) -> list[str]:
        """The answers a probed release lacks, or holds from a snippet that has changed since
        (``"abs/torch"``); empty for a release that was not probed."""
        if self.status != "probed":
            return []
        return [f"{e.id}/{c}" for e in ENTRIES for c in PACKAGES[self.package].columns
                if self.snippets.get(f"{e.id}/{c}") != snippet_digest(e.id, c)]

    def to_json(self) -> dict:
        """The release as stored (answers without their point, which the entry holds)."""
        answers = []
        for r in self.results:
            item = r.to_json()
            del item["point"], item["version"]
            answers.append({**item, "snippet": self.snippets[f"{r.id}/{r.framework}"]})
        return {"package": self.package, "version": self.version, "status": self.status,
                "reason": self.reason, "date": self.date, "python": self.python,
                "platform": self.platform, "installed": self.installed, "answers": answers}

    @classmethod
    def from_json(cls, data: dict, *, drop_unknown: bool = False) -> "Release":
        """The inverse of :meth:`to_json`; a malformed release is a ValueError naming it. With
        ``drop_unknown``, answers for entries the atlas no longer has are left out (the maker
        then probes the release again) instead."""
        keys = {"package", "version", "status", "reason", "date", "python", "platform",
                "installed", "answers"}
        if not isinstance(data, dict) or set(data) != keys:
            raise ValueError(f"a release in the history is an object with the keys "
                             f"{sorted(keys)}, got {data!r:.200}")
        label = f"{data['package']} {data['version']}"
        if data["package"] not in PACKAGES:
            raise ValueError(f"unknown package {data['package']!r} in the history")
        if not isinstance(data["installed"], dict) or not isinstance(data["answers"], list):
            raise ValueError(f"{label}: installed is an object and answers a list")
        chosen = PACKAGES[data["package"]]
        version = next((data["installed"][d] for d in chosen.distributions
                        if d in data["installed"]), None)
        results, snippets = [], {}
        for item in data["answers"]:
            if not isinstance(item, dict) or "snippet" not in item:
                raise ValueError(f"{label}: an answer is an object with its snippet's digest, "
                                 f"got {item!r:.200}")
            if item.get("id") not in ENTRY_BY_ID:
                if drop_unknown:
                    continue
                raise ValueError(f"{label}: unknown entry {item.get('id')!r} (run make "
                                 f"atlas-history)")
            item = dict(item)
            snippets[f"{item['id']}/{item.get('framework')}"] = item.pop("snippet")
            results.append(Result.from_json({**item, "point": ENTRY_BY_ID[item["id"]].point,
                                             "version": version}))
        return cls(data["package"], data["version"], data["status"], data["date"],
                   data["python"], data["platform"], dict(data["installed"]), data["reason"],
                   tuple(results), snippets)


@dataclass(frozen=True)
class Change:
    """One answer that differs between two consecutive probed releases of a column."""

    entry_id: str
    column: str
    before: Result
    after: Result
    before_version: str
    after_version: str

    @property
    def package(self) -> str:
        """The package whose release changed the answer: ``"keras"`` for ``keras-jax``."""
        return PACKAGE_OF_COLUMN[self.column]

    @property
    def sources(self) -> tuple[tuple[str, str], ...]:
        """The ``(url, title)`` of each pull request, release note or issue that reports the
        change, where one was found."""
        return SOURCES.get((self.package, self.entry_id, self.since), ())

    @property
    def since(self) -> str:
        """The minor version that first shows the new answer: ``"2.14"``."""
        return minor(self.after_version)

    @property
    def adjacent(self) -> bool:
        """Whether the two releases are neighbours in the history's list: if one between
        them could not be probed, the change came in one of several minor versions."""
        versions = PACKAGES[self.package].versions
        return (self.before_version in versions and self.after_version in versions
                and versions.index(self.after_version) == versions.index(self.before_version) + 1)

    @property
    def when(self) -> str:
        """``"since 2.14"``, or ``"between 2.12 and 2.14"`` when a release between the two
        was not probed."""
        if self.adjacent:
            return f"since {self.since}"
        return f"between {minor(self.before_version)} and {self.since}"

    def summary(self) -> str:
        """``"since 2.14: 0 (was 1)"``: what an entry's card says."""
        return f"{self.when}: {describe(self.after)} (was {describe(self.before)})"

    def line(self) -> str:
        """One line of the changes page and of ``--changes``."""
        return (f"{self.entry_id} ({TITLES[self.column]}): {describe(self.before)} in "
                f"{self.before_version}, {describe(self.after)} in {self.after_version}")


def _version(text: str) -> Version:
    if not isinstance(text, str):
        raise TypeError(f"a version is a string, got {type(text).__name__}")
    try:
        return Version(text)
    except InvalidVersion as error:
        raise ValueError(f"{text!r} is not a version number") from error


def _check_column(column: str) -> None:
    if not isinstance(column, str):
        raise TypeError(f"a column is named by a string, got {type(column).__name__}")
    if column not in PACKAGE_OF_COLUMN:
        raise ValueError(f"the history has no column {column!r}; use one of "
                         f"{list(PACKAGE_OF_COLUMN)}")


@dataclass(frozen=True)
class History:
    """Every release in the history (see :func:`stored_history`)."""

    releases: tuple[Release, ...]
    about: str = ""

    def __post_init__(self):
        if not all(isinstance(r, Release) for r in self.releases):
            raise TypeError("a History holds Release objects")
        keys = [r.key for r in self.releases]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"the history holds these releases twice: {twice}")

    def release(self, name: str, version: str) -> Release:
        """The release ``version`` of the framework ``name`` (:func:`package` names)."""
        chosen = package(name)
        for release in self.releases:
            if release.key == (chosen.name, version):
                return release
        raise ValueError(f"the history has no {chosen.name} {version}")

    def probed(self, name: str) -> list[Release]:
        """The probed releases of a framework, oldest first."""
        chosen = package(name)
        return sorted((r for r in self.releases if r.package == chosen.name
                       and r.status == "probed"), key=lambda r: _version(r.version))

    def changes(self, column: str | None = None) -> list[Change]:
        """Every answer that changed between consecutive probed releases of ``column`` (every
        column of the history when None): column by column, newest release first, then in the
        atlas's order."""
        if column is not None:
            _check_column(column)
        columns = [c for c in FRAMEWORKS if c in PACKAGE_OF_COLUMN] if column is None \
            else [column]
        return [change for name in columns for change in self._changes_of[name]]

    def changes_of(self, entry_id: str, column: str) -> list[Change]:
        """The changes of one entry's answer in one column, newest first."""
        if entry_id not in ENTRY_BY_ID:
            raise ValueError(f"no atlas entry {entry_id!r}")
        return [c for c in self.changes(column) if c.entry_id == entry_id]

    def last_change(self, entry_id: str, column: str) -> Change | None:
        """The newest change of ``entry_id``'s answer in ``column``, or None."""
        return next(iter(self.changes_of(entry_id, column)), None)

    @cached_property
    def _changes_of(self) -> dict[str, list[Change]]:
        return {name: self._column_changes(name) for name in PACKAGE_OF_COLUMN}

    def _column_changes(self, name: str) -> list[Change]:
        found = []
        releases = self.probed(PACKAGE_OF_COLUMN[name])
        for older, newer in zip(releases, releases[1:]):
            for entry in ENTRIES:
                a, b = older.answer(entry.id, name), newer.answer(entry.id, name)
                if a is not None and b is not None and not same_answer(a, b):
                    found.append(Change(entry.id, name, a, b, older.version, newer.version))
        order = {e.id: i for i, e in enumerate(ENTRIES)}
        found.sort(key=lambda c: order[c.entry_id])
        found.sort(key=lambda c: _version(c.after_version), reverse=True)  # stable: keeps order
        return found

    def between(self, name: str, old: str, new: str) -> list[Change]:
        """The changes of framework ``name`` (all its columns) after release ``old`` up to
        release ``new``, each found by :meth:`resolve` (``"2.14"`` is the stored 2.14.1)."""
        chosen = package(name)
        low, high = self.resolve(name, old), self.resolve(name, new)
        if _version(low.version) > _version(high.version):
            raise ValueError(f"{old} is newer than {new}: name the older version first")
        return [c for column in chosen.columns for c in self.changes(column)
                if _version(low.version) < _version(c.after_version) <= _version(high.version)]

    def resolve(self, name: str, version: str) -> Release:
        """The probed release a user means by ``version``: the same version, or the stored one
        of the same minor version (``"2.10"`` or ``"2.10.0"`` -> ``2.10.0``, never ``2.1``)."""
        wanted = _version(version)
        releases = self.probed(name)
        for release in releases:
            if _version(release.version) == wanted:
                return release
        for release in releases:
            if minor(release.version) == minor(version):
                return release
        stored = ", ".join(r.version for r in releases)
        raise ValueError(f"the history has no {package(name).name} {version} (it has {stored})")

    def newest(self, name: str) -> Release:
        """The newest probed release of a framework."""
        releases = self.probed(name)
        if not releases:
            raise ValueError(f"the history has no probed release of {package(name).name}")
        return releases[-1]

    def to_json(self) -> str:
        """The stored text: one release per block, one answer per line."""
        blocks = []
        for release in self.releases:
            data = release.to_json()
            answers = ",\n    ".join(json.dumps(a) for a in data.pop("answers"))
            head = json.dumps(data)[:-1]
            blocks.append(f'  {head}, "answers": [\n    {answers}\n  ]}}' if answers
                          else f'  {head}, "answers": []}}')
        body = ",\n".join(blocks)
        return (f'{{"schema": {SCHEMA}, "about": {json.dumps(self.about)}, "releases": [\n'
                f'{body}\n]}}\n')

    @classmethod
    def from_json(cls, text: str, *, drop_unknown: bool = False) -> "History":
        """The inverse of :meth:`to_json` (``drop_unknown``: see :meth:`Release.from_json`)."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ValueError(f"the atlas history must be schema {SCHEMA}")
        if not isinstance(data.get("releases"), list):
            raise ValueError("the atlas history needs a list of releases")
        return cls(tuple(Release.from_json(item, drop_unknown=drop_unknown)
                         for item in data["releases"]), data.get("about", ""))


HISTORY_FILE = "atlas-history.json"


def history_path() -> Path:
    """Where the history is stored."""
    return Path(str(resources.files("lossedu") / "data" / HISTORY_FILE))


def stored_history(path=None) -> History:
    """The stored history (or the one at ``path``)."""
    return History.from_json(Path(path or history_path()).read_text())


def missing(stored: History) -> list[str]:
    """What the history lacks: each release of :data:`PACKAGES` that is neither probed nor
    explained, each probed release without an answer, or with a stale one, for some entry and
    column, and each release it holds that :data:`PACKAGES` does not list."""
    if not isinstance(stored, History):
        raise TypeError(f"missing() checks a History, got {type(stored).__name__}")
    problems = []
    have = {r.key: r for r in stored.releases}
    for chosen in PACKAGES.values():
        for version in chosen.versions:
            release = have.get((chosen.name, version))
            if release is None:
                problems.append(f"{chosen.name} {version}: not in the history")
            elif lacking := release.lacking():
                problems.append(f"{chosen.name} {version}: no answer, or a stale one, for "
                                f"{lacking[:5]}{' and more' if len(lacking) > 5 else ''}")
    listed = {(p.name, v) for p in PACKAGES.values() for v in p.versions}
    problems += [f"{name} {version}: in the history but not listed in PACKAGES"
                 for name, version in have if (name, version) not in listed]
    return problems


def installed_version(name: str) -> str | None:
    """The version of framework ``name`` installed here (found, not imported), or None."""
    import importlib.metadata

    for distribution in package(name).distributions:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def report(name: str, old: str | None = None, new: str | None = None, *,
           stored: History | None = None, installed: str | None = None) -> list[str]:
    """What ``python -m lossedu.atlas --changes NAME [OLD [NEW]]`` prints: every answer of
    framework ``name`` that changed after release ``old`` (default: the oldest stored) up to
    ``new`` (default: ``installed``, the version installed here, else the newest stored). A
    version newer than the history's newest is said so, and compared up to the newest; an
    installed version the history does not hold is compared up to the newest release before it.

    >>> print("\\n".join(report("torch", "2.13", "2.14")[1:3]))
    clip_upper (PyTorch): 1 in 2.13.0, 0 in 2.14.1
    clip_lower (PyTorch): 1 in 2.13.0, 0 in 2.14.1
    """
    stored = stored or stored_history()
    chosen = package(name)
    releases = stored.probed(chosen.name)
    if not releases:
        raise ValueError(f"the history has no probed release of {chosen.name}")
    newest, notes = releases[-1], []
    start = stored.resolve(chosen.name, old) if old else releases[0]
    if new is not None:
        if _version(new) > _version(newest.version) and minor(new) != minor(newest.version):
            end = newest
            notes.append(f"{new} is newer than anything in the history (newest: "
                         f"{newest.version}): compared up to {newest.version}.")
        else:
            end = stored.resolve(chosen.name, new)
    elif installed is None:
        end = newest
        notes.append(f"{chosen.name} is not installed here: compared up to the newest release "
                     f"in the history, {newest.version}.")
    else:
        earlier = [r for r in releases if _version(r.version) <= _version(installed)
                   or minor(r.version) == minor(installed)]
        if not earlier:
            raise ValueError(f"your {chosen.name} {installed} is older than anything in the "
                             f"history (oldest: {releases[0].version}): name two releases")
        end = earlier[-1]
        if _version(installed) > _version(newest.version) and minor(installed) != minor(
                newest.version):
            notes.append(f"Your {chosen.name} {installed} is newer than anything in the history "
                         f"(newest: {newest.version}): compared up to {newest.version}. To see "
                         f"what {installed} answers against the book, run python -m "
                         f"lossedu.atlas --frameworks {chosen.columns[0]}.")
        elif minor(end.version) != minor(installed):
            notes.append(f"The history holds no {minor(installed)} release: compared up to "
                         f"{end.version}, the newest before your {installed}.")
    if _version(start.version) > _version(end.version):
        raise ValueError(f"{start.version} is newer than {end.version}: name the older "
                         f"version first")
    found = stored.between(chosen.name, start.version, end.version)
    lines = [f"{chosen.name}: what changed after {start.version} up to {end.version} "
             f"({len(releases)} releases in the book's history):"]
    lines += [change.line() for change in found] or ["no answer changed"]
    if found:
        lines.append(f"{len(found)} answer{'s' * (len(found) != 1)} changed.")
    # a terminal's (and the book's) width: long lines go on, indented
    return [textwrap.fill(line, WIDTH, subsequent_indent="    ", break_long_words=False,
                          break_on_hyphens=False) for line in lines + notes]
