"""Publishing: the repository named once, the Colab install cell, and the Binder environment."""

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from lossedu.chapters import publish

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
URL, BRANCH = publish.repository(ROOT / "_config.yml")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_starts_with_the_colab_cell_for_the_configured_repository(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.source == publish.colab_cell_source(URL, BRANCH), \
        "run `make notebooks` after changing repository in _config.yml"
    assert {"colab-install", "remove-cell"} <= set(first.metadata["tags"])


class FakeIPython:
    def __init__(self):
        self.calls = []

    def run_line_magic(self, name, line):
        self.calls.append((name, line))


def run_cell(source):
    shell = FakeIPython()
    exec(compile(source, "colab-cell", "exec"), {"get_ipython": lambda: shell})
    return shell.calls


def test_the_colab_cell_does_nothing_outside_colab():
    assert "google.colab" not in sys.modules
    assert run_cell(publish.colab_cell_source(URL, BRANCH)) == []


def test_the_colab_cell_installs_lossedu_from_the_repository_in_colab(monkeypatch):
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    calls = run_cell(publish.colab_cell_source(URL, BRANCH))
    assert calls == [("pip", f"install --quiet 'lossedu @ git+{URL}@{BRANCH}'")]
    assert "torch" not in calls[0][1] and "tensorflow" not in calls[0][1]


def test_sync_writes_the_cell_once_and_follows_the_config(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]),
                   notebooks / "01_a.ipynb")
    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: https://github.com/someone/fork\n  branch: dev\n")
    assert publish.sync_colab_cells(notebooks, config) == [notebooks / "01_a.ipynb"]
    assert publish.sync_colab_cells(notebooks, config) == []  # nothing twice
    cells = nbformat.read(notebooks / "01_a.ipynb", as_version=4).cells
    assert len(cells) == 2 and cells[1].source == "x = 1"
    assert "git+https://github.com/someone/fork@dev" in cells[0].source


def test_the_config_must_name_a_github_repository(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("title: x\n")
    with pytest.raises(ValueError, match="repository.url"):
        publish.repository(config)


def requirement_pins(path):
    pins = {}
    for line in Path(path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name] = version
    return pins


def test_binder_uses_cpu_only_torch_and_the_course_versions():
    binder = requirement_pins(ROOT / "binder" / "requirements.txt")
    top = requirement_pins(ROOT / "requirements.txt")
    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert binder["torch"] == top["torch"] + "+cpu"
    for name in ("tensorflow-cpu", "jax[cpu]", "numpy", "matplotlib"):
        assert binder[name] == top[name], name
    assert "-e ." in text.splitlines()
    assert "download.pytorch.org" not in (ROOT / "requirements.txt").read_text()
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_the_colab_cell_declares_why_its_output_differs_in_colab():
    # the environment legs accept its output (pip's note) only because it says so
    cell = publish.colab_cell(URL, BRANCH)
    assert "only in Colab" in cell.metadata["lossedu"]["version_dependent"]


def test_sync_covers_several_folders_and_rewrites_a_cell_whose_metadata_changed(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: https://github.com/someone/fork\n  branch: dev\n")
    for folder in ("notebooks", "book"):
        (tmp_path / folder).mkdir()
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]),
                       tmp_path / folder / "a.ipynb")
    folders = [tmp_path / "notebooks", tmp_path / "book"]
    assert len(publish.sync_colab_cells(folders, config)) == 2
    path = tmp_path / "book" / "a.ipynb"
    notebook = nbformat.read(path, as_version=4)
    del notebook.cells[0].metadata["lossedu"]
    nbformat.write(notebook, path)
    assert publish.sync_colab_cells(folders, config) == [path]


def test_every_notebook_with_launch_buttons_gets_the_colab_cell():
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        first = nbformat.read(path, as_version=4).cells[0]
        assert first.source == publish.colab_cell_source(URL, BRANCH), path.name


