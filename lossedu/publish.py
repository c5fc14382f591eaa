"""Publishing helpers: the repository named once, in ``_config.yml``, and the Colab install cell
that every chapter notebook starts with.

In Colab, lossedu is not installed, and Colab's own torch, TensorFlow and JAX must stay as they
are. Each notebook therefore starts with a cell that installs lossedu from the repository, and
does nothing anywhere else (locally, in Binder, under nbval). The book hides it (tag
``remove-cell``). ``python -m lossedu.publish colab-cells`` (run by ``make notebooks``) writes
that cell into every notebook from the repository and branch in ``_config.yml``, so changing the
repository there and re-running it is all a fork needs.

>>> print(colab_cell_source("https://github.com/lossedu/lossedu", "main").splitlines()[-1])
    get_ipython().run_line_magic("pip", "install --quiet 'lossedu @ git+https://github.com/lossedu/lossedu@main'")
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .extras import require

nbformat = require("publish", "nbformat", __name__)

COLAB_TAG = "colab-install"


def repository(config: Path) -> tuple[str, str]:
    """The repository URL and branch from a Jupyter Book ``_config.yml``."""
    yaml = require("publish", "yaml", __name__)
    settings = yaml.safe_load(Path(config).read_text())
    repo = (settings or {}).get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch", "main")
    if not url or not str(url).startswith("https://github.com/"):
        raise ValueError(f"{config}: repository.url must be a https://github.com/ORG/REPO address, got {url!r}")
    return str(url).rstrip("/"), str(branch)


def colab_cell_source(url: str, branch: str) -> str:
    """The source of the Colab install cell: installs lossedu only where ``google.colab`` exists."""
    return (
        "# In Google Colab, install lossedu first (Colab's own torch, TensorFlow and JAX stay as\n"
        "# they are). Anywhere else this cell does nothing.\n"
        "try:\n"
        "    import google.colab  # noqa: F401  (exists only in Colab)\n"
        "    IN_COLAB = True\n"
        "except ImportError:\n"
        "    IN_COLAB = False\n"
        "if IN_COLAB:\n"
        f"    get_ipython().run_line_magic(\"pip\", \"install --quiet 'lossedu @ git+{url}@{branch}'\")"
    )


def colab_cell(url: str, branch: str):
    """The Colab install cell, tagged so that the book removes it."""
    cell = nbformat.v4.new_code_cell(colab_cell_source(url, branch))
    cell.metadata["tags"] = [COLAB_TAG, "remove-cell"]
    # read by the environment test legs: in Colab this cell prints pip's note, nowhere else
    cell.metadata["lossedu"] = {"version_dependent": "runs only in Colab, where it installs lossedu"}
    cell.id = "colab-install"
    return cell


def sync_colab_cells(folders, config: Path) -> list[Path]:
    """Make the first cell of every notebook in ``folders`` (one folder or several) the Colab
    install cell for the repository in ``config``; returns the notebooks that changed."""
    url, branch = repository(config)
    folders = [folders] if isinstance(folders, (str, Path)) else list(folders)
    changed = []
    for path in sorted(p for folder in folders for p in Path(folder).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cells = [c for c in notebook.cells if COLAB_TAG not in c.metadata.get("tags", [])]
        wanted = colab_cell(url, branch)
        old = [c for c in notebook.cells if COLAB_TAG in c.metadata.get("tags", [])]
        if (len(old) == 1 and notebook.cells[0] is old[0] and old[0].source == wanted.source
                and old[0].metadata == wanted.metadata):
            continue
        if old:  # keep the executed state of an unchanged cell shape: outputs stay empty
            wanted.execution_count = old[0].get("execution_count")
        notebook.cells = [wanted] + cells
        nbformat.write(notebook, path)
        changed.append(path)
    return changed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lossedu.publish")
    commands = parser.add_subparsers(dest="command", required=True)
    cells = commands.add_parser("colab-cells", help="write the Colab install cell into every notebook")
    cells.add_argument("--notebooks", nargs="+", default=["notebooks"],
                       help="folders whose notebooks get the cell")
    cells.add_argument("--config", default="_config.yml")
    args = parser.parse_args(argv)
    changed = sync_colab_cells(args.notebooks, Path(args.config))
    print(f"updated {len(changed)} notebook(s)" + "".join(f"\n  {p}" for p in changed))


if __name__ == "__main__":
    main()
