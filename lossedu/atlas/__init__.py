"""The kink atlas: what seven frameworks return where the maths has no derivative.

Each entry is one op at one point: ``abs`` at 0, ``maximum`` at a tie, the gradient of a step
function, a loss at a tie, SVD at repeated singular values, and so on. Each framework answers
through the snippet a reader would write in its own API. The atlas has these parts:

- :mod:`lossedu.atlas.entries`: :class:`Entry`, the table :data:`ENTRIES` (and
  :data:`ENTRY_BY_ID`) grouped by :data:`FAMILIES`;
- :mod:`lossedu.atlas.subgradients`: the sets of valid gradients (:class:`GradientSet`);
- :mod:`lossedu.atlas.frameworks`: one module per framework behind :class:`Framework`
  (:data:`FRAMEWORKS`, :func:`register`, :class:`Missing`);
- :mod:`lossedu.atlas.probing`, the engine: :func:`run` executes the snippets, one process per
  framework (:mod:`lossedu.atlas.snippet_runner`), and returns :class:`Result` objects; also
  :func:`answer_result`, :func:`classify`, :func:`classifications`, :func:`verdict_counts`,
  :func:`one_sided_slopes`, :func:`same_answer`, :func:`run_versions`, :func:`stored`,
  :func:`store`, :func:`recorded_run` (:class:`RecordedRun`), :func:`is_installed`;
- :mod:`lossedu.atlas.tables` and :mod:`lossedu.atlas.page`, the renderers;
- :mod:`lossedu.atlas.history`: every entry's answers in earlier releases (:func:`stored_history`, a
  :class:`History` of :class:`Release` objects, with its :class:`Change` list), made by
  :mod:`lossedu.atlas.releases` (``make atlas-history``) and shown by
  :mod:`lossedu.atlas.changes_page`;
- :mod:`lossedu.atlas.cli`: ``python -m lossedu.atlas`` compares this machine with the book, and
  ``--changes`` tells what changed between two releases.

It may import: lossedu.maths, lossedu.frameworks, lossedu.common.

>>> [entry.id for entry in ENTRIES][:3]
['abs', 'abs_negative_zero', 'relu']
"""

from . import changes_page, page
from .cli import main
from .entries import DTYPE, ENTRIES, ENTRY_BY_ID, FAMILIES, Entry
from .frameworks import FRAMEWORKS, Framework, Missing, register
from .history import PACKAGES, Change, History, Release, stored_history
from .probing import (KINDS, RecordedRun, Result, answer_result, classifications, classify,
                      is_installed, one_sided_slopes, recorded_run, run, run_versions,
                      same_answer, store, stored, verdict_counts)
from .subgradients import TOLERANCE, GradientSet
from .tables import (SLOPES_TITLE, TABLE_LEGEND, TITLES, classification_table,
                     comparison_table, describe, disagreeing, format_grad, markdown_table,
                     table_rows, versions_header)

__all__ = [
    "DTYPE", "ENTRIES", "ENTRY_BY_ID", "FAMILIES", "Entry",
    "FRAMEWORKS", "Framework", "Missing", "register",
    "PACKAGES", "Change", "History", "Release", "stored_history",
    "KINDS", "RecordedRun", "Result", "answer_result", "classifications", "classify",
    "is_installed", "one_sided_slopes", "recorded_run", "run", "run_versions", "same_answer",
    "store", "stored", "verdict_counts",
    "TOLERANCE", "GradientSet",
    "SLOPES_TITLE", "TABLE_LEGEND", "TITLES", "classification_table", "comparison_table",
    "describe", "disagreeing", "format_grad", "markdown_table", "table_rows", "versions_header",
    "main", "page", "changes_page",
]