BOOK_ONLY = re.compile(r"^\s*(?:import|from)\s+(myst_nb|myst_parser|jupyter_book|sphinx\w*|nbval)\b",
                       flags=re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS + sorted((ROOT / "book").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_no_notebook_imports_what_only_the_book_build_has(path):
    # Colab, Binder and a plain JupyterLab have no myst-nb or Sphinx (the legs run them there)
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert not BOOK_ONLY.search(cell.source), cell.source


def test_missing_extras_are_one_clear_line(tmp_path):
    from lossedu.common import extras

    with pytest.raises(extras.MissingExtra, match=r'pip install "lossedu\[assign\]"') as error:
        extras.require("assign", "no_such_module_here", "lossedu.grading.assign")
    assert "\n" not in str(error.value) and error.value.name == "no_such_module_here"
    with pytest.raises(ValueError, match="unknown extra"):
        extras.require("everything", "json", __name__)
    # as a command, without nbformat: one line on stderr, exit status 1, no traceback
    blocker = "import sys; sys.modules['nbformat'] = None; import runpy; " \
              "runpy.run_module('lossedu.grading.assign', run_name='__main__')"
    done = subprocess.run([sys.executable, "-c", blocker], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        'this part of lossedu needs nbformat, which is not installed: pip install "lossedu[assign]"']


# The package registries (PyPI, npm, Debian) are reached through their clients (pip, npm,
# apt-get), which know their addresses; the repository never names them (not even here: the
# names are assembled from their parts).
REGISTRY_HOSTS = tuple(".".join(parts) for parts in [
    ("pypi", "org"), ("pythonhosted", "org"), ("registry", "npmjs", "org"), ("npmjs", "com"),
    ("registry", "yarnpkg", "com"), ("deb", "debian", "org"), ("security", "debian", "org")])
NOT_SOURCES = {".git", ".venv", "_build", ".pytest_cache", ".hypothesis", "__pycache__",
               ".ipynb_checkpoints", "node_modules"}


def test_no_file_names_a_package_registry_host():
    named = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_SOURCES]
        for path in (Path(folder) / name for name in files):
            text = path.read_bytes().decode("utf-8", errors="ignore")
            named += [f"{path.relative_to(ROOT)}: {host}" for host in REGISTRY_HOSTS if host in text]
    assert named == []


def test_mathjax_comes_with_the_book_toolchain_not_a_download():
    makefile = (ROOT / "Makefile").read_text()
    assert "curl" not in makefile and "wget" not in makefile
    assert re.search(r"^sphinx-mathjax-offline==3?[\d.]+$", (ROOT / "requirements.txt").read_text(),
                     flags=re.M)
    assert "sphinx-mathjax-offline" in (ROOT / "_config.yml").read_text()


# A fork becomes someone else's course in one step.

OLD_FORMS = publish.links(URL, BRANCH)


def tracked_text_files(root):
    listed = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True,
                            check=True).stdout.split()
    return {name: (root / name).read_bytes().decode("utf-8", errors="ignore") for name in listed}


@pytest.fixture(scope="module")
def forked(tmp_path_factory):
    copy = tmp_path_factory.mktemp("fork") / "course"
    subprocess.run(["git", "clone", "--quiet", ROOT, copy], check=True)
    done = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.setup-done", "fork",
                           "REPO=Some-One/their-course", "BRANCH=spring-2027", f"BIN={Path(sys.executable).parent}"],
                          cwd=copy, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return copy


def test_a_fork_names_its_own_repository_in_the_config(forked):
    assert publish.repository(forked / "_config.yml") == (
        "https://github.com/Some-One/their-course", "spring-2027")
    # the launch buttons are built from it (tests/browser/test_launch.py checks the built links)
    assert "launch_buttons:" in (forked / "_config.yml").read_text()


def test_a_fork_rewrites_every_notebooks_colab_cell(forked):
    notebooks = sorted((forked / "notebooks").glob("*.ipynb")) + sorted((forked / "book").glob("*.ipynb"))
    assert len(notebooks) == len(NOTEBOOKS) + len(list((ROOT / "book").glob("*.ipynb")))
    for path in notebooks:
        first = nbformat.read(path, as_version=4).cells[0]
        assert "git+https://github.com/Some-One/their-course@spring-2027" in first.source, path.name


def test_a_fork_rewrites_every_link_and_leaves_none_to_the_original(forked):
    new_forms = publish.links("https://github.com/Some-One/their-course", "spring-2027")
    files = tracked_text_files(forked)
    for page in ("README.md", "book/instructors.md"):
        for form, old in OLD_FORMS.items():
            if old in tracked_text_files(ROOT)[page]:
                assert new_forms[form] in files[page], (page, form)
    assert "https://some-one.github.io/their-course/" in files["book/instructors.md"]
    left = sorted(name for name, text in files.items() for old in OLD_FORMS.values()
                  if old in text and not name.startswith(("tests/", "lossedu/chapters/publish.py")))
    assert left == []


def test_a_fork_twice_changes_nothing_more_and_a_bad_name_is_refused(forked):
    again = subprocess.run([sys.executable, "-m", "lossedu.chapters.publish", "fork", "Some-One/their-course"],
                           cwd=forked, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.startswith("updated 0 file(s)"), again.stdout
    bad = subprocess.run([sys.executable, "-m", "lossedu.chapters.publish", "fork", "not a repository"],
                         cwd=forked, capture_output=True, text=True)
    assert bad.returncode == 2 and "expected a GitHub repository as OWNER/NAME" in bad.stderr


def test_the_pdf_the_pages_link_to_is_the_one_the_build_writes():
    import yaml

    target = yaml.safe_load((ROOT / "_config.yml").read_text())["latex"]["latex_documents"]["targetname"]
    pdf = target.replace(".tex", ".pdf")
    assert f"PDF := _build/pdf/{pdf}" in (ROOT / "Makefile").read_text()
    for page in ("book/intro.md", "book/instructors.md"):
        assert f"{publish.links(URL, BRANCH)['pages']}{pdf}" in (ROOT / page).read_text(), page
