"""The atlas page: every entry as a card a reader can link to, filter and copy from.

- :func:`atlas_html` renders a stored run (:func:`~lossedu.atlas.probing.stored`): the filter
  form, then the entries grouped by family. Each entry has its own anchor (its id), its
  question, its maths (NumPy's one-sided slopes, the set of valid gradients, the minimum-norm
  one) and one line per framework, which opens to the exact snippet that produced the answer.
  The filtering runs in the browser (``book/static/atlas.js``), offline.
- :data:`RULES` (each a :class:`Rule`) and :func:`rules_html` name each framework's rule where
  one explains several entries ("ties go to the first argument"), computed from the answers
  (:func:`rule_cells`), each backed by its rows;
- :func:`atlas_markdown` and :func:`rules_markdown` say the same without HTML, for the PDF;
  :func:`atlas_output` and :func:`rules_output` bundle both for ``display(..., raw=True)``, so
  the HTML book shows the cards and the PDF the tables;
- :func:`answer_key` is what an answer means when frameworks are compared; :func:`change_note`
  says where an answer changed in the history of releases ("since 3.1: 1 (was 0)").

>>> from lossedu.atlas.probing import Result
>>> answer_key(Result("abs", "torch", "2", [0.0], "value", [-0.0]))
'0'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence

import numpy as np
from packaging.version import Version

from .entries import ENTRIES, ENTRY_BY_ID, FAMILIES, Entry
from .frameworks import FRAMEWORKS, Missing
from .history import PACKAGE_OF_COLUMN
from .probing import RecordedRun, Result, classify, one_sided_slopes
from .tables import TITLES, describe, disagreeing, format_grad


def answer_key(result: Result) -> str:
    """What an answer means, for telling whether frameworks agree: -0 counts as 0."""
    if result.kind == "value":
        flat = np.asarray(result.grad, dtype=np.float64).ravel() + 0.0
        return format_grad(flat)
    return describe(result)


def _disagree(results: Sequence[Result]) -> bool:
    answered = [r for r in results if r.kind not in ("no op", "not installed")]
    return len({answer_key(r) for r in answered}) > 1


def _maths(entry: Entry) -> str:
    slopes = one_sided_slopes(entry)
    rows = []
    if slopes is not None:
        rows.append(("one-sided slopes (NumPy)",
                     f"left {format_grad(slopes[0])}, right {format_grad(slopes[1])}"))
    if entry.gradients is None:
        rows.append(("valid gradients", f"none: {escape(entry.maths)}"))
    else:
        kind = "derivative" if entry.differentiable else "valid gradients (Clarke)"
        rows.append((kind, escape(entry.gradients.text)))
        if not entry.differentiable:
            rows.append(("minimum-norm gradient", format_grad(entry.min_norm)))
    return "".join(f"<dt>{name}</dt><dd>{text}</dd>" for name, text in rows)


def _value_text(value) -> str:
    return value if isinstance(value, str) else format_grad([value])


def change_note(entry: Entry, result: Result, history) -> str:
    """Where ``result``'s answer last changed in the ``history`` of releases: the newest change
    up to the version shown ("since 2.11: 1 (was 0)"), and the newest after it, in a release
    newer than the book's ("from 2.14: 0 (was 1)")."""
    if history is None or result.version is None or result.framework not in PACKAGE_OF_COLUMN:
        return ""
    shown = Version(result.version)
    changes = history.changes_of(entry.id, result.framework)
    up_to = [c for c in changes if Version(c.after_version) <= shown]
    later = [c for c in changes if Version(c.after_version) > shown]
    parts = [up_to[0].summary()] if up_to else []
    if later:
        parts.append(later[0].summary().replace("since", "from", 1))
    return "; ".join(parts)


