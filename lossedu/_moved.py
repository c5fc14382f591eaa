"""The modules of the flat layout (lossedu 0.1), found at their new places for one release.

``import lossedu.plotting`` or ``from lossedu import check`` still work: the import gives the
module at its new place and a DeprecationWarning that names it. ``python -m lossedu.assign`` and
``python -m lossedu.publish`` keep working without a warning: they are commands, and the course's
documentation uses them. ``import lossedu`` calls :func:`install`, which puts the finder of
:data:`MOVED` on ``sys.meta_path``.

>>> MOVED["lossedu.plotting"]
'lossedu.chapters.figures.all_figures'
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

# old module -> its new place
MOVED = {
    "lossedu.messages": "lossedu.common.messages",
    "lossedu.extras": "lossedu.common.extras",
    "lossedu.validation": "lossedu.maths.validation",
    "lossedu.loss_table": "lossedu.maths.loss_table",
    "lossedu.losses": "lossedu.maths.losses",
    "lossedu.gradients": "lossedu.maths.losses",
    "lossedu.numdiff": "lossedu.maths.numdiff",
    "lossedu.metrics": "lossedu.maths.metrics",
    "lossedu.score_function": "lossedu.maths.score_function",
    "lossedu.claims": "lossedu.chapters.claims",
    "lossedu.sliders": "lossedu.chapters.sliders",
    "lossedu.examples": "lossedu.chapters.examples",
    "lossedu.training": "lossedu.chapters.training",
    "lossedu.classification": "lossedu.chapters.classification",
    "lossedu.publish": "lossedu.chapters.publish",
    "lossedu.plotting": "lossedu.chapters.figures.all_figures",
    "lossedu.assign": "lossedu.grading.assign",
    "lossedu.check": "lossedu.grading.check",
    "lossedu.exercise_cells": "lossedu.grading.exercise_cells",
    "lossedu.cell_slice": "lossedu.grading.cell_slice",
    "lossedu.sandbox": "lossedu.grading.sandbox",
    "lossedu.gradebook": "lossedu.grading.gradebook",
    "lossedu.grade_exports": "lossedu.grading.grade_exports",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old module name; loading it puts the new module in its place."""

    def find_spec(self, fullname, path=None, target=None):
        return importlib.util.spec_from_loader(fullname, self) if fullname in MOVED else None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        old = module.__name__
        # stacklevel 2 is the importing line: warnings skips importlib's own frames
        warnings.warn(f"{old} moved to {MOVED[old]}; import it from there (the old name goes "
                      f"in lossedu 0.3)", DeprecationWarning, stacklevel=2)
        # the import statement returns what sys.modules holds once loading ends
        sys.modules[old] = importlib.import_module(MOVED[old])

    def get_code(self, fullname):
        """For ``python -m <old name>`` (runpy): code that runs the new module as the program,
        under its own name, so that its relative imports resolve."""
        return compile(f"import runpy\nrunpy.run_module({MOVED[fullname]!r}, "
                       f"run_name='__main__', alter_sys=True)\n", f"<{fullname}>", "exec")


def install() -> None:
    """Put the finder on ``sys.meta_path`` once (``import lossedu`` does it)."""
    if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModules())
