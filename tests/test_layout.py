"""The library's layout: packages that import only downwards, public functions an editor can
find, figures beside the chapter that draws them, and the old module names kept for a release.

Each package's docstring ends its rule with a line "It may import: ..."; the import test reads
that line, so the rule a reader sees is the rule that is checked."""

import ast
import importlib
import inspect
import json
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import jedi
import pytest

import lossedu
from lossedu import _moved
from lossedu.chapters.figures import all_figures

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "lossedu"  # the source tree
IMPORTED = Path(lossedu.__file__).resolve().parent  # the same, or installed (the Colab leg)
PACKAGES = ("common", "maths", "frameworks", "atlas", "chapters", "grading")


def allowed_imports(package: str) -> set[str]:
    """The packages ``lossedu.<package>`` may import, as its docstring says."""
    doc = importlib.import_module(f"lossedu.{package}").__doc__
    line = re.search(r"^It may import: (.*)\.$", doc, re.M)
    assert line, f"lossedu.{package}'s docstring says what it may import ('It may import: ...')"
    if line.group(1) == "nothing else of lossedu":
        return set()
    return {name.strip().removeprefix("lossedu.") for name in line.group(1).split(",")}


def lossedu_imports(path: Path) -> set[str]:
    """The modules of lossedu that a file imports, anywhere in it (inside functions too), as
    dotted names below lossedu: ``{"maths.validation", "frameworks"}``."""
    # the package a relative import starts from: a module's own, or the package an __init__ is
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "lossedu"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "lossedu":
                continue
            for alias in node.names:  # "from lossedu import atlas" imports a package
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _is_module(candidate) else target)
    return {name.removeprefix("lossedu").removeprefix(".") for name in found}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_the_packages_its_docstring_allows(package):
    allowed = allowed_imports(package) | {package}
    wrong = []
    for path in sorted((LIBRARY / package).rglob("*.py")):
        for name in lossedu_imports(path):
            top = name.split(".")[0]
            if top not in allowed:
                wrong.append(f"{path.relative_to(ROOT)} imports lossedu.{name}")
    assert wrong == [], f"lossedu.{package} may import only {sorted(allowed)}: {wrong}"


def test_the_import_rule_reads_relative_and_late_imports():
    """The checker itself: a late relative import of a forbidden package is found."""
    figures = lossedu_imports(LIBRARY / "chapters" / "figures" / "chapter3.py")
    assert "atlas" in figures  # "from ... import atlas" inside plot_atlas_entries
    assert "maths.validation" in lossedu_imports(LIBRARY / "grading" / "assign.py")


def test_the_packages_form_layers_and_the_docstrings_agree_with_the_guide():
    """Each package imports only packages listed before it in lossedu's docstring, except that
    chapters and grading, side by side at the end, do not import each other."""
    order = ["common", "maths", "frameworks", "atlas", "chapters", "grading"]
    for package in order:
        earlier = set(order[:order.index(package)]) - {"chapters"}
        assert allowed_imports(package) <= earlier, package
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    for package in PACKAGES:
        assert f"| `lossedu.{package}` |" in guide, f"CONTRIBUTING.md's table lacks {package}"


def module_level_getattr(path: Path) -> ast.FunctionDef | None:
    tree = ast.parse(path.read_text())
    return next((node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name == "__getattr__"), None)


def test_no_module_level_getattr_but_deprecation_shims():
    """A name is found where it is written: a module-level __getattr__ only forwards a moved
    name, with a DeprecationWarning."""
    for path in sorted(LIBRARY.rglob("*.py")):
        hook = module_level_getattr(path)
        if hook is not None:
            source = ast.unparse(hook)
            assert "DeprecationWarning" in source, f"{path.relative_to(ROOT)}: __getattr__ " \
                                                   f"that is not a deprecation shim"


def loss_functions() -> list:
    return [lossedu.loss_function(name) for name in lossedu.LOSSES] + \
        [lossedu.gradient_function(name) for name in lossedu.LOSSES]


@pytest.mark.parametrize("function", loss_functions(), ids=lambda f: f.__name__)
def test_every_public_loss_function_is_written_where_its_name_is(function):
    """inspect (and so help() and IPython's ??) find the function's own code, which names the
    loss; its docstring says what it computes, with an example."""
    name = function.__name__
    lines, _ = inspect.getsourcelines(function)
    source = "".join(lines)
    assert re.search(rf"^def {name}\(", source, re.M), source[:200]
    assert Path(inspect.getsourcefile(function)).resolve() == IMPORTED / "maths" / "losses.py"
    assert getattr(lossedu, name) is function and name in lossedu.__all__
    assert ">>> " in function.__doc__, f"{name}'s docstring has no example"


