"""The atlas's renderers: tables of probe results for the book, the notebooks and the terminal.

- :func:`markdown_table` (from :func:`table_rows`, with :data:`TABLE_LEGEND` and
  :data:`SLOPES_TITLE`) shows every entry's answers, in bold where a framework disagrees
  (:func:`disagreeing`).
- :func:`classification_table` tabulates :func:`~lossedu.atlas.probing.classifications`;
  :func:`comparison_table` sets two runs side by side.
- :func:`describe` and :func:`format_grad` write one cell; :data:`TITLES` names the columns;
  :func:`versions_header` names the versions.

>>> describe(Result("abs", "torch", "2.13.0", [0.0], "raises", error="TypeError: no"))
'raises TypeError'
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np

from .entries import ENTRIES, ENTRY_BY_ID, Entry
from .frameworks import FRAMEWORKS
from .probing import (Result, classifications, one_sided_slopes, run_versions, same_answer,
                      verdict_counts)

def classification_table(results: Sequence[Result], *, counts: bool = False) -> str:
    """A markdown table of :func:`classifications`: one row per entry and one column per
    framework, or with ``counts``, one row per verdict and how often each framework gave it.

    >>> print(classification_table([Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])],
    ...                            counts=True))
    | verdict | JAX |
    |---|---|
    | subgradient | 1 |
    """
    verdicts = classifications(results)
    frameworks = [f for f in FRAMEWORKS if any(f in row for row in verdicts.values())]
    if not frameworks:
        raise ValueError("no entry of results has a set of subgradients to classify against")
    if counts:
        kinds = sorted({v for row in verdicts.values() for v in row.values()})
        tally = verdict_counts(results)
        rows = [[kind] + [str(tally[f][kind]) for f in frameworks] for kind in kinds]
        first = "verdict"
    else:
        rows = [[f"`{entry_id}`"] + [row.get(f, "(not run)") for f in frameworks]
                for entry_id, row in verdicts.items()]
        first = "entry"
    lines = ["| " + " | ".join([first] + [TITLES[f] for f in frameworks]) + " |",
             "|" + "---|" * (len(frameworks) + 1)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def comparison_table(results: Sequence[Result], other: Sequence[Result],
                     labels: tuple[str, str] = ("here", "there")) -> str:
    """A markdown table of the answers that differ between two runs of the atlas: one row per
    entry and framework both ran, with each run's answer and version (``labels`` name the runs).
    Narrow enough for a page: the answers both runs share are only counted.

    >>> before = [Result("clip_upper", "torch", "2.13.0", [1.0], "value", [1.0])]
    >>> after = [Result("clip_upper", "torch", "2.14.1", [1.0], "value", [0.0])]
    >>> print(comparison_table(before, after, labels=("book", "yours")))
    1 answer differs, 0 agree.
    <BLANKLINE>
    | entry | framework | book | yours |
    |---|---|---|---|
    | `clip_upper` | PyTorch | 1 (2.13.0) | 0 (2.14.1) |
    """
    theirs = {(r.id, r.framework): r for r in other}
    both = [(r, theirs[r.id, r.framework]) for r in results if (r.id, r.framework) in theirs]
    if not both:
        raise ValueError("the two runs have no entry and framework in common")
    changed = [(a, b) for a, b in both if not same_answer(a, b)]
    verb = "answer differs" if len(changed) == 1 else "answers differ"
    lines = [f"{len(changed)} {verb}, {len(both) - len(changed)} agree."]
    if changed:
        lines += ["", f"| entry | framework | {labels[0]} | {labels[1]} |", "|---|---|---|---|"]
        lines += [f"| `{a.id}` | {TITLES[a.framework]} | "
                  + " | ".join(f"{describe(r)} ({r.version})".replace("|", "\\|")
                               for r in (a, b)) + " |"
                  for a, b in changed]
    return "\n".join(lines)


def format_grad(values) -> str:
    """A gradient as a short string: ``0``, ``-0``, ``0.5``, ``nan``, ``[0.5, 0.5]``."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    text = [f"{v:.4g}" for v in flat]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


def describe(result: Result) -> str:
    """The table cell for one result."""
    if result.kind == "value":
        return format_grad(result.grad)
    if result.kind == "none":
        return "None"
    if result.kind == "raises":
        return f"raises {result.error_type}"
    return result.kind


