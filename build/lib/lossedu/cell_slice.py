"""Which code cells of a notebook some names need: a static, conservative slice.

The grader uses it to run only what an exercise's function needs (its definitions, their
imports and data, transitively) before the checks, and falls back to the whole notebook when a
submission does not pass that way. A cell is needed if it binds or changes a name that a needed
cell (or the names asked for) uses. Binding covers assignments, ``def``, ``class``, imports,
``for``/``with`` targets, ``global`` inside functions and star imports (which may bind anything);
changing covers ``x.attr = ...``, ``x[i] = ...`` and top-level calls of a name's methods
(``np.random.seed(0)``, ``jax.config.update(...)``). A cell that cannot be parsed is needed.

:func:`needed_cells` gives the indices of the cells that some names need. :func:`cell_names`
gives what one cell binds, changes and reads, as a :class:`CellNames` (or None if the cell
cannot be parsed).

>>> cells = ["import numpy as np", "x = np.arange(3)", "print(x)", "def f(v):\\n    return v * x"]
>>> needed_cells(cells, {"f"})
[0, 1, 3]
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
    (['c', 'd', 'y'], ['c', 'd', 'y', 'z'])
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
    return CellNames(frozenset(binds), frozenset(_free_reads(tree, frozenset())), setters)


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


def needed_cells(sources: list[str], names) -> list[int]:
    """Indices of the cells (in ``sources``, code only) that ``names``, read after the last
    cell, need: going backwards, every cell that binds or changes a name still needed (calling
    a function that sets globals binds them), and then what that cell reads. Unparsable cells
    are always included."""
    cells = [cell_names(source) for source in sources]
    setters = {}
    for names_of in filter(None, cells):
        setters.update(names_of.setters)
    live, needed = set(names), []
    for index in range(len(sources) - 1, -1, -1):
        names_of = cells[index]
        if names_of is not None:
            binds = names_of.binds.union(*(setters[f] for f in names_of.reads if f in setters))
        if names_of is None or binds & live or ANY_NAME in binds and live:
            needed.append(index)
            if names_of is not None:
                live |= names_of.reads
    return sorted(needed)
