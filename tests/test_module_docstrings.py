"""Each module of lossedu says in its docstring what it holds: every public function and class
defined in it is named there, so no module can quietly take on a second job."""

import ast
from pathlib import Path

import pytest

import lossedu

MODULES = sorted(Path(lossedu.__file__).resolve().parent.rglob("*.py"))


def public_definitions(tree: ast.Module) -> list[str]:
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(MODULES[0].parents[1]).as_posix())
def test_the_module_docstring_names_every_public_function_and_class(path):
    tree = ast.parse(path.read_text())
    docstring = ast.get_docstring(tree)
    assert docstring, f"{path.name} has no module docstring"
    missing = [name for name in public_definitions(tree) if name not in docstring]
    assert not missing, f"{path.name}'s docstring does not name {missing}"


def test_the_check_finds_an_unnamed_function():
    tree = ast.parse('"""Holds f."""\ndef f(): pass\ndef g(): pass\nclass _Hidden: pass\n')
    assert public_definitions(tree) == ["f", "g"]
