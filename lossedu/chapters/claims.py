r"""Claim checks: the sentences of a chapter, checked by the code that backs them.

Every statement a chapter makes about a number or a framework's behaviour is either printed by
code or guarded by a claim check: a hidden cell (tagged ``claim-check``) that runs after the
evidence and calls :func:`claim` with the sentence and the condition that makes it true.

When the condition holds, nothing is printed, so the cell's stored output is empty. When it does
not (a framework release changed clamp's boundary gradient, a seed changed a number), the cell
prints a warning to stderr that quotes the sentence and what was found instead, with the versions
it ran with. Strict nbval compares stderr, so the test suite fails at that sentence; a reader
whose Colab has newer frameworks sees which sentence no longer holds for them, and the chapter
goes on running.

>>> claim(abs(-0.0) == 0.0, "The absolute value of negative zero is zero.")
>>> import contextlib, io
>>> with contextlib.redirect_stderr(io.StringIO()) as warning:
...     claim(1 + 1 == 3, "One plus one is three.", found="1 + 1 = 2")
>>> print("\n".join(warning.getvalue().splitlines()[:3]))
The text says:
    One plus one is three.
but that does not hold in this run: 1 + 1 = 2
"""

from __future__ import annotations

import sys

import numpy as np

CELL_TAG = "claim-check"


def claim(holds, statement: str, *, found: object = None) -> None:
    """Warn on stderr, quoting ``statement``, when ``holds`` is false; otherwise do nothing.

    ``holds`` must be a real bool (``numpy.bool_`` too), so that an array passed by mistake is
    not silently read as true; ``found`` says what the code observed instead, for the reader.
    """
    if not isinstance(statement, str) or not statement.strip():
        raise TypeError("statement must be the sentence of the chapter that the check guards")
    if not isinstance(holds, (bool, np.bool_)):
        raise TypeError(f"holds must be a bool (use all()/any() for arrays), got {type(holds).__name__}")
    if holds:
        return
    from ..frameworks import versions_line

    lines = ["The text says:", f"    {statement.strip()}",
             "but that does not hold in this run" + (f": {found}" if found is not None else "."),
             f"(ran with {versions_line()})"]
    print("\n".join(lines), file=sys.stderr)
