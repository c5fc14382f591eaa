"""Markup that the theme and docutils write and an accessibility audit (axe-core, WCAG 2.1 A
and AA) rejects, corrected in every page once the book is written:

- a control's accessible name must contain its visible text (label-content-name-mismatch):
  the search button is named "Search" while it shows "Search Ctrl+K", and each collapsed cell's
  toggle "Toggle hidden content" while it shows "Show code cell content": their labels go, so
  they are named by what they show; the colour-mode button shows only an icon, whose title
  ("Light", "Dark", ...) the icon font turns into text: the titles go, the button keeps its
  name, "Color mode";
- the list of references is marked ``role="list"`` although it holds more than list items
  (aria-required-children), and each entry ``role="doc-biblioentry"``, a role ARIA 1.3
  deprecates (aria-deprecated-role): both roles go; the entries stay headed and linked.

tests/browser/test_pages.py runs axe-core in every page, so a theme update that brings another
violation fails there.
"""

import re
from pathlib import Path

FIXES = [
    (re.compile(r'(<button class="[^"]*search-button__button[^"]*"[^>]*?) aria-label="Search"'),
     r"\1"),
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    (re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+") +title="[^"]*"'), r"\1"),
    (re.compile(r'<div role="list" class="citation-list">'), '<div class="citation-list">'),
    (re.compile(r'(<div class="citation" id="[^"]+") role="doc-biblioentry"'), r"\1"),
]


def fix_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("build-finished", fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
