"""Publishing helpers: the repository named once, in ``_config.yml``; the Colab install cell
that every chapter notebook starts with; and renaming the repository everywhere for a fork.

In Colab, lossedu is not installed, and Colab's own torch, TensorFlow and JAX must stay as they
are. Each notebook therefore starts with a cell that installs lossedu from the repository, and
does nothing anywhere else (locally, in Binder, under nbval). The book hides it (tag
``remove-cell``). ``python -m lossedu.publish colab-cells`` (run by ``make notebooks``) writes
that cell into every notebook from the repository and branch in ``_config.yml``.

``python -m lossedu.publish fork OWNER/NAME --branch BRANCH`` (``make fork REPO=OWNER/NAME``)
makes a fork someone else's course in one step: it sets the repository in ``_config.yml`` (from
which the book's launch buttons are built), rewrites the Colab cell of every notebook, and
rewrites every link to the repository, its Pages site, Binder and Colab in the pages that name
it (``NAMING_FILES``).

The functions: :func:`repository` reads the repository URL and branch from ``_config.yml``;
:func:`colab_cell_source` and :func:`colab_cell` make the Colab install cell, and
:func:`sync_colab_cells` makes it the first cell of every notebook in some folders;
:func:`links` lists every form of link to the repository, and :func:`fork` does the renaming
above; :func:`main` is the command line (``colab-cells`` and ``fork``).

>>> print(colab_cell_source("https://github.com/lossedu/lossedu", "main").splitlines()[-1])
    get_ipython().run_line_magic("pip", "install --quiet 'lossedu @ git+https://github.com/lossedu/lossedu@main'")
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..common.extras import require

nbformat = require("publish", "nbformat", __name__)

COLAB_TAG = "colab-install"
# The files, besides _config.yml, that name the repository (globs from the course's root): its
# links are rewritten there by `fork` (in a notebook's text, e.g. a chapter's link to the code;
# its Colab cell is then written anew from _config.yml).
NAMING_FILES = ("README.md", "book/*.md", "notebooks/*.ipynb", "book/*.ipynb")
NOTEBOOK_FOLDERS = ("notebooks", "book")
REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


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


def links(url: str, branch: str) -> dict[str, str]:
    """Every form in which the course's pages link to its repository, most specific first.

    >>> links("https://github.com/Some-One/course", "dev")["pages"]
    'https://some-one.github.io/course/'
    """
    owner, name = url.removeprefix("https://github.com/").split("/")
    return {
        "pip": f"git+https://github.com/{owner}/{name}@{branch}",
        "colab": f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/",
        "binder": f"https://mybinder.org/v2/gh/{owner}/{name}/{branch}",
        "pages": f"https://{owner.lower()}.github.io/{name}/",
        "repository": f"https://github.com/{owner}/{name}",
    }


def fork(root: Path, repository_name: str, branch: str | None = None) -> list[Path]:
    """Make the course in ``root`` the course of ``repository_name`` ("OWNER/NAME"), on
    ``branch`` (default: the branch already configured): ``_config.yml``, every notebook's Colab
    cell and every link in ``NAMING_FILES``. Returns the files that changed."""
    if not REPOSITORY_NAME.match(repository_name or ""):
        raise ValueError(f"expected a GitHub repository as OWNER/NAME, got {repository_name!r}")
    root = Path(root)
    config = root / "_config.yml"
    old_url, old_branch = repository(config)
    branch = branch or old_branch
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", branch):
        raise ValueError(f"not a branch name: {branch!r}")
    new_url = f"https://github.com/{repository_name}"
    text = config.read_text()
    updated = re.sub(r"(?m)^(  url:\s*)\S+", lambda m: m.group(1) + new_url, text, count=1)
    updated = re.sub(r"(?m)^(  branch:\s*)\S+", lambda m: m.group(1) + branch, updated, count=1)
    changed = []
    if updated != text:
        config.write_text(updated)
        changed.append(config)
    if repository(config) != (new_url, branch):
        raise ValueError(f"{config}: could not set the repository (is it under repository: url/branch?)")
    old_links, new_links = links(old_url, old_branch), links(new_url, branch)
    for path in sorted({p for pattern in NAMING_FILES for p in root.glob(pattern)}):
        text = path.read_text()
        updated = text
        for form, old in old_links.items():
            updated = updated.replace(old, new_links[form])
        if updated != text:
            path.write_text(updated)
            changed.append(path)
    changed += sync_colab_cells([root / folder for folder in NOTEBOOK_FOLDERS], config)
    return changed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lossedu.publish")
    commands = parser.add_subparsers(dest="command", required=True)
    cells = commands.add_parser("colab-cells", help="write the Colab install cell into every notebook")
    cells.add_argument("--notebooks", nargs="+", default=["notebooks"],
                       help="folders whose notebooks get the cell")
    cells.add_argument("--config", default="_config.yml")
    renamed = commands.add_parser("fork", help="make this course the course of another "
                                               "repository: config, Colab cells, links")
    renamed.add_argument("repository", help="OWNER/NAME on GitHub")
    renamed.add_argument("--branch", help="the branch readers get (default: unchanged)")
    renamed.add_argument("--root", default=".", help="the course's root folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "fork":
            changed = fork(Path(args.root), args.repository, args.branch)
        else:
            changed = sync_colab_cells(args.notebooks, Path(args.config))
    except ValueError as error:
        parser.exit(2, f"{parser.prog} {args.command}: error: {error}\n")
    print(f"updated {len(changed)} file(s)" + "".join(f"\n  {p}" for p in changed))


if __name__ == "__main__":
    main()
