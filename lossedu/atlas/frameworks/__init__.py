"""The frameworks the atlas asks, one module each, all behind one small interface.

A framework module defines ``FRAMEWORK``, a :class:`Framework`: how a snippet imports the
framework, makes a float32 tensor and takes a gradient, and ``ops``, what each atlas entry's
operation is called in it (or :class:`Missing`, with the reason, where it has no such op).
From these, :meth:`Framework.snippet` writes the program a reader can copy: the framework's own
code, nothing from lossedu. The atlas runs exactly that text (:mod:`lossedu.atlas.probing`).

Nothing here imports a framework: a module holds text, so listing the frameworks costs nothing.

- :data:`FRAMEWORKS` maps each name to its :class:`Framework`, in the atlas's column order;
  :func:`register` adds one (the README's "Adding a framework");
- a loss of lossedu's table has its atlas entry made for it (:mod:`lossedu.atlas.entries`), and
  each framework writes its built-in with :attr:`Framework.builtin_loss`, from the names the
  table gives (:func:`keras_function` turns a Keras class name into its function,
  :func:`no_builtin_loss` says where the table names none); :func:`loss_of_entry` tells which
  loss an entry id belongs to;
- :func:`literal` writes a point's values as Python source (``float("nan")`` included).

>>> print(FRAMEWORKS["torch"].snippet("abs", {"x": [0.0]}, {}))
import torch
<BLANKLINE>
x = torch.tensor([0.0], dtype=torch.float32, requires_grad=True)
torch.abs(x).sum().backward()
x.grad
"""

from __future__ import annotations

import ast
import importlib
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ...maths.loss_table import LOSSES, ElementwiseLoss

# The order of the atlas's columns: the modules below, each defining FRAMEWORK (Keras: one
# FRAMEWORK per backend, KERAS_FRAMEWORKS).
_MODULES = ("torch", "tensorflow", "keras", "jax", "mlx", "paddle", "tinygrad")


@dataclass(frozen=True)
class Missing:
    """An op a framework does not have, and why: the atlas shows the reason in its cell and
    never substitutes another op."""

    reason: str

    def __post_init__(self):
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ValueError("a Missing op needs its reason, e.g. Missing('no kthvalue op')")


@dataclass(frozen=True)
class Framework:
    """How to ask one framework for a gradient, and what each atlas op is called in it.

    - ``name``: the atlas's key (``"keras-jax"``); ``label``: its title (``"Keras 3 (JAX)"``);
    - ``package``: the distribution whose version the atlas reports (``"keras"``);
      ``module``: the import that tells whether it is installed (``"keras"``), and
      ``requires`` any other modules it needs (Keras on JAX: ``("jax",)``);
    - ``imports``: the snippet's first lines; ``tensor`` and ``constant``: format strings with
      ``{name}`` and ``{value}`` that make an input to differentiate and an input held fixed,
      in float32;
    - ``total``: a format string with ``{expression}`` that sums the op's output to a scalar;
    - ``gradient(total, names)``: the snippet's last lines, which differentiate the scalar
      ``total`` with respect to the inputs ``names``; the very last line is an expression whose
      value is the gradient (a tuple or list of them for several inputs; ``None`` where the
      framework finds no gradient);
    - ``ops``: for each entry id, an expression in the inputs' and constants' names, or
      :class:`Missing`;
    - ``builtin_loss(definition)``: the framework's built-in for a loss of lossedu's table, as
      an expression in ``y_pred`` and ``y_true``, or :class:`Missing`: what :meth:`op` gives
      for that loss's own atlas entries when ``ops`` does not list them. Without one, the table
      names no built-in of the framework (:func:`no_builtin_loss`).

    >>> FRAMEWORKS["jax"].ops["abs"]
    'jnp.abs(x)'
    """

    name: str
    label: str
    package: str
    module: str
    imports: str
    tensor: str
    constant: str
    total: str
    gradient: Callable[[str, tuple], str]
    ops: Mapping[str, "str | Missing"] = field(default_factory=dict)
    home: str = ""
    requires: tuple[str, ...] = ()
    builtin_loss: Callable[[ElementwiseLoss], "str | Missing"] | None = None

    def op(self, entry_id: str) -> "str | Missing | None":
        """How this framework writes ``entry_id``'s op: its ``ops``, else, for an entry of a
        loss of the table, its ``builtin_loss``; ``None`` where it does not say.

        >>> FRAMEWORKS["torch"].op("mae_loss_tie")
        'torch.nn.functional.l1_loss(y_pred, y_true)'
        >>> FRAMEWORKS["tinygrad"].op("mae_loss_tie").reason, FRAMEWORKS["mlx"].op("mae_loss_tie")
        ('no mean absolute error (L1) loss', 'nn.losses.l1_loss(y_pred, y_true)')
        """
        op = self.ops.get(entry_id)
        loss = loss_of_entry(entry_id)
        if op is None and loss is not None:
            op = (self.builtin_loss(loss) if self.builtin_loss is not None
                  else no_builtin_loss(self.label, loss))
        return op

    def snippet(self, entry_id: str, inputs: Mapping[str, list],
                constants: Mapping[str, list]) -> "str | Missing":
        """The standalone program that asks this framework for the gradient of ``entry_id``'s
        op at ``inputs`` (names to values), with ``constants`` held fixed; :class:`Missing`
        where the framework has no such op."""
        lines = self._setup(entry_id, inputs, constants)
        if isinstance(lines, Missing):
            return lines
        return "\n".join(lines[:-1] + [self.gradient(lines[-1], tuple(inputs))])

    def value_program(self, entry_id: str, inputs: Mapping[str, list],
                      constants: Mapping[str, list]) -> "str | Missing":
        """The program whose last line is the summed op's value at the point, before any
        gradient: the atlas checks it against the entry's NumPy version."""
        lines = self._setup(entry_id, inputs, constants)
        return lines if isinstance(lines, Missing) else "\n".join(lines)

    def _setup(self, entry_id, inputs, constants) -> "list[str] | Missing":
        op = self.op(entry_id)
        if op is None:
            raise ValueError(f"{self.name} does not say how to write atlas entry {entry_id!r}: "
                             f"add it to the ops of lossedu/atlas/frameworks (or Missing(why))")
        if isinstance(op, Missing):
            return op
        lines = [self.imports, ""]
        lines += [self.constant.format(name=n, value=literal(v)) for n, v in constants.items()]
        lines += [self.tensor.format(name=n, value=literal(v)) for n, v in inputs.items()]
        total = self.total
        if total.startswith("({expression})") and _is_primary(op):
            total = total.replace("({expression})", "{expression}", 1)  # no needless brackets
        return lines + [total.format(expression=op)]