def _answer(entry: Entry, result: Result, history=None) -> str:
    snippet = entry.snippet(result.framework)
    since = change_note(entry, result, history)
    verdict = classify(entry, result) if result.kind != "no op" else "no such op"
    text = describe(result) if result.kind != "no op" else "—"
    version = escape(result.version or "")
    if isinstance(snippet, Missing):
        body = f'<p class="atlas-missing">{escape(snippet.reason)}</p>'
    else:
        error = (f'<p class="atlas-error">{escape(result.error)}</p>'
                 if result.kind == "raises" else "")
        value = ("" if result.value is None else
                 f'<p class="atlas-value">The summed output at the point: '
                 f"{escape(_value_text(result.value))}</p>")
        body = (f'<pre class="atlas-snippet"><code>{escape(snippet)}</code></pre>{error}{value}')
    return (f'<li data-framework="{escape(result.framework)}" '
            f'data-answer="{escape(answer_key(result)) if result.kind != "no op" else ""}">'
            f"<details><summary>"
            f'<span class="atlas-fw">{escape(TITLES[result.framework])} '
            f'<span class="atlas-version">{version}</span></span>'
            f'<span class="atlas-grad">{escape(text)}</span>'
            f'<span class="atlas-verdict">{escape(verdict)}</span>'
            + (f'<span class="atlas-since">{escape(since)}</span>' if since else "")
            + f"</summary>{body}</details></li>")


def _entry_html(entry: Entry, results: Sequence[Result], history=None) -> str:
    source = ""
    if entry.source:
        url, title = entry.source
        source = f' Asked in <a href="{escape(url)}">{escape(title)}</a>.'

    answers = "".join(_answer(entry, r, history) for r in results)
    return (f'<article class="atlas-entry" id="{entry.id}" data-family="{entry.family}" '
            f'data-disagree="{"yes" if _disagree(results) else "no"}">'
            f'<h4><a class="atlas-anchor" href="#{entry.id}">{entry.id}</a>: '
            f"{escape(entry.what)}</h4>"
            f'<p class="atlas-question">{escape(entry.question)}{source}</p>'
            f'<dl class="atlas-maths">{_maths(entry)}</dl>'
            f'<ul class="atlas-answers">{answers}</ul></article>')


def _filters(frameworks: Sequence[str]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" name="framework" value="{f}" checked> '
        f"{escape(TITLES[f])}</label>" for f in frameworks)
    families = "".join(f'<option value="{key}">{escape(title)}</option>'
                       for key, title in FAMILIES.items())
    return ('<form class="atlas-filters" aria-label="Filter the atlas">'
            f"<fieldset><legend>Frameworks</legend>{boxes}</fieldset>"
            '<label>Family <select name="family"><option value="">every family</option>'
            f"{families}</select></label>"
            '<label><input type="checkbox" name="disagree"> only entries where the chosen '
            "frameworks disagree</label>"
            '<output name="count" aria-live="polite"></output></form>')


def atlas_html(run: RecordedRun, entries: Sequence[Entry] = ENTRIES, history=None) -> str:
    """The atlas as HTML: filters, then every entry of ``run`` by family, each with its answers;
    with a :class:`~lossedu.atlas.history.History`, each answer also says in which release it
    last changed ("since 2.14: 0 (was 1)").

    >>> from lossedu.atlas import stored
    >>> html = atlas_html(stored(), [ENTRY_BY_ID["abs"]])
    >>> 'id="abs"' in html and "jax.grad(f)(x)" in html
    True
    """
    if not isinstance(run, RecordedRun):
        raise TypeError(f"atlas_html renders a RecordedRun (atlas.stored()), got "
                        f"{type(run).__name__}")
    by_entry: dict[str, list[Result]] = {}
    for result in run.results:
        by_entry.setdefault(result.id, []).append(result)
    frameworks = list(dict.fromkeys(r.framework for r in run.results))
    parts = [f'<div class="atlas" data-entries="{len(entries)}">', _filters(frameworks)]
    for family, title in FAMILIES.items():
        members = [e for e in entries if e.family == family and e.id in by_entry]
        if not members:
            continue
        parts.append(f'<section class="atlas-family" data-family="{family}">'
                     f'<h3 id="family-{family}">{escape(title)}</h3>')
        parts += [_entry_html(e, by_entry[e.id], history) for e in members]
        parts.append("</section>")
    parts.append("</div>")
    return "".join(parts)


def _markdown_maths(entry: Entry) -> str:
    slopes = one_sided_slopes(entry)
    parts = [] if slopes is None else \
        [f"slopes {format_grad(slopes[0])} / {format_grad(slopes[1])}"]
    if entry.gradients is None:
        parts.append(f"no valid gradient: {entry.maths}")
    elif entry.differentiable:
        parts.append(f"derivative {entry.gradients.text}")
    else:
        parts.append(f"valid {entry.gradients.text}, min-norm {format_grad(entry.min_norm)}")
    return "; ".join(parts)


