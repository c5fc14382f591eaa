"""Every launch link the built book emits opens a notebook that exists in the repository."""

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from lossedu.chapters.publish import repository

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
URL, BRANCH = repository(ROOT / "_config.yml")
ORG_REPO = urlparse(URL).path.strip("/")
CHAPTER_PAGES = sorted((HTML / "notebooks").glob("*.html"))


def launch_links(page):
    return re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]+)"',
                      page.read_text())


def notebook_path(link):
    parsed = urlparse(link.replace("&amp;", "&"))
    if parsed.netloc == "mybinder.org":
        prefix = f"/v2/gh/{ORG_REPO}/{BRANCH}"
        assert parsed.path == prefix, link
        query = parse_qs(parsed.query)
        target = (query.get("urlpath") or query.get("labpath"))[0]
        return unquote(target).split("tree/", 1)[-1]
    prefix = f"/github/{ORG_REPO}/blob/{BRANCH}/"
    assert parsed.path.startswith(prefix), link
    return unquote(parsed.path[len(prefix):])


def test_every_chapter_page_has_binder_and_colab_buttons():
    assert len(CHAPTER_PAGES) >= 6
    for page in CHAPTER_PAGES:
        hosts = {urlparse(link).netloc for link in launch_links(page)}
        assert hosts == {"mybinder.org", "colab.research.google.com"}, page.name


@pytest.mark.parametrize("page", CHAPTER_PAGES, ids=lambda p: p.name)
def test_launch_links_point_at_notebooks_in_the_repository(page):
    links = launch_links(page)
    assert links
    for link in links:
        path = notebook_path(link)
        assert (ROOT / path).is_file(), f"{link} -> {path}"
        assert path == f"notebooks/{page.stem}.ipynb"
