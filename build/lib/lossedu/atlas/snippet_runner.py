"""Run atlas snippets in a process of their own, where lossedu cannot be imported.

``python snippet_runner.py REQUEST.json ANSWERS.json``: the request names the framework's
module and package and maps entry ids to snippets; the answers file gets, per id, what the
snippet's last line evaluated to: ``{"kind": "value", "grad": [...]}`` (every input's gradient,
flattened and concatenated; NaN and infinities as "nan", "inf", "-inf"), ``{"kind": "none"}``
(the framework found no gradient) or ``{"kind": "raises", "error": "TypeError: ..."}``, and the
framework's version. Each answer also carries ``"value"``: the summed op's value at the point
(a number, or the line of the exception computing it raised).

:func:`main` does it: :func:`answer` runs one snippet, :func:`value` its op's value.

This file is run as a script, never imported by lossedu: it imports nothing from lossedu, and
it makes importing lossedu an error, so an answer cannot depend on it.
"""

import ast
import importlib
import importlib.abc
import importlib.metadata
import json
import math
import sys

import numpy as np


class _WithoutLossedu(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "lossedu" or name.startswith("lossedu."):
            raise ImportError("an atlas snippet runs without lossedu")
        return None


def _array(value):
    if value is None:
        return None
    if hasattr(value, "detach"):  # a torch tensor that requires grad
        value = value.detach()
    if hasattr(value, "numpy"):  # torch, TensorFlow, PaddlePaddle, tinygrad
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)


def _number(value: float):
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}" if text else type(error).__name__


def answer(code: str, inputs: int) -> dict:
    """Run ``code`` in a fresh namespace; its last line is the gradient's expression."""
    tree = ast.parse(code)
    last = tree.body.pop()
    namespace = {"__name__": "__main__"}
    try:
        exec(compile(tree, "<snippet>", "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), "<snippet>", "eval"), namespace)
        grads = list(value) if isinstance(value, (list, tuple)) else [value]
        if len(grads) != inputs:
            raise ValueError(f"the snippet named {len(grads)} gradients for {inputs} inputs")
        arrays = [_array(g) for g in grads]
    except Exception as error:  # the framework's exception is its answer
        return {"kind": "raises", "error": _line(error)}
    if any(a is None for a in arrays):
        return {"kind": "none", "missing": [i for i, a in enumerate(arrays) if a is None]}
    flat = np.concatenate([a.ravel() for a in arrays])
    return {"kind": "value", "grad": [_number(float(v)) for v in flat]}


def value(code: str):
    """The summed op's value: the last line of ``code``; an exception's line if it raises."""
    tree = ast.parse(code)
    last = tree.body.pop()
    namespace = {"__name__": "__main__"}
    try:
        exec(compile(tree, "<snippet>", "exec"), namespace)
        result = eval(compile(ast.Expression(last.value), "<snippet>", "eval"), namespace)
        return _number(float(_array(result).reshape(())))
    except Exception as error:
        return _line(error)


def main(request_path: str, answers_path: str) -> None:
    sys.meta_path.insert(0, _WithoutLossedu())
    with open(request_path) as handle:
        request = json.load(handle)
    answers = {entry_id: answer(code, request["inputs"][entry_id])
               for entry_id, code in request["snippets"].items()}
    for entry_id, code in request["values"].items():
        answers[entry_id]["value"] = value(code)
    try:
        version = importlib.import_module(request["module"]).__version__
    except (ImportError, AttributeError):
        try:
            version = importlib.metadata.version(request["package"])
        except importlib.metadata.PackageNotFoundError:
            version = None
    with open(answers_path, "w") as handle:
        json.dump({"version": version, "answers": answers}, handle)


if __name__ == "__main__":
    main(*sys.argv[1:])
