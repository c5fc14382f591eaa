"""The page of changes between releases (``book/atlas_changes.ipynb``), from the stored
:class:`~lossedu.atlas.history.History`.

- :func:`coverage_output`: which releases of each framework were probed, and why any was not;
- :func:`changes_output`: every change, framework by framework, newest release first, each
  with both versions, both answers, a link to its atlas entry and, where one was found, the
  release note or issue that reports it.

Each returns both an HTML table (the web book, with links) and a markdown one (the PDF), for
``display(..., raw=True)``.

>>> from lossedu.atlas.history import stored_history
>>> sorted(changes_output(stored_history()))
['text/html', 'text/markdown']
"""

from __future__ import annotations

from html import escape

from .frameworks import FRAMEWORKS
from .history import PACKAGE_OF_COLUMN, PACKAGES, History
from .tables import TITLES, describe


def _table(head: list[str], rows: list[list[str]], css: str) -> str:
    header = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return (f'<table class="{css}"><thead><tr>{header}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _markdown_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                              for row in rows])


def _coverage_rows(stored: History) -> list[tuple[str, str, str, str]]:
    rows = []
    for chosen in PACKAGES.values():
        releases = [r for r in stored.releases if r.package == chosen.name]
        probed = [r.version for r in stored.probed(chosen.name)]
        others = [f"{r.version}: {r.status} ({r.reason})" for r in releases
                  if r.status != "probed"]
        columns = ", ".join(TITLES[c] for c in chosen.columns)
        rows.append((chosen.name, columns, ", ".join(probed) or "none",
                     "; ".join(others) or "none"))
    return rows


def coverage_output(stored: History) -> dict[str, str]:
    """A table: per framework, its atlas columns, the releases probed and those that were not,
    with the reason."""
    head = ["framework", "atlas columns", "releases probed", "not probed"]
    rows = _coverage_rows(stored)
    html = _table(head, [[escape(c) for c in row] for row in rows], "atlas-changes")
    return {"text/html": f'<div class="atlas-changes-list">{html}</div>',
            "text/markdown": _markdown_table(head, [list(row) for row in rows])}


def changes_output(stored: History, atlas_page: str = "atlas.html") -> dict[str, str]:
    """Every change in ``stored``, one table per atlas column with changes, newest first;
    each entry links to its card on ``atlas_page``."""
    html_parts, markdown_parts = [], []
    head = ["since", "entry", "before", "after", "reported in"]
    for column in FRAMEWORKS:
        if column not in PACKAGE_OF_COLUMN:  # a registered framework the history lacks
            continue
        changes = stored.changes(column)
        if not changes:
            continue
        title = f"{TITLES[column]}: {len(changes)} change{'s' * (len(changes) != 1)}"
        html_rows, markdown_rows = [], []
        for change in changes:
            sources = change.sources
            html_rows.append([
                f"{escape(change.since)} <span class=\"atlas-version\">"
                f"({escape(change.before_version)} → {escape(change.after_version)})</span>",
                f'<a href="{escape(atlas_page)}#{escape(change.entry_id)}">'
                f"<code>{escape(change.entry_id)}</code></a>",
                f"<code>{escape(describe(change.before))}</code>",
                f"<code>{escape(describe(change.after))}</code>",
                "; ".join(f'<a href="{escape(url)}">{escape(title)}</a>'
                          for url, title in sources) or "—"])
            markdown_rows.append([
                f"{change.since} ({change.before_version} → {change.after_version})",
                f"`{change.entry_id}`", describe(change.before), describe(change.after),
                "; ".join(f"[{title}]({url})" for url, title in sources) or "—"])
        anchor = f"changes-{column}"
        html_parts.append(f'<h3 id="{anchor}">{escape(title)}</h3>'
                          + _table(head, html_rows, "atlas-changes"))
        markdown_parts.append(f"**{title}**\n\n" + _markdown_table(head, markdown_rows))
    if not html_parts:
        return {"text/html": "<p>No answer changed between the releases probed.</p>",
                "text/markdown": "No answer changed between the releases probed."}
    return {"text/html": f'<div class="atlas-changes-list">{"".join(html_parts)}</div>',
            "text/markdown": "\n\n".join(markdown_parts)}
