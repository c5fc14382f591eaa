"""Slider figures (lossedu.chapters.sliders): one picture per value, self-contained, and bad input refused."""

import base64
import html
import json
import re

import matplotlib.pyplot as plt
import pytest

from lossedu.chapters.sliders import slider_figure


def draw(slope):
    figure, axes = plt.subplots(figsize=(2, 1.5))
    axes.plot([0, 1], [0, slope])
    return figure


def make(**options):
    arguments = dict(name="slope", label="slope", alt=lambda s: f"a line of slope {s}")
    return slider_figure(draw, [1, 2, 4], **{**arguments, **options})


def frames_of(page):
    return json.loads(html.unescape(re.search(r'data-frames="([^"]*)"', page).group(1)))


def test_every_value_has_its_own_picture_alt_text_and_label():
    slider = make(start=1)
    page = slider._repr_html_()
    pictures = {base64.b64decode(p)[:8] for p in slider.pictures}
    assert pictures == {b"\x89PNG\r\n\x1a\n"} and len(set(slider.pictures)) == 3
    assert slider.alts == ("a line of slope 1", "a line of slope 2", "a line of slope 4")
    assert f'src="data:image/png;base64,{slider.pictures[1]}" alt="a line of slope 2"' in page
    frames = frames_of(page)
    assert frames["pictures"] == [slider.pictures[0], None, slider.pictures[2]]  # once each
    assert frames["texts"] == ["1", "2", "4"] and frames["alts"] == list(slider.alts)
    assert '<label for="lossedu-slider-slope-input">slope</label>' in page
    assert 'type="range" id="lossedu-slider-slope-input" min="0" max="2" step="1" value="1"' in page
    assert "http" not in page.replace("data:image/png", "")  # nothing is fetched


def test_the_starting_picture_is_the_png_a_pdf_shows():
    slider = make(start=2)
    assert slider._repr_png_() == base64.b64decode(slider.pictures[2])


def test_the_same_figures_give_the_same_html():
    assert make()._repr_html_() == make()._repr_html_()


def test_text_is_escaped():
    page = slider_figure(draw, [1, 2], name="x", label="a < b", alt=lambda s: 'say "hi" & <go>',
                         text=lambda s: f"<{s}>")._repr_html_()
    assert "a &lt; b" in page and 'alt="say &quot;hi&quot; &amp; &lt;go&gt;"' in page
    assert "<go>" not in page and "&lt;1&gt;" in page


@pytest.mark.parametrize("options, message", [
    ({"name": "Has Spaces"}, "name must be lowercase letters, digits and hyphens, got 'Has Spaces'"),
    ({"name": 3}, "name must be lowercase letters, digits and hyphens, got 3"),
    ({"start": 3}, "start must be an index into the 3 values, got 3"),
    ({"start": True}, "start must be an index into the 3 values, got True"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make(**options)


def test_a_slider_needs_two_values():
    with pytest.raises(ValueError, match="at least two values, got 1"):
        slider_figure(draw, [1], name="x", label="x", alt=str)