def atlas_markdown(run: RecordedRun, entries: Sequence[Entry] = ENTRIES, history=None) -> str:
    """The atlas as markdown, for a page without HTML (the PDF): one table per family with
    three columns that wrap (a page is too narrow for one column per framework): the entry, its
    maths, and every framework's answer, in bold where it differs from the others', with the
    release where it last changed (given a ``history``)."""
    if not isinstance(run, RecordedRun):
        raise TypeError(f"atlas_markdown renders a RecordedRun (atlas.stored()), got "
                        f"{type(run).__name__}")
    by_entry: dict[str, list[Result]] = {}
    for result in run.results:
        by_entry.setdefault(result.id, []).append(result)
    parts = ["**Bold**: an answer that differs from the other frameworks' (all of them bold "
             "when no two agree). The page's HTML version holds each answer's snippet."]
    for family, title in FAMILIES.items():
        members = [e for e in entries if e.family == family and e.id in by_entry]
        if not members:
            continue
        lines = [f"**{title}**", "", "| entry | mathematics | answers |", "|---|---|---|"]
        for entry in members:
            results = by_entry[entry.id]
            odd = disagreeing(results)
            answers = "; ".join(
                (f"**{TITLES[r.framework]} {describe(r)}**" if r.framework in odd
                 else f"{TITLES[r.framework]} {describe(r)}")
                + (f" ({since})" if (since := change_note(entry, r, history)) else "")
                for r in results)
            cells = [f"`{entry.id}`: {entry.what}", _markdown_maths(entry), answers]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def atlas_output(run: RecordedRun, history=None) -> dict[str, str]:
    """:func:`atlas_html` and :func:`atlas_markdown` as one output: the HTML book shows the
    first, the PDF the second. In a notebook: ``display(atlas_output(run, history), raw=True)``.

    >>> from lossedu.atlas import stored
    >>> sorted(atlas_output(stored()))
    ['text/html', 'text/markdown']
    """
    return {"text/html": atlas_html(run, history=history),
            "text/markdown": atlas_markdown(run, history=history)}


@dataclass(frozen=True)
class Rule:
    """A behaviour that may explain several entries: ``label`` names what one answer shows
    (``None`` where the answer says nothing about it)."""

    title: str
    ids: tuple
    label: Callable[[Entry, Result], "str | None"]


def _two_argument_tie(entry: Entry, result: Result) -> str | None:
    if result.kind != "value":
        return describe(result)
    # the first argument is x in maximum(x, y), y in maximum(y, x); the gradient is (dx, dy)
    first, second = (0, 1) if entry.id.endswith("_xy") else (1, 0)
    g = result.grad
    if g[first] == 1 and g[second] == 0:
        return "to the first argument"
    if g[first] == 0 and g[second] == 1:
        return "to the second argument"
    if g[first] == g[second] == 0.5:
        return "split evenly"
    return format_grad(g)


def _tie_in_tensor(entry: Entry, result: Result) -> str | None:
    if result.kind != "value":
        return describe(result)
    g = np.asarray(result.grad)
    tied = [i for i, m in enumerate(entry.min_norm) if m > 0]
    if np.allclose(g[tied], 1 / len(tied)):
        return "split evenly"
    if g[tied[0]] == 1 and not np.any(g[tied[1:]]):
        return "all to the first"
    if g[tied[-1]] == 1 and not np.any(g[tied[:-1]]):
        return "all to the last"
    return format_grad(g)


def _bound(entry: Entry, result: Result) -> str | None:
    if result.kind != "value":
        return describe(result)
    g = result.grad[0]
    left, right = one_sided_slopes(entry)
    inside = max(abs(left[0]), abs(right[0]))  # the other side is flat: slope 0
    if g == 0:
        return "0 (the flat side)"
    if math.isclose(g, inside, rel_tol=1e-5):
        return "the slope inside"
    if math.isclose(g, inside / 2, rel_tol=1e-5):
        return "half the slope inside"
    return format_grad([g])


def _value(entry: Entry, result: Result) -> str | None:
    return answer_key(result)


