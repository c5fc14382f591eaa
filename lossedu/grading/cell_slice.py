"""Which code of a notebook some names need: a static, conservative slice.

The grader uses it to run only what an exercise's tests need (the functions they take, their
imports and data, transitively), and falls back to the whole notebook when a submission does
not pass that way. A cell (or a top-level statement) is needed if it binds or changes a name
that needed code (or the names asked for) uses. Binding covers assignments, ``def``, ``class``,
imports, ``for``/``with`` targets, ``global`` inside functions and star imports (which may bind
anything); changing covers ``x.attr = ...``, ``x[i] = ...`` and top-level calls of a name's
methods (``np.random.seed(0)``, ``jax.config.update(...)``). An import reads the process's
environment, so what changes ``os`` (``os.environ[...] = ...``) before an import is needed
with it. Code that cannot be parsed is needed.

:func:`needed_cells` gives the indices of the cells that some names need, and
:func:`needed_code` the statements of them that the names need: the chapters import every
framework in one cell, and a function that needs JAX alone should not wait for TensorFlow.
:func:`cell_names` gives what some code binds, changes and reads, as a :class:`CellNames` (or
None if it cannot be parsed), and :func:`statements` splits a cell into its top-level
statements.

>>> cells = ["import numpy as np", "x = np.arange(3)", "print(x)", "def f(v):\\n    return v * x"]
>>> needed_cells(cells, {"f"})
[0, 1, 3]
>>> needed_code(["import numpy as np\\nimport tensorflow as tf", "def f(v):\\n    return np.sign(v)"],
...             {"f"})
[(0, 'import numpy as np'), (1, 'def f(v):\\n    return np.sign(v)')]
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

ANY_NAME = "*"  # bound by a star import: it may be any name


@dataclass(frozen=True)
class CellNames:
    """The names a cell binds or changes, the names it reads (anywhere in it), and the
    functions it defines that bind globals when called (name -> those globals)."""

    binds: frozenset
    reads: frozenset
    setters: dict


def cell_names(source: str) -> CellNames | None:
    """What ``source`` binds and reads, or None if it cannot be parsed (IPython magics, shell
    escapes and syntax errors: such a cell is always run).

    >>> names = cell_names("import a.b as c, d.e\\ny += c.f(z)\\nd.g = 1")
    >>> sorted(names.binds), sorted(names.reads)
    (['c', 'd', 'y'], ['c', 'd', 'os', 'y', 'z'])
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    binds = set()
    for statement in tree.body:
        binds |= _top_level_binds(statement)
    setters = {node.name: {name for inner in ast.walk(node) if isinstance(inner, ast.Global)
                           for name in inner.names}
               for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    setters = {name: frozenset(names) for name, names in setters.items() if names}
    binds.update(*setters.values())
    reads = _free_reads(tree, frozenset())
    if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)):
        reads.add("os")  # an import reads the environment, which os.environ[...] = ... changes
    return CellNames(frozenset(binds), frozenset(reads), setters)


def _free_reads(node: ast.AST, local: frozenset) -> set[str]:
    """The names ``node`` reads from the notebook's globals: a function's parameters and the
    names it assigns (unless declared ``global``) are its own, as are comprehension variables.

    >>> sorted(_free_reads(ast.parse("def f(a):\\n    b = a + c\\n    return [b * i for i in d]"),
    ...                    frozenset()))
    ['c', 'd']
    """
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        arguments = node.args
        outer = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None),
                 *getattr(node, "decorator_list", [])]
        reads = set().union(*(_free_reads(n, local) for n in outer))
        parameters = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                                      arguments.vararg, arguments.kwarg] if a is not None}
        body = node.body if isinstance(node.body, list) else [node.body]
        declared = {name for n in body for inner in ast.walk(n) if isinstance(inner, ast.Global)
                    for name in inner.names}
        own = (parameters | _stored(body)) - declared
        return reads.union(*(_free_reads(n, local | own) for n in body))
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        own = _stored([generator.target for generator in node.generators])
        return set().union(*(_free_reads(n, local | own) for n in ast.iter_child_nodes(node)))
    if isinstance(node, ast.Name):
        return {node.id} - local if isinstance(node.ctx, ast.Load) else set()
    reads = set()
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        reads = {node.target.id} - local  # x += 1 reads x
    return reads.union(*(_free_reads(n, local) for n in ast.iter_child_nodes(node)))


def _stored(nodes) -> frozenset:
    return frozenset(inner.id for n in nodes for inner in ast.walk(n)
                     if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store))


