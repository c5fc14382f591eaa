"""What the chapters use: their data, training runs, figures, sliders and claim checks.

- :mod:`lossedu.chapters.examples`: the worked examples more than one chapter uses;
- :mod:`lossedu.chapters.training`: gradient descent on regression losses (:func:`fit_line`);
- :mod:`lossedu.chapters.classification`: logistic fits, on cross-entropy, soft metrics or a
  policy gradient;
- :mod:`lossedu.chapters.figures`: the figures, one module per chapter and a shared one;
- :mod:`lossedu.chapters.sliders`: a figure with a slider, in self-contained HTML;
- :mod:`lossedu.chapters.claims`: the hidden checks behind a chapter's sentences;
- :mod:`lossedu.chapters.publish`: the Colab install cell, and the repository's name.

It may import: lossedu.maths, lossedu.frameworks, lossedu.atlas, lossedu.common.
"""