RULES = (
    Rule("a tie between two arguments (maximum, minimum, in both orders)",
         ("maximum_tie_xy", "maximum_tie_yx", "minimum_tie_xy", "minimum_tie_yx"),
         _two_argument_tie),
    Rule("a tie inside one tensor (max, min, amax, topk, kthvalue, median, max-pooling, max "
         "norm)", ("reduce_max_tie", "max_dim_tie", "amax_tie", "reduce_min_tie", "min_dim_tie",
                   "topk_tie", "kthvalue_tie", "median_tie", "maxpool_tie", "norm_inf_tie"),
         _tie_in_tensor),
    Rule("a corner where the function turns flat (relu, maximum with 0, clip, relu6, hardtanh, "
         "hard sigmoid)", ("relu", "maximum_zero", "clip_lower", "clip_upper", "relu6_upper",
                           "hardtanh_upper", "hardsigmoid_lower", "hardsigmoid_upper"), _bound),
    Rule("a Euclidean norm at its minimum (norm, hand-written norm, cdist, hypot, std)",
         ("norm_zero", "hand_norm_zero", "cdist_zero", "hypot_zero", "std_constant"), _value),
    Rule("a jump (sign, round, floor)", ("sign_zero", "round_half", "floor_integer"), _value),
)


def rule_cells(rule: Rule, results: Sequence[Result]) -> dict[str, str]:
    """For each framework, the rule's finding: one label backed by every row that shows it
    ("to the first argument (4 rows)"), or each label with its rows where they differ."""
    by_key = {(r.id, r.framework): r for r in results}
    cells = {}
    for framework in dict.fromkeys(r.framework for r in results):
        labels: dict[str, list[str]] = {}
        for entry_id in rule.ids:
            result = by_key.get((entry_id, framework))
            if result is None or result.kind in ("no op", "not installed"):
                continue
            label = rule.label(ENTRY_BY_ID[entry_id], result)
            if label is not None:
                labels.setdefault(label, []).append(entry_id)
        if len(labels) == 1:
            (label, ids), = labels.items()
            cells[framework] = f"{label} ({len(ids)} rows)"
        else:
            cells[framework] = "; ".join(f"{label}: {', '.join(ids)}"
                                         for label, ids in labels.items()) or "—"
    return cells


def rules_html(results: Sequence[Result]) -> str:
    """Each rule of :data:`RULES` as a heading, the entries that test it, and a table of what
    each framework does."""
    frameworks = list(dict.fromkeys(r.framework for r in results))
    parts = []
    for number, rule in enumerate(RULES, 1):
        cells = rule_cells(rule, results)
        links = ", ".join(f'<a href="#{i}">{i}</a>' for i in rule.ids)
        rows = "".join(f'<tr><th scope="row">{escape(TITLES[f])}</th>'
                       f"<td>{escape(cells.get(f, '—'))}</td></tr>" for f in frameworks)
        parts.append(f'<h3 id="rule-{number}">At {escape(rule.title)}</h3>'
                     f'<p class="atlas-rule-rows">Entries: {links}.</p>'
                     f'<table class="atlas-rules"><thead><tr><th scope="col">framework</th>'
                     f'<th scope="col">what its answers show</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>")
    return f'<div class="atlas-rules-list">{"".join(parts)}</div>'


def rules_markdown(results: Sequence[Result]) -> str:
    """:func:`rules_html` without HTML (the PDF): each rule in bold, its entries, a table."""
    frameworks = list(dict.fromkeys(r.framework for r in results))
    parts = []
    for rule in RULES:
        cells = rule_cells(rule, results)
        rows = "\n".join(f"| {TITLES[f]} | {cells.get(f, '—')} |" for f in frameworks)
        parts.append(f"**At {rule.title}.** Entries: {', '.join(f'`{i}`' for i in rule.ids)}."
                     f"\n\n| framework | what its answers show |\n|---|---|\n{rows}")
    return "\n\n".join(parts)


def rules_output(results: Sequence[Result]) -> dict[str, str]:
    """:func:`rules_html` and :func:`rules_markdown` as one output (see :func:`atlas_output`)."""
    return {"text/html": rules_html(results), "text/markdown": rules_markdown(results)}