LOSS_TIE = "_loss_tie"  # the entry id of a loss at a tie: "mae_loss_tie"


def loss_of_entry(entry_id: str) -> ElementwiseLoss | None:
    """The loss of lossedu's table whose own atlas entry ``entry_id`` is, if it is one.

    >>> loss_of_entry("mae_loss_tie").title, loss_of_entry("abs")
    ('mean absolute error', None)
    """
    if entry_id.endswith(LOSS_TIE):
        return LOSSES.get(entry_id[:-len(LOSS_TIE)])
    return None


def no_builtin_loss(label: str, definition: ElementwiseLoss) -> Missing:
    """What a framework says for a loss of the table that has no built-in there.

    >>> no_builtin_loss("MLX", LOSSES["mae"]).reason
    "lossedu's loss table names no MLX built-in for the mean absolute error"
    """
    return Missing(f"lossedu's loss table names no {label} built-in for the {definition.title}")


def keras_function(definition: ElementwiseLoss) -> str | None:
    """The function form in ``keras.losses`` of the table's Keras built-in (a class name).

    >>> keras_function(LOSSES["mae"]), keras_function(LOSSES["smooth_l1"])
    ('mean_absolute_error', None)
    """
    if definition.keras is None:
        return None
    return re.sub(r"(?<!^)(?=[A-Z])", "_", definition.keras).lower()


def _is_primary(expression: str) -> bool:
    """Whether ``expression`` is a call, name, attribute or subscript: ``.sum()`` can follow it
    without brackets."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError as error:
        raise ValueError(f"an atlas op is one Python expression, got {expression!r}") from error
    return isinstance(node, (ast.Call, ast.Name, ast.Attribute, ast.Subscript))


def literal(value) -> str:
    """A point's value (a number or nested lists of numbers) as Python source.

    >>> literal([[1.0, -0.0], [float("-inf"), 2]])
    '[[1.0, -0.0], [float("-inf"), 2.0]]'
    """
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"an atlas point holds numbers, got {value!r}")
    value = float(value)
    if math.isnan(value):
        return 'float("nan")'
    if math.isinf(value):
        return 'float("inf")' if value > 0 else 'float("-inf")'
    return repr(value)


def _load() -> dict:
    frameworks: dict[str, Framework] = {}
    for name in _MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for framework in getattr(module, "KERAS_FRAMEWORKS", None) or (module.FRAMEWORK,):
            frameworks[framework.name] = framework
    return frameworks


FRAMEWORKS: dict[str, Framework] = _load()


def register(framework: Framework) -> Framework:
    """Add ``framework`` as the atlas's last column (replacing one of the same name).

    >>> toy = register(Framework("toy", "Toy", "numpy", "numpy", "import numpy as np",
    ...                          "{name} = np.array({value})", "{name} = np.array({value})",
    ...                          "np.sum({expression})", lambda total, names: "None",
    ...                          {"abs": Missing("a toy")}))
    >>> list(FRAMEWORKS)[-1]
    'toy'
    >>> del FRAMEWORKS["toy"]
    """
    if not isinstance(framework, Framework):
        raise TypeError(f"register takes a Framework, got {type(framework).__name__}")
    FRAMEWORKS.pop(framework.name, None)
    FRAMEWORKS[framework.name] = framework
    return framework