def versions_header(results: Sequence[Result]) -> str:
    """The versions a run used, e.g. ``PyTorch 2.13.0+cpu, MLX not installed``."""
    return ", ".join(f"{TITLES[f]} {v or 'not installed'}"
                     for f, v in run_versions(results).items())


class _Titles(dict):
    """Each framework's label (``TITLES["torch"] == "PyTorch"``), registered ones included."""

    def __missing__(self, name):
        return FRAMEWORKS[name].label


TITLES = _Titles()
SLOPES_TITLE = "slopes left / right"
TABLE_LEGEND = (f"*{SLOPES_TITLE}*: NumPy's backward and forward finite differences, which "
                "differ at a kink. **Bold**: an answer that differs from the other frameworks' "
                "(all of them bold when no two agree).")


def _answer_key(result: Result) -> tuple:
    """What an answer means, for comparing frameworks: -0 counts as 0, NaN as NaN."""
    if result.kind == "value":
        flat = np.asarray(result.grad, dtype=np.float64).ravel()
        return ("value", tuple("nan" if math.isnan(v) else v + 0.0 for v in flat))
    return (result.kind, describe(result))


def disagreeing(results: Sequence[Result]) -> set[str]:
    """The frameworks whose answer for one entry differs from the others'.

    When some answer is given by more frameworks than any other, the frameworks that gave a
    different one; when no answer has such a majority, all of them. Frameworks that are not
    installed take no part; ``-0`` counts as ``0``.

    >>> def answer(framework, grad):
    ...     return Result("abs", framework, "v", [0.0], "value", [grad])
    >>> sorted(disagreeing([answer("torch", 0.0), answer("tensorflow", -0.0), answer("jax", 1.0)]))
    ['jax']
    """
    results = [r for r in results if r.kind not in ("no op", "not installed")]
    if len({r.id for r in results}) > 1:
        raise ValueError(f"answers to different entries: {sorted({r.id for r in results})}")
    keys = {r.framework: _answer_key(r) for r in results}
    ranked = Counter(keys.values()).most_common(2)
    if len(ranked) <= 1:
        return set()
    if ranked[0][1] == ranked[1][1]:
        return set(keys)
    return {framework for framework, key in keys.items() if key != ranked[0][0]}


def table_rows(results: Sequence[Result]) -> tuple[list[str], list[list[str]]]:
    """The atlas as a header and rows of plain-text cells: one row per entry, with the entry's
    id, NumPy's one-sided slopes (left / right), and one column per framework in ``results``.
    A framework whose answer differs from the others' (:func:`disagreeing`) is wrapped in
    ``**``."""
    if not isinstance(results, Sequence) or not results:
        raise ValueError("results must be a non-empty list of atlas results (atlas.run())")
    frameworks = list(dict.fromkeys(r.framework for r in results))
    by_key = {(r.id, r.framework): r for r in results}
    header = ["entry", SLOPES_TITLE] + [TITLES[f] for f in frameworks]
    rows = []
    for entry_id in dict.fromkeys(r.id for r in results):
        entry = ENTRY_BY_ID[entry_id]
        slopes = one_sided_slopes(entry)
        answers = [by_key[entry_id, f] for f in frameworks if (entry_id, f) in by_key]
        odd = disagreeing(answers)
        cells = []
        for framework in frameworks:
            answer = by_key.get((entry_id, framework))
            # a no-break space keeps a short vector on one line of a narrow column
            text = "(not run)" if answer is None else describe(answer).replace(", ", ",\u00a0")
            cells.append(f"**{text}**" if framework in odd else text)
        slope_text = ("—" if slopes is None
                      else f"{format_grad(slopes[0])} / {format_grad(slopes[1])}")
        rows.append([entry.id, slope_text] + cells)
    return header, rows


def markdown_table(results: Sequence[Result], *, legend: bool = True) -> str:
    """The atlas as a markdown table (see :func:`table_rows`): the entry column wraps;
    ``legend`` puts :data:`TABLE_LEGEND` above it.

    >>> print(markdown_table([Result("abs", "jax", "0.10.2", [0.0], "value", [1.0])],
    ...                      legend=False))
    | entry | slopes left / right | JAX |
    |---|---|---|
    | `abs`: d/dx abs(x) at x = 0 | -1 / 1 | 1 |
    """
    header, rows = table_rows(results)
    lines = [TABLE_LEGEND, ""] if legend else []
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for entry_id, *cells in rows:
        what = ENTRY_BY_ID[entry_id].what
        cells = [f"`{entry_id}`: {what}"] + cells
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