def _top_level_binds(statement: ast.stmt) -> set[str]:
    binds = set()
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        binds.add(statement.name)
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        for alias in statement.names:
            binds.add(ANY_NAME if alias.name == "*" else
                      alias.asname or alias.name.split(".")[0])
    elif (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
          and isinstance(statement.value.func, ast.Attribute)):
        binds |= _base_names([statement.value.func])  # np.random.seed(0) changes np
    for node in _outside_scopes(statement):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor,
                             ast.withitem, ast.NamedExpr)):
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.optional_vars] if isinstance(node, ast.withitem) else [node.target])
            binds |= _base_names([t for t in targets if t is not None])
    return binds


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _outside_scopes(node: ast.AST):
    """``node`` and what it contains, except what lies in a function, class or lambda (their
    names are their own)."""
    yield node
    if not isinstance(node, SCOPES):
        for child in ast.iter_child_nodes(node):
            yield from _outside_scopes(child)


def _base_names(targets) -> set[str]:
    """The names that targets bind or change: ``a`` for ``a``, ``a.b.c``, ``a[i]``, ``(a, b)``."""
    names = set()
    for target in targets:
        while isinstance(target, (ast.Attribute, ast.Subscript, ast.Starred, ast.Call)):
            target = target.func if isinstance(target, ast.Call) else target.value
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            names |= _base_names(target.elts)
    return names


def _needed(units: list[str], names) -> dict[int, frozenset]:
    """The pieces of code in ``units`` that ``names``, read after the last one, need, by index,
    each with the names that were needed from it: going backwards, every piece that binds or
    changes a name still needed (calling a function that sets globals binds them), and then
    what that piece reads. Unparsable pieces are always included."""
    pieces = [cell_names(unit) for unit in units]
    setters = {}
    for names_of in filter(None, pieces):
        setters.update(names_of.setters)
    live, needed = set(names), {}
    for index in range(len(units) - 1, -1, -1):
        names_of = pieces[index]
        if names_of is not None:
            binds = names_of.binds.union(*(setters[f] for f in names_of.reads if f in setters))
        if names_of is None or binds & live or ANY_NAME in binds and live:
            needed[index] = frozenset(live)
            if names_of is not None:
                live |= names_of.reads
    return dict(sorted(needed.items()))


def needed_cells(sources: list[str], names) -> list[int]:
    """Indices of the cells (in ``sources``, code only) that ``names``, read after the last
    cell, need (see :func:`_needed`). Unparsable cells are always included."""
    return list(_needed(sources, names))


def statements(source: str) -> list[str]:
    """The top-level statements of a cell, each with its decorators, as source; statements
    that share a line stay together. A cell that cannot be parsed is one piece.

    >>> statements("import os; import sys\\n\\n@cache\\ndef f():\\n    pass\\nx = 1  # one")
    ['import os; import sys', '@cache\\ndef f():\\n    pass', 'x = 1  # one']
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return [source]
    lines, spans = source.splitlines(), []
    for statement in tree.body:
        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
        if spans and first <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], statement.end_lineno))
        else:
            spans.append((first, statement.end_lineno))
    return ["\n".join(lines[first - 1:last]) for first, last in spans]


def needed_code(sources: list[str], names) -> list[tuple[int, str]]:
    """The code that ``names``, read after the last cell, need, statement by statement: for
    each needed cell (in ``sources``, code only) its index and the statements of it that are
    needed, in their order; an import keeps only the names needed from it. Unparsable cells
    are always included whole."""
    units = [(index, piece) for index, source in enumerate(sources) for piece in statements(source)]
    kept: dict[int, list[str]] = {}
    for position, live in _needed([piece for _, piece in units], names).items():
        index, piece = units[position]
        kept.setdefault(index, []).append(_only_needed_imports(piece, live))
    return [(index, "\n".join(pieces)) for index, pieces in kept.items()]


def _only_needed_imports(piece: str, live: frozenset) -> str:
    """``piece`` with only the names in ``live`` imported, if it is one import statement.

    >>> _only_needed_imports("from lossedu import check, metrics as m, plotting", frozenset({"m"}))
    'from lossedu import metrics as m'
    """
    try:
        (statement,) = ast.parse(piece).body
    except (SyntaxError, ValueError):
        return piece
    if not isinstance(statement, (ast.Import, ast.ImportFrom)) or any(a.name == "*" for a in statement.names):
        return piece
    needed = [alias for alias in statement.names if (alias.asname or alias.name.split(".")[0]) in live]
    if not needed or len(needed) == len(statement.names):
        return piece
    statement.names = needed
    return ast.unparse(statement)
