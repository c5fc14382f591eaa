"""make publish, run on the built book against a local bare repository as it would be against
GitHub: the gh-pages branch holds the book and .nojekyll, and a second publish replaces the
first. (Here with the browser tests because it needs the built book.)"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Instructor", "GIT_AUTHOR_EMAIL": "instructor@example.org",
                "GIT_COMMITTER_NAME": "Instructor", "GIT_COMMITTER_EMAIL": "instructor@example.org"}


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def publish(course: Path, remote: str, html: Path):
    """The Makefile's publish recipe, in a clone of the course, with the site as built."""
    done = subprocess.run(["make", "--no-print-directory", "-o", "site", "publish",
                           f"REMOTE={remote}", f"BOOK_HTML={html}",
                           f"BIN={Path(sys.executable).parent}"],
                          cwd=course, capture_output=True, text=True,
                          env={**os.environ, **GIT_IDENTITY})
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    work = tmp_path_factory.mktemp("publish")
    remote = work / "pages.git"
    git("init", "--quiet", "--bare", str(remote))
    course = work / "course"
    git("clone", "--quiet", str(ROOT), str(course))
    stale = work / "stale"  # a first, older publication
    stale.mkdir()
    (stale / "index.html").write_text("<p>an older book</p>")
    (stale / "removed-chapter.html").write_text("<p>a chapter since removed</p>")
    publish(course, str(remote), stale)  # REMOTE= a repository's address
    first = git("--git-dir", str(remote), "rev-parse", "gh-pages").strip()
    git("remote", "add", "classroom", str(remote), cwd=course)
    publish(course, "classroom", HTML)  # REMOTE= a remote's name
    return remote, first


def files_on_branch(remote):
    return set(git("--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages").split())


def test_the_pushed_branch_holds_the_book_and_nojekyll(pages):
    remote, _ = pages
    files = files_on_branch(remote)
    assert {"index.html", ".nojekyll", "genindex.html"} <= files
    chapters = {p.relative_to(HTML).as_posix() for p in (HTML / "notebooks").glob("*.html")}
    assert len(chapters) >= 6 and chapters <= files
    assert any(name.startswith("_static/") for name in files)  # served because of .nojekyll
    expected = {p.relative_to(HTML).as_posix() for p in HTML.rglob("*") if p.is_file()}
    assert expected | {".nojekyll"} == files


def test_a_second_publish_replaces_the_first(pages):
    remote, first = pages
    assert "removed-chapter.html" not in files_on_branch(remote)
    log = git("--git-dir", str(remote), "log", "--format=%H %s", "gh-pages").splitlines()
    assert len(log) == 1 and not log[0].startswith(first)  # no history kept
    assert "The book, built from" in log[0]
    index = git("--git-dir", str(remote), "show", "gh-pages:index.html")
    assert index == (HTML / "index.html").read_text()
