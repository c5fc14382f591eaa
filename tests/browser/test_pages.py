"""Every page of the built book in a real browser (headless Chromium), with the network cut off.
Each page's load in both themes is tests/browser/test_each_page.py, with the helpers here.

Run after `make book` (`make browser` does both). Only requests to the local server are allowed;
any other request is blocked and reported, so a page that needs the internet fails here.
"""

import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
# BOOK_HTML tests a book built elsewhere (jupyter-book build . --path-output DIR)
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
SCREENSHOTS = HTML.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
               if not p.relative_to(HTML).as_posix().startswith(("_", "genindex", "search")))
PAGE_WEIGHT_LIMIT = 1.5 * 1024 * 1024
# axe-core, installed by make from tests/browser/axe/package.json (npm ci), and the rules it
# applies: WCAG 2.0 and 2.1, levels A and AA
AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Playwright gives up on a launch, a page load or an action after 30 s: a timed assertion that
# a page taking 4 s here would fail on a machine ten times slower. Its limit here only stops a
# hang, with room for a machine a hundred times slower.
HANG_MS = 10 * 60 * 1000

if not HTML.joinpath("index.html").exists():
    raise RuntimeError("build the book first: make book")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, timeout=HANG_MS,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield chromium
        chromium.close()


def visit(browser, server, page_path, width=1280, color_scheme="light"):
    """Open one page with only the local server reachable; return the page and what went wrong.
    The theme follows the system's colour scheme (``color_scheme``) until a reader picks one."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=color_scheme)
    context.set_default_timeout(HANG_MS)
    problems = {"console": [], "failed": [], "blocked": []}

    def route(route_request):
        if route_request.request.url.startswith(server):
            route_request.continue_()
        else:
            problems["blocked"].append(route_request.request.url)
            route_request.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems["failed"].append(r.url)
            if r.url.startswith(server) else None)
    page.on("response", lambda r: problems["failed"].append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    page.goto(server + page_path, wait_until="networkidle")
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    return context, page, problems


def works_in_the_light_theme(page):
    """Images, equations, text, alt texts, heading levels and axe-core's audit."""
    broken_images = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)")
    assert broken_images == []
    unrendered = page.evaluate(
        "() => [...document.querySelectorAll('.math')]"
        ".filter(e => !e.querySelector('mjx-container') && e.tagName !== 'MJX-CONTAINER')"
        ".map(e => e.textContent.slice(0, 60))")
    assert unrendered == [], "equations MathJax did not render"
    assert page.evaluate("() => document.querySelectorAll('mjx-merror').length") == 0
    assert page.evaluate("() => window.MathJax ? MathJax.version : '3.2.2'") == "3.2.2"
    text = page.evaluate("() => document.querySelector('main').innerText")
    assert "$$" not in text and "\\frac" not in text
    missing_alt = page.evaluate(
        "() => [...document.querySelectorAll('main img')].filter(i => !i.alt.trim())"
        ".map(i => i.src)")
    assert missing_alt == [], "images without alt text"
    levels = page.evaluate(
        "() => [...document.querySelectorAll('main article h1, main article h2, "
        "main article h3, main article h4, main article h5, main article h6')]"
        ".map(h => Number(h.tagName[1]))")
    assert levels and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"heading levels skip: {levels}"
    assert accessibility_violations(page) == []