@pytest.mark.parametrize("name", [f.__name__ for f in loss_functions()])
def test_go_to_definition_of_every_loss_function_lands_on_its_def(name):
    """What an editor's go-to-definition does (jedi, as IPython and many editors use it):
    ``lossedu.<name>`` leads to the line ``def <name>(`` in lossedu/maths/losses.py."""
    code = f"import lossedu\nlossedu.{name}\n"
    project = jedi.Project(ROOT, added_sys_path=[str(ROOT)])
    found = jedi.Script(code, path=ROOT / "example.py", project=project).goto(
        2, len("lossedu.") + 1, follow_imports=True)
    assert len(found) == 1, found
    definition = found[0]
    assert definition.module_path == LIBRARY / "maths" / "losses.py"
    line = (LIBRARY / "maths" / "losses.py").read_text().splitlines()[definition.line - 1]
    assert line.startswith(f"def {name}("), line


def figure_calls() -> dict[str, set[int]]:
    """For every figure function, the chapters whose notebooks call it."""
    calls: dict[str, set[int]] = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        chapter = int(path.name[:2])
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                for name in re.findall(r"\bfigures\.(plot_\w+)\(", "".join(cell["source"])):
                    calls.setdefault(name, set()).add(chapter)
    return calls


def test_each_figure_lives_beside_the_chapter_that_draws_it():
    """A figure one chapter draws is in that chapter's module; one that two or more draw is
    in shared.py; no figure is drawn by none."""
    calls = figure_calls()
    assert set(calls) == {name for name in all_figures.__all__ if name.startswith("plot_")}
    for name, chapters in calls.items():
        home = getattr(all_figures, name).__module__
        expected = ("lossedu.chapters.figures.shared" if len(chapters) > 1
                    else f"lossedu.chapters.figures.chapter{min(chapters)}")
        assert home == expected, f"{name} is drawn by chapters {sorted(chapters)}: " \
                                 f"it belongs in {expected}, not {home}"


def test_each_chapter_imports_its_own_figures_module():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        chapter = int(path.name[:2])
        sources = "".join("".join(cell["source"]) for cell in json.loads(path.read_text())["cells"])
        if "figures." in sources:
            assert f"from lossedu.chapters.figures import chapter{chapter} as figures" in sources


# the modules that need an extra (nbformat) to import: not in the lowest-versions leg
NEED_EXTRAS = {"lossedu.grading.assign", "lossedu.chapters.publish"}


@pytest.mark.parametrize("old, new", [
    pytest.param(old, new, marks=[pytest.mark.needs_frameworks] if new in NEED_EXTRAS else [])
    for old, new in sorted(_moved.MOVED.items())])
def test_an_old_module_name_imports_its_new_module_with_a_warning(old, new):
    """Code written for the flat layout (a student's notebook from last term) still runs, and
    is told where the module went, at the line that imported it."""
    sys.modules.pop(old, None)
    parent, _, child = old.rpartition(".")
    with pytest.warns(DeprecationWarning, match=re.escape(f"{old} moved to {new}")) as caught:
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert caught[0].filename == __file__ or caught[0].filename.endswith("importlib/__init__.py")
    sys.modules.pop(old, None)
    if hasattr(lossedu, child):  # the first import bound it on the package, where "from
        delattr(lossedu, child)  # lossedu import ..." would find it without importing
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(f"from {parent} import {child}", namespace := {})
    assert namespace[child] is module
    assert [str(w.message) for w in caught] == [str(caught[0].message)]
    assert caught[0].filename == "<string>"  # the importing line, here exec's


@pytest.mark.needs_frameworks  # the commands need lossedu's extras
def test_the_old_commands_run_the_new_modules_without_a_warning(tmp_path):
    for command in ("assign", "publish"):
        # a warning of lossedu's (they start with its name) would be an error
        run = subprocess.run([sys.executable, "-W", "error:lossedu:DeprecationWarning", "-m",
                              f"lossedu.{command}", "--help"],
                             capture_output=True, text=True, cwd=tmp_path, timeout=120)
        assert run.returncode == 0 and "moved to" not in run.stderr, run.stderr
        assert f"usage: python -m lossedu.{command}" in run.stdout


def test_an_unknown_name_is_still_an_import_error():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("lossedu.plotters")


def test_the_wheel_holds_every_package_and_the_data(tmp_path):
    """What pip installs from the repository (Colab does): every package of lossedu and the
    atlas's tables, not only the packages someone remembered to list. Built as pip builds it
    there, with the build tools pyproject.toml asks for."""
    source = tmp_path / "source"  # built from a copy: a build leaves build/ where it runs
    shutil.copytree(ROOT / "lossedu", source / "lossedu",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                          "--wheel-dir", str(tmp_path / "wheel"), str(source)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    (wheel,) = (tmp_path / "wheel").glob("lossedu-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in LIBRARY.rglob("*.py"):
        assert path.relative_to(ROOT).as_posix() in names, path
    assert "lossedu/data/atlas.json" in names
