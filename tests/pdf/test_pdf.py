"""The PDF of the book (make pdf): every chapter in it, whole, and nothing off the page.

Run by `make pdf` after it builds _build/pdf/gradients-at-the-kink.pdf (or on the PDF that the
PDF variable names)."""

import os
import re
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(os.environ.get("PDF", ROOT / "_build" / "pdf" / "gradients-at-the-kink.pdf"))
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES_DPI = 20  # enough to see where ink is


def title_of(notebook_path):
    first = next(c for c in nbformat.read(notebook_path, as_version=4).cells if c.cell_type == "markdown")
    return re.sub(r"^#\s*(\d+\.\s*)?", "", first.source.splitlines()[0]).strip()


@pytest.fixture(scope="module")
def text():
    done = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture(scope="module")
def reading_order():
    """The text as a reader reads it: each table cell whole, not the page's lines across cells."""
    done = subprocess.run(["pdftotext", str(PDF), "-"], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Every page rendered in grey levels (0 black, 255 white)."""
    folder = tmp_path_factory.mktemp("pages")
    subprocess.run(["pdftoppm", "-r", str(PAGES_DPI), "-gray", str(PDF), str(folder / "page")],
                   check=True)
    return [read_pgm(path) for path in sorted(folder.glob("page-*.pgm"))]


def read_pgm(path):
    data = path.read_bytes()
    magic, width, height, maximum, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maximum == b"255"
    return np.frombuffer(pixels, dtype=np.uint8).reshape(int(height), int(width))


def test_the_pdf_has_the_whole_book(text, pages):
    assert 80 <= len(pages) <= 400, len(pages)
    flat = " ".join(text.split())
    for chapter in CHAPTERS:
        assert title_of(chapter) in flat, chapter.name
    for page in ("How to run the notebooks", "Notation", "The kink atlas",
                 "What changed between releases", "For instructors",
                 "Glossary", "References"):
        assert page in flat, page
    # no chapter stops short: each one ends with its summary and exercises
    assert len(re.findall(r"\bSummary\b", text)) >= len(CHAPTERS)
    assert len(re.findall(r"\bExercises\b", text)) >= len(CHAPTERS)


def test_tables_keep_their_rows_and_columns(reading_order):
    from lossedu import atlas

    flat = " ".join(reading_order.split())
    assert all(entry.id in flat for entry in atlas.ENTRIES), "an atlas entry is missing"
    # the PDF's atlas (lossedu.atlas.page.atlas_markdown) lists every framework's answer in one
    # cell that wraps: none may be cut off by a column too narrow
    book, history = atlas.stored(), atlas.stored_history()
    for entry_id in ("abs", "maximum_zero", "svd_vectors_repeated"):
        entry = atlas.ENTRY_BY_ID[entry_id]
        notes = {r.framework: atlas.page.change_note(entry, r, history) for r in book.results}
        answers = "; ".join(f"{atlas.TITLES[r.framework]} {atlas.describe(r)}"
                            + (f" ({notes[r.framework]})" if notes[r.framework] else "")
                            for r in book.results if r.id == entry_id)
        assert answers in flat, entry_id
    assert "PaddlePaddle 0.5 (since 3.1: 0.5 (was 0))" in flat  # maximum_zero's history


def test_equations_are_typeset_not_left_as_source(text):
    assert "\\frac" not in text and "$$" not in text and "\\hat" not in text
    assert "𝑁" in text  # a math italic letter: unicode-math typeset the equations


def test_nothing_runs_off_the_page(pages):
    for number, page in enumerate(pages, start=1):
        width = page.shape[1]
        margin = page[:, int(width * 0.93):]  # the outer edge of the paper
        assert margin.min() > 200, f"page {number}: ink in the right margin"


def test_figures_are_in_it(pages):
    # a page with a plot has large mid-grey areas (lines, fills), text pages hardly any
    grey = [float(np.mean((page > 60) & (page < 200))) for page in pages]
    assert sum(share > 0.02 for share in grey) >= 20