def screenshot(page, page_path, suffix):
    """The intro's and each chapter's full page, for a person to look at (_build/screenshots)."""
    if page_path == "book/intro.html" or page_path.startswith("notebooks/"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{Path(page_path).stem}{suffix}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000


# Resolves when the colour transitions the change of theme started have ended (or were cut off)
TRANSITIONS_ENDED = """() => Promise.all(document.getAnimations()
  .filter(animation => animation instanceof CSSTransition)
  .map(transition => transition.finished.catch(() => null)))"""


# Every element of the article whose content is wider than its visible box (a scrolled or cut
# code line, output, table or display equation), with collapsed solutions and cells opened
# first. Inside a rendered equation only the equation's own box counts: MathJax's glyph parts
# overflow by design.
CLIPPED = """() => {
  document.querySelectorAll('main details').forEach(d => { d.open = true; });
  document.querySelectorAll('main .toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  const clipped = [];
  for (const e of document.querySelectorAll('main article *')) {
    if (e.parentElement.closest('mjx-container') || e.clientWidth === 0) continue;
    const style = getComputedStyle(e);
    if (style.display === 'none' || style.visibility === 'hidden'
        || !['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) continue;
    if (e.scrollWidth > e.clientWidth + 1) {
      const lines = (e.innerText || e.textContent).split('\\n');
      const widest = lines.reduce((a, b) => (b.length > a.length ? b : a), '').trim();
      clipped.push(`${e.tagName.toLowerCase()} ${e.scrollWidth} px in ${e.clientWidth}: ${widest.slice(0, 80)}`);
    }
  }
  return clipped;
}"""


@pytest.mark.parametrize("page_path", PAGES)
def test_internal_links_resolve(page_path):
    source = (HTML / page_path).read_text()
    for href in re.findall(r'href="([^"]+)"', source):
        if href.startswith(("http:", "https:", "mailto:", "javascript:")):
            continue
        target = urlparse(urljoin("http://book/" + page_path, href))
        path = HTML / unquote(target.path.lstrip("/"))
        if target.path.endswith("/"):
            path = path / "index.html"
        assert path.exists(), f"{page_path} links to missing {href}"
        if target.fragment and path.suffix == ".html":
            assert f'id="{unquote(target.fragment)}"' in path.read_text(), \
                f"{page_path} links to missing anchor {href}"


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda path: path.stem)
def test_each_collapsed_solution_and_test_cell_says_what_it_holds(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    hidden = [tags for tags in (cell["metadata"].get("tags", []) for cell in cells)
              if {"hide-cell", "hide-input", "hide-output"} & set(tags)]
    page = (HTML / "notebooks" / f"{notebook.stem}.html").read_text()
    titles = re.findall(r'<p class="collapsed admonition-title">([^<]*)</p>', page)
    solutions = sum("solution" in tags for tags in hidden)
    tests = sum("tests" in tags for tags in hidden)
    assert solutions and tests, "a chapter with exercises: a solution and its tests"
    assert titles.count("Show a solution") == solutions
    assert titles.count("Show the tests") == tests
    assert len(titles) == len(hidden)  # the others keep MyST-NB's label


def test_citations_read_as_the_labels_of_the_list_of_references():
    references = (HTML / "book" / "references.html").read_text()
    labels = set(re.findall(r'<span class="label"><span class="fn-bracket">\[</span>(.*?)<span', references))
    assert len(labels) >= 7 and all(re.search(r", \d{4}$", label) for label in labels), labels
    cited = set()
    for page_path in PAGES:
        source = (HTML / page_path).read_text()
        for text in re.findall(r'href="[^"]*references\.html#[^"]+"[^>]*>(.*?)</a>', source, flags=re.S):
            cited.add(" ".join(re.sub(r"<[^>]+>", "", text).split()))
    assert cited and "" not in cited, "citations that render empty"
    assert cited <= labels, f"citations without a matching entry label: {cited - labels}"


@pytest.mark.parametrize("page_path", PAGES)
def test_page_weight_with_images_is_under_the_limit(page_path):
    source = (HTML / page_path).read_text()
    total = len(source.encode())
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', source)):
        if not src.startswith("data:"):  # pictures in the page (sliders) are counted with it
            total += (HTML / page_path).parent.joinpath(unquote(src)).resolve().stat().st_size
    assert total < PAGE_WEIGHT_LIMIT, f"{page_path}: {total / 1024 / 1024:.2f} MB"


def accessibility_violations(page) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA in the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run({runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", WCAG_21_AA)
    return [f"{violation['id']} ({violation['impact']}): {node['html'][:160]}"
            for violation in result["violations"] for node in violation["nodes"]]


# The top-left pixel of every figure in the article: a figure drawn on a transparent background
# would show its black axes and labels on the dark theme's dark background.
FIGURE_CORNERS = """() => [...document.querySelectorAll('main article img')].map(image => {
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return [image.alt.slice(0, 60), ...context.getImageData(0, 0, 1, 1).data];
})"""


def keeps_figures_readable_in_the_dark_theme(page):
    """Every figure on an opaque light background, and axe-core's audit in the dark theme."""
    for alt, red, green, blue, alpha in page.evaluate(FIGURE_CORNERS):
        assert alpha == 255 and min(red, green, blue) > 200, f"a dark-mode figure: {alt}"
    assert accessibility_violations(page) == []


def test_the_intro_and_every_chapter_are_screenshotted():
    chapters = [p for p in PAGES if p.startswith("notebooks/")]
    assert "book/intro.html" in PAGES and len(chapters) >= 6


SLIDERS = {"notebooks/03_kink_across_frameworks.html": ["subgradient"],
           "notebooks/04_mae_vs_mse_in_training.html": ["learning-rate", "huber-delta"],
           "notebooks/06_losses_you_cannot_differentiate.html": ["samples"]}


def slider_state(page, name):
    return page.evaluate("""(id) => {
        const figure = document.getElementById(id);
        return {src: figure.querySelector("img").src, alt: figure.querySelector("img").alt,
                shown: figure.querySelector("output").textContent,
                value: figure.querySelector("input").value,
                valuetext: figure.querySelector("input").getAttribute("aria-valuetext")};
    }""", f"lossedu-slider-{name}")


@pytest.mark.parametrize("page_path", SLIDERS)
def test_every_slider_works_by_keyboard_and_by_mouse(browser, server, page_path):
    context, page, problems = visit(browser, server, page_path)
    try:
        for name in SLIDERS[page_path]:
            slider = page.locator(f"#lossedu-slider-{name}-input")
            before = slider_state(page, name)
            assert before["alt"] and before["shown"] == before["valuetext"]
            # keyboard: reachable with Tab (focused, Tab away, Shift+Tab back), then an arrow key
            slider.focus()
            page.keyboard.press("Tab")
            page.keyboard.press("Shift+Tab")
            assert page.evaluate("document.activeElement.id") == f"lossedu-slider-{name}-input"
            page.keyboard.press("ArrowRight" if before["value"] == "0" else "ArrowLeft")
            by_keyboard = slider_state(page, name)
            assert by_keyboard["value"] != before["value"]
            assert by_keyboard["src"] != before["src"] and by_keyboard["alt"] != before["alt"]
            assert by_keyboard["shown"] == by_keyboard["valuetext"] != before["shown"]
            # mouse: a click at the far right end of the track selects the last picture
            box = slider.bounding_box()
            page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
            by_mouse = slider_state(page, name)
            assert by_mouse["value"] == slider.get_attribute("max")
            assert by_mouse["src"] != by_keyboard["src"] and by_mouse["alt"] != by_keyboard["alt"]
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.locator(f"#lossedu-slider-{name}").screenshot(
                path=str(SCREENSHOTS / f"slider-{name}.png"))
        assert problems == {"console": [], "failed": [], "blocked": []}
    finally:
        context.close()


def test_the_atlas_filters_by_framework_family_and_disagreement(browser, server):
    from lossedu import atlas

    context, page, problems = visit(browser, server, "book/atlas.html")
    try:
        entries = page.locator("article.atlas-entry")
        total = entries.count()
        assert total == len(atlas.ENTRIES)
        count = page.locator("form.atlas-filters output")

        def shown():
            return page.locator("article.atlas-entry:visible").count()

        assert shown() == total and count.inner_text() == f"{total} of {total} entries shown"
        # a family: only its entries, and only its heading
        page.select_option("form.atlas-filters select[name=family]", "linalg")
        linalg = [e.id for e in atlas.ENTRIES if e.family == "linalg"]
        visible = page.eval_on_selector_all("article.atlas-entry:not([hidden])",
                                            "els => els.map(e => e.id)")
        assert visible == linalg and count.inner_text() == f"{len(linalg)} of {total} entries shown"
        assert page.locator("section.atlas-family:visible").count() == 1
        page.select_option("form.atlas-filters select[name=family]", "")
        # frameworks, by keyboard: Space unchecks a box; only PyTorch and JAX stay
        for name in atlas.FRAMEWORKS:
            if name not in ("torch", "jax"):
                page.focus(f"input[name=framework][value='{name}']")
                page.keyboard.press("Space")
        assert page.locator("li[data-framework=mlx]:visible").count() == 0
        assert page.locator("li[data-framework=torch]:visible").count() == total
        # where the two disagree: exactly the entries whose stored answers differ
        page.check("input[name=disagree]")
        book = atlas.stored()
        disagree = [e.id for e in atlas.ENTRIES
                    if len({atlas.page.answer_key(book.answer(e.id, f)) for f in ("torch", "jax")
                            if book.answer(e.id, f).kind != "no op"}) > 1]
        visible = page.eval_on_selector_all("article.atlas-entry:not([hidden])",
                                            "els => els.map(e => e.id)")
        assert visible == disagree and 0 < len(disagree) < total
        assert "abs" in disagree and "relu" not in disagree  # JAX's abs rule
        # an answer opens to its snippet, a link to an entry lands on it
        page.click("#abs li[data-framework=jax] summary")
        assert "jax.grad(f)(x)" in page.inner_text("#abs li[data-framework=jax] pre")
        assert problems == {"console": [], "failed": [], "blocked": []}
    finally:
        context.close()


ATLAS_OVERFLOW = """() => {
  document.querySelectorAll('.atlas details').forEach(d => { d.open = true; });
  return [...document.querySelectorAll('.atlas *')]
    .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.scrollWidth} px in ${e.clientWidth}`);
}"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_atlas_fits_a_phone_and_a_desktop_screen_with_every_answer_open(browser, server,
                                                                          width):
    context, page, problems = visit(browser, server, "book/atlas.html", width=width)
    try:
        assert page.evaluate(ATLAS_OVERFLOW) == []
        assert page.locator(".atlas details[open]").count() >= 9 * 60
    finally:
        context.close()


CHANGES_OVERFLOW = """() => [...document.querySelectorAll('.atlas-changes-list *')]
    .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.scrollWidth} px in ${e.clientWidth}`)
"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_changes_page_shows_the_clamp_change_and_leads_to_its_atlas_card(browser, server,
                                                                            width):
    from lossedu import atlas

    change = atlas.stored_history().last_change("clip_upper", "torch")
    context, page, problems = visit(browser, server, "book/atlas_changes.html", width=width)
    try:
        assert page.evaluate(CHANGES_OVERFLOW) == []
        link = page.locator("#changes-torch + table a[href='atlas.html#clip_upper']")
        row = page.locator("#changes-torch + table tr",
                           has=page.locator("a[href='atlas.html#clip_upper']")).inner_text()
        assert change.since in row and f"{change.before_version} → {change.after_version}" in row
        link.click()
        page.wait_for_url("**/atlas.html#clip_upper")
        since = page.inner_text("#clip_upper li[data-framework=torch] .atlas-since")
        assert since.endswith(change.summary().replace("since", "from", 1))
        assert problems == {"console": [], "failed": [], "blocked": []}
    finally:
        context.close()
