"""The kink atlas: what PyTorch, TensorFlow and JAX return where the maths has no derivative.

Each entry is one operation at one point: ``abs`` at 0, ``maximum`` at a tie, the gradient of a
step function, a loss at a tie, and so on. The atlas has four parts:

- :mod:`lossedu.atlas.entries`: :class:`Entry`, the table :data:`ENTRIES` (and
  :data:`ENTRY_BY_ID`), :func:`loss_entry` for the losses of :mod:`lossedu.loss_table`, and the
  subgradient sets :func:`interval`, :func:`simplex`, :func:`unit_ball`;
- :mod:`lossedu.atlas.probing`, the engine: :func:`probe` builds an entry in a framework, runs
  its autodiff and reports a :class:`Result` of one kind: ``"value"`` (a gradient, NaN and
  infinity included), ``"none"`` (TensorFlow's ``tape.gradient`` returned ``None``),
  ``"raises"`` or ``"missing"`` (not installed). Beside the frameworks, ``"numpy-central"`` is
  the central finite difference of the entry's NumPy version. Also :func:`run`,
  :func:`classify`, :func:`classifications`, :func:`verdict_counts`, :func:`one_sided_slopes`, :func:`same_answer`,
  :func:`run_versions`, :func:`recorded_run` (:class:`RecordedRun`), and
  :func:`answer_result`, which records an answer obtained by code outside the atlas;
- :mod:`lossedu.atlas.tables`, the renderers: :func:`markdown_table`, :func:`table_rows`,
  :func:`calls_html`, :func:`classification_table`, :func:`comparison_table`,
  :func:`disagreeing`, :func:`describe`, :func:`format_grad`, :func:`versions_header`;
- :mod:`lossedu.atlas.cli`: ``python -m lossedu.atlas`` prints a markdown table of every entry
  with the installed versions, ``--json`` one JSON object per (entry, framework) (:func:`main`).

Everything is importable from ``lossedu.atlas`` itself.

>>> [entry.id for entry in ENTRIES][:3]
['abs', 'relu', 'leaky_relu']
>>> probe(ENTRY_BY_ID["abs"], "numpy-central").grad
[0.0]
"""

from .cli import main
from .entries import (DTYPE, ENTRIES, ENTRY_BY_ID, TOLERANCE, Entry, interval, loss_entry,
                      simplex, unit_ball)
from .probing import (FRAMEWORKS, KINDS, MODULE_OF, RecordedRun, Result, answer_result,
                      classifications,
                      classify, one_sided_slopes, probe, recorded_run, run, run_versions,
                      same_answer, verdict_counts)
from .tables import (SLOPES_TITLE, TABLE_LEGEND, TITLES, calls_html, classification_table,
                     comparison_table, describe, disagreeing, format_grad, markdown_table,
                     table_rows, versions_header)

__all__ = [
    "DTYPE", "ENTRIES", "ENTRY_BY_ID", "TOLERANCE", "Entry", "interval", "loss_entry", "simplex",
    "unit_ball",
    "FRAMEWORKS", "KINDS", "MODULE_OF", "RecordedRun", "Result", "answer_result", "classifications",
    "classify",
    "one_sided_slopes", "probe", "recorded_run", "run", "run_versions", "same_answer",
    "verdict_counts",
    "SLOPES_TITLE", "TABLE_LEGEND", "TITLES", "calls_html", "classification_table",
    "comparison_table", "describe", "disagreeing", "format_grad", "markdown_table", "table_rows",
    "versions_header",
    "main",
]
