"""The chapters' figures: one module per chapter for the figures only it draws, and
:mod:`~lossedu.chapters.figures.shared` for what two chapters or more use. Importing one
imports matplotlib (lossedu itself does not).

- :mod:`~lossedu.chapters.figures.chapter1` to :mod:`~lossedu.chapters.figures.chapter6`: a
  chapter imports its own, as ``from lossedu.chapters.figures import chapter4 as figures``;
  each also offers the shared figures its chapter draws;
- :mod:`~lossedu.chapters.figures.shared`: the ``legible`` decorator every figure wears, the
  line styles, and the figures drawn by two chapters or more;
- :mod:`~lossedu.chapters.figures.all_figures`: every figure in one namespace, for code written
  against the old ``lossedu.plotting``.

Every figure function returns the matplotlib Figure it drew, with labelled axes and a title, so
a notebook cell can show it as it is or adjust it. tests/test_plotting.py checks every figure
for text size, overlaps and fit on the page.
"""
