"""The reference maths, in NumPy: what the rest of lossedu builds on.

- :mod:`lossedu.maths.loss_table`: the table of losses and the work every loss shares
  (checks, reduction); :mod:`lossedu.maths.losses`: the losses themselves, one block each;
- :mod:`lossedu.maths.jacobian`: the full Jacobian from a gradient function;
- :mod:`lossedu.maths.numdiff`: finite differences and a gradient checker that knows kinks;
- :mod:`lossedu.maths.metrics`: hard classification metrics and their soft surrogates;
- :mod:`lossedu.maths.score_function`: the score-function (REINFORCE) estimator;
- :mod:`lossedu.maths.validation`: the input checks every public function runs.

Nothing here imports a framework, matplotlib, or another package of lossedu: the maths can be
read, tested and trusted on its own.

It may import: nothing else of lossedu.
"""
