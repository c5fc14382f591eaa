"""The chapter notebooks follow the course conventions (nbval separately re-runs them).

Stored executed, without errors or stderr; listed in the book's table of contents; every figure
has alt text; every chapter ends with exercises whose solutions are tagged and hidden.
"""

import re
from pathlib import Path

import nbformat
import pytest

from lossedu.chapters.claims import CELL_TAG

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BOOK_NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))  # pages computed by code: the atlas


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_chapters_and_their_names_are_numbered():
    assert len(NOTEBOOKS) >= 2
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


def test_every_notebook_is_in_the_table_of_contents_and_nothing_else_is_missing():
    toc = (ROOT / "_toc.yml").read_text()
    listed = set(re.findall(r"file:\s*notebooks/(\S+)", toc))
    assert listed == {path.stem for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS + BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_stored_executed_in_order_without_errors_or_stderr(path):
    cells = code_cells(load(path))
    counts = [cell.execution_count for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), "re-run the notebook top to bottom (make notebooks)"
    for cell in cells:
        for output in cell.outputs:
            assert output.output_type != "error", cell.source
            assert output.get("name") != "stderr", f"stderr output in: {cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_cell_first_then_versions_and_seed(path):
    colab, setup = code_cells(load(path))[:2]
    assert "colab-install" in colab.metadata.get("tags", []) and colab.outputs == []
    assert "print_versions()" in setup.source
    assert "default_rng(" in setup.source, "set the chapter's seed in its setup cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path):
    for cell in code_cells(load(path)):
        data = [output.get("data", {}) for output in cell.outputs]
        sliders = [d["text/html"] for d in data if 'class="lossedu-slider"' in d.get("text/html", "")]
        if sliders:  # each picture's alt text is in the HTML (lossedu.chapters.sliders)
            alts = [alt for page in sliders for alt in re.findall(r'alt="([^"]*)"', page)]
            assert alts and all(len(alt) > 40 for alt in alts), cell.source
        elif any("image/png" in d for d in data):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 40, f"figure without a real alt text: {cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_at_least_three_exercises_each_with_a_hidden_solution(path):
    exercises = []  # for each exercise heading, the solution cells that follow it
    for cell in load(path).cells:
        if cell.cell_type == "markdown" and re.search(r"^### Exercise \d+\.\d+", cell.source,
                                                      flags=re.MULTILINE):
            exercises.append([])
        elif "solution" in cell.metadata.get("tags", []):
            assert exercises, "a solution before the first exercise"
            exercises[-1].append(cell)
    assert len(exercises) >= 3
    for number, solutions in enumerate(exercises, start=1):
        assert solutions, f"exercise {number} has no solution-tagged cell"
        for cell in solutions:
            hidden = ("hide-cell" in cell.metadata.get("tags", [])
                      or ":class: dropdown" in cell.source)
            assert hidden, f"solution shown openly in the book: {cell.source[:60]}"


# At 1280 px (and 1024 px) a code or output box shows 77 characters of 14 px monospace; a
# cell inside a collapsed solution shows 75. 74 leaves room for the scroll bar's rounding.
PAGE_COLUMNS = 74


def shown_text_outputs(cell):
    """The text of the outputs the book shows as text: streams, and plain-text results that
    have no richer representation (tables and images are laid out by the page)."""
    for output in cell.outputs:
        if output.output_type == "stream":
            yield output.text
        elif "data" in output and set(output.data) == {"text/plain"}:
            yield output.data["text/plain"]


@pytest.mark.parametrize("path", NOTEBOOKS + BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_code_and_outputs_fit_the_page_width(path):
    too_wide = []
    for cell in code_cells(load(path)):
        tags = cell.metadata.get("tags", [])
        if "remove-cell" in tags:
            continue
        lines = [] if "remove-input" in tags else cell.source.splitlines()
        if "remove-output" not in tags:
            lines += [line for text in shown_text_outputs(cell) for line in text.splitlines()]
        too_wide += [line for line in lines if len(line) > PAGE_COLUMNS]
    assert too_wide == [], f"lines longer than {PAGE_COLUMNS} characters are cut off on the page"


def claim_checks(notebook):
    return [cell for cell in code_cells(notebook) if CELL_TAG in cell.metadata.get("tags", [])]


@pytest.mark.parametrize("path", NOTEBOOKS + BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_claims_in_the_prose_are_checked_by_hidden_silent_cells(path):
    checks = claim_checks(load(path))
    assert len(checks) >= (5 if path in NOTEBOOKS else 1), "check the chapter's claims (lossedu.chapters.claims)"
    for cell in checks:
        assert "remove-cell" in cell.metadata["tags"], f"claim check shown on the page: {cell.source}"
        assert "claim(" in cell.source, f"a claim-check cell that checks nothing: {cell.source}"
        # a failing check prints; a stored warning would make nbval compare against the failure
        assert cell.outputs == [], f"claim check failed when the notebook was stored: {cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_chapter_opens_with_its_goals_and_closes_with_a_summary(path):
    markdown = [cell.source for cell in load(path).cells if cell.cell_type == "markdown"]
    assert re.search(r"You will learn|By the end you can", markdown[0]), "say what the reader will learn"
    headings = [line for source in markdown for line in source.splitlines() if line.startswith("## ")]
    assert "## Summary" in headings and "## Exercises" in headings
    assert headings.index("## Summary") == headings.index("## Exercises") - 1


# A chapter narrates and lossedu computes: a code cell longer than this is computing something
# that belongs in the library, or doing two things that belong in two cells.
MAX_CELL_LINES = 20


@pytest.mark.parametrize("path", NOTEBOOKS + BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short(path):
    too_long = [(len(cell.source.splitlines()), cell.source.splitlines()[0])
                for cell in code_cells(load(path))
                if len(cell.source.splitlines()) > MAX_CELL_LINES]
    assert too_long == [], (f"code cells over {MAX_CELL_LINES} lines (move the computation into "
                            f"lossedu or split the cell): {too_long}")


# The lossedu functions that obtain a framework's gradient (or a framework itself) for the
# caller. A chapter shows that code in the framework's own API instead, so that a reader can
# copy it; the claim checks (hidden) and the atlas page may still use them.
FRAMEWORK_GRADIENT_HELPERS = {
    "gradient", "value_and_gradient", "builtin_loss_and_grad", "import_tensorflow",
    "framework_loss", "torch_loss", "keras_loss", "jax_elementwise_loss", "run", "probe",
}
# fit_line runs any framework's training loop; only its NumPy runs belong to lossedu
NUMPY_ONLY = {"fit_line"}


def lossedu_helpers_called(source: str, context: str = "") -> list[str]:
    """The calls in ``source`` through which lossedu, not the framework's own API, obtains a
    framework's gradient: a helper of FRAMEWORK_GRADIENT_HELPERS imported from lossedu (under
    any name) or reached as an attribute of a lossedu module, and fit_line for a framework.
    ``context`` is the code run before (the notebook's other cells), for its imports.

    >>> lossedu_helpers_called("from lossedu.frameworks import gradient as g\\ng('jax', f, x)")
    ['gradient']
    >>> lossedu_helpers_called("tf = lossedu.import_tensorflow()\\natlas.run()",
    ...                        context="import lossedu\\nfrom lossedu import atlas")
    ['import_tensorflow', 'run']
    >>> lossedu_helpers_called("fit_line('numpy', 'mae', x, y)\\nfit_line(fw, 'mae', x, y)",
    ...                        context="from lossedu.chapters.training import fit_line")
    ['fit_line']
    >>> lossedu_helpers_called("jax.grad(f)(x)\\ntape.gradient(y, x)\\nrun()")
    []
    """
    import ast

    tree = ast.parse(source)
    modules = set()  # names bound to lossedu or one of its modules
    imported = {}  # local name -> lossedu function name
    for node in [*ast.walk(ast.parse(context)), *ast.walk(tree)]:
        if isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names
                        if a.name.startswith("lossedu")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lossedu"):
            for alias in node.names:
                imported[alias.asname or alias.name] = alias.name
    modules |= {local for local, name in imported.items()
                if name not in FRAMEWORK_GRADIENT_HELPERS | NUMPY_ONLY}

    def helper(function) -> str | None:
        if isinstance(function, ast.Name):
            return imported.get(function.id)
        if isinstance(function, ast.Attribute):
            root = function.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in modules:
                return function.attr
        return None

    called = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := helper(node.func)):
            first = node.args[0] if node.args else None
            numpy_run = isinstance(first, ast.Constant) and first.value == "numpy"
            if name in FRAMEWORK_GRADIENT_HELPERS or (name in NUMPY_ONLY and not numpy_run):
                called.append((node.lineno, node.col_offset, name))
    return [name for *_, name in sorted(called)]


def visible_code_cells(notebook):
    return [cell for cell in code_cells(notebook)
            if not {"remove-cell", CELL_TAG} & set(cell.metadata.get("tags", []))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapters_obtain_framework_gradients_in_the_frameworks_own_api(path):
    notebook = load(path)
    everything = "\n".join(cell.source for cell in code_cells(notebook)
                           if not cell.source.lstrip().startswith(("%", "!")))
    found = [(cell.source.splitlines()[0], called) for cell in visible_code_cells(notebook)
             if (called := lossedu_helpers_called(cell.source, everything))]
    assert found == [], ("a visible cell asks lossedu for a framework's gradient; write the "
                         "framework's own call (backward, GradientTape, jax.grad, a Keras loss) "
                         f"in the cell instead: {found}")


# A figure's alt text in the cell metadata is typed by hand and compared with nothing, so it may
# not say what a framework returns (a release that changes the answer would leave it false
# without a sound). It describes the drawing and points to the printed answers; text that
# states an answer is printed by code (a table, an output, a slider's generated alt text).
FRAMEWORK_NAMES = re.compile(r"PyTorch|TensorFlow|Keras|JAX|\btorch\b|\btf\.|\bjax\b|\bjnp\.")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hand_typed_alt_texts_do_not_state_what_a_framework_returns(path):
    naming = [alt for cell in code_cells(load(path))
              if (alt := cell.metadata.get("mystnb", {}).get("image", {}).get("alt", ""))
              and FRAMEWORK_NAMES.search(alt)]
    assert naming == [], ("an alt text in the cell metadata names a framework; describe the "
                          f"drawing and refer to the printed answers instead: {naming}")


# Imported after TensorFlow, the CUDA build of torch (Colab's) warns on stderr at its first
# backward pass on a machine without a GPU (seen in the Colab leg: "CUDA initialization:
# Unexpected error from cudaGetDeviceCount()"); imported before it, it does not.
@pytest.mark.parametrize("path", NOTEBOOKS + BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_torch_is_imported_before_tensorflow(path):
    source = "\n".join(cell.source for cell in code_cells(load(path)))
    imports = re.findall(r"(?m)^\s*(?:import|from) (torch|tensorflow)\b", source)
    if "tensorflow" in imports and "torch" in imports:
        assert imports.index("torch") < imports.index("tensorflow"), path.name
