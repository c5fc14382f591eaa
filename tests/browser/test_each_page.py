"""Every page of the built book, once each, in the light and the dark theme (the checks and
helpers are tests/browser/test_pages.py's). A file of its own so that pytest-xdist, which keeps
a file on one worker, runs these page loads beside the other browser checks.
"""

import pytest

from test_pages import (CLIPPED, PAGES, TRANSITIONS_ENDED,  # noqa: F401 (browser, server: fixtures)
                        browser, keeps_figures_readable_in_the_dark_theme, screenshot, server,
                        visit, works_in_the_light_theme)


@pytest.mark.parametrize("page_path", PAGES)
def test_page_works_offline_in_light_and_dark_mode_and_nothing_is_clipped(browser, server,
                                                                          page_path):
    """One load of the page: the checks in the light theme, then in the dark theme (the theme
    follows the system's colour scheme until a reader picks one, so the page is switched to
    dark), then the widths, which open every collapsed block first."""
    context, page, problems = visit(browser, server, page_path)
    try:
        assert problems["blocked"] == [], "requests that need the internet"
        assert problems["failed"] == []
        assert problems["console"] == []
        works_in_the_light_theme(page)
        screenshot(page, page_path, "")
        page.emulate_media(color_scheme="dark")  # the theme hears of it in an event
        page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
        page.evaluate(TRANSITIONS_ENDED)  # an audit amid a colour's transition sees neither theme
        keeps_figures_readable_in_the_dark_theme(page)
        screenshot(page, page_path, "-dark")
        assert problems["console"] == []
        assert page.evaluate(CLIPPED) == [], "content cut off at 1280 px"
        page.set_viewport_size({"width": 1024, "height": 900})  # the theme's narrower layout
        assert page.evaluate(CLIPPED) == [], "content cut off at 1024 px"
    finally:
        context.close()
