"""Optional dependencies: import one, or say in one line how to install it.

The library needs only NumPy and matplotlib. The instructors' tools need more, declared as
extras in ``pyproject.toml``: :mod:`lossedu.grading.assign` needs nbformat, nbclient and nbconvert
(``pip install "lossedu[assign]"``), and :mod:`lossedu.chapters.publish` needs nbformat and PyYAML
(``pip install "lossedu[publish]"``).

:func:`require` imports a module that an extra provides (:data:`EXTRAS` lists the modules of
each extra); if it is missing, it raises :class:`MissingExtra` with the one-line install
instruction, or exits with that line when the importing module runs as a command.

>>> require("assign", "json", __name__).__name__
'json'
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

EXTRAS = {"assign": ("nbformat", "nbclient", "nbconvert"), "publish": ("nbformat", "yaml")}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message says which extra to install."""


def require(extra: str, module: str, importer: str) -> ModuleType:
    """Import ``module``, which the ``extra`` of lossedu provides, for the module ``importer``
    (pass ``__name__``). If it is missing, raise :class:`MissingExtra` with a one-line
    instruction, or, when ``importer`` runs as a command (``python -m``), exit with that line."""
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r}; lossedu declares {sorted(EXTRAS)}")
    try:
        return importlib.import_module(module)
    except ImportError as error:
        missing = error.name or module
        message = (f"this part of lossedu needs {missing}, which is not installed: "
                   f"pip install \"lossedu[{extra}]\"")
        if importer == "__main__":
            sys.exit(message)
        raise MissingExtra(message, name=missing) from None
