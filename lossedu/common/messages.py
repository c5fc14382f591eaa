"""What went wrong, in one line: :func:`first_line` of a message, :func:`error_line` for an
exception's name and message (as a notebook stores them), :func:`exception_line` for an
exception object. The atlas, the self-checks and the grader word their reports with these.

>>> exception_line(ValueError("y_pred is empty\\nmore detail"))
'ValueError: y_pred is empty'
"""

from __future__ import annotations


def first_line(text, default: str = "") -> str:
    """The first non-blank line of ``text``, stripped; ``default`` if there is none.

    >>> first_line("\\n  shape (5,)\\nsecond"), first_line("", "empty file")
    ('shape (5,)', 'empty file')
    """
    lines = str(text).strip().splitlines()
    return lines[0].strip() if lines else default


def error_line(name: str, message, default: str = "") -> str:
    """``"name: first line of message"``, or just ``name`` when there is no message.

    >>> error_line("KeyboardInterrupt", "")
    'KeyboardInterrupt'
    """
    line = first_line(message, default)
    return f"{name}: {line}" if line else name


def exception_line(error: BaseException, default: str = "") -> str:
    """:func:`error_line` of an exception: its type's name and its message's first line."""
    return error_line(type(error).__name__, str(error), default)
