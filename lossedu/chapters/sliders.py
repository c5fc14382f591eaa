"""Figures with a slider: one picture per value, precomputed, in self-contained HTML.

A reader drags the slider (or focuses it and presses the arrow keys) and sees the figure for
that value. Everything is in the cell's HTML output: the pictures (PNG, base64), their alt
texts and a dozen lines of script, so the figure works in the static book, offline, with no
kernel; in Jupyter, Colab and Binder too. Without script it shows the starting picture, which
is also the figure's PNG, so the PDF of the book shows that one.

:func:`slider_figure` draws the picture for every value and returns a :class:`SliderFigure`,
which holds the pictures, their alt texts and the slider's texts, and displays as the slider.

>>> import matplotlib.pyplot as plt
>>> def draw(slope):
...     figure, axes = plt.subplots(figsize=(2, 2))
...     axes.plot([0, 1], [0, slope])
...     return figure
>>> slider = slider_figure(draw, [1, 2, 3], name="slope", label="slope",
...                        alt=lambda slope: f"a line of slope {slope}")
>>> slider
<slider figure 'slope': slope 1 to 3, 3 pictures>
>>> 'aria-valuetext="1"' in slider._repr_html_() and "a line of slope 3" in slider._repr_html_()
True
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import dataclass
from typing import Callable, Sequence

# Re-rendering the same figure with the same versions gives the same bytes.
PNG_METADATA = {"Software": None}
NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class SliderFigure:
    """A figure per slider position: ``pictures`` (base64 PNG), their ``alts``, and the
    ``texts`` the slider shows for its ``values``."""

    name: str
    label: str
    texts: tuple
    pictures: tuple
    alts: tuple
    start: int = 0

    def __repr__(self) -> str:
        return (f"<slider figure {self.name!r}: {self.label} {self.texts[0]} to {self.texts[-1]}, "
                f"{len(self.pictures)} pictures>")

    def _repr_png_(self) -> bytes:
        """The starting picture: what a PDF, or any page without script, shows."""
        return base64.b64decode(self.pictures[self.start])

    def _repr_html_(self) -> str:
        slider_id = f"lossedu-slider-{self.name}"
        text, alt, picture = self.texts[self.start], self.alts[self.start], self.pictures[self.start]
        others = [None if i == self.start else p for i, p in enumerate(self.pictures)]
        data = html.escape(json.dumps({"pictures": others, "alts": self.alts,
                                       "texts": self.texts}), quote=True)
        return (
            f'<figure class="lossedu-slider" id="{slider_id}" data-frames="{data}">\n'
            f'<img src="data:image/png;base64,{picture}" alt="{html.escape(alt)}">\n'
            f'<figcaption><label for="{slider_id}-input">{html.escape(self.label)}</label>\n'
            f'<input type="range" id="{slider_id}-input" min="0" max="{len(self.pictures) - 1}" '
            f'step="1" value="{self.start}" aria-valuetext="{html.escape(text)}">\n'
            f'<output for="{slider_id}-input">{html.escape(text)}</output></figcaption>\n'
            f"<script>{SCRIPT.replace('SLIDER_ID', slider_id)}</script>\n"
            f"</figure>")


# Shows the picture, alt text and value text of the slider's position (the starting picture is
# only in the img element, not twice in the page).
SCRIPT = """(function () {
  var figure = document.getElementById("SLIDER_ID");
  var frames = JSON.parse(figure.dataset.frames);
  var input = figure.querySelector("input"), image = figure.querySelector("img");
  var output = figure.querySelector("output"), first = image.src;
  input.addEventListener("input", function () {
    var i = Number(input.value);
    image.src = frames.pictures[i] ? "data:image/png;base64," + frames.pictures[i] : first;
    image.alt = frames.alts[i];
    output.textContent = frames.texts[i];
    input.setAttribute("aria-valuetext", frames.texts[i]);
  });
})();"""


def slider_figure(draw: Callable, values: Sequence, *, name: str, label: str,
                  alt: Callable, text: Callable = "{:g}".format, start: int = 0,
                  dpi: int = 72) -> SliderFigure:
    """Draw ``draw(value)`` (a matplotlib figure) for every value, with ``alt(value)`` as its
    alt text, and put the pictures behind a slider labelled ``label`` that shows
    ``text(value)``. ``name`` (lowercase letters, digits, hyphens) must be unique on its page."""
    import matplotlib.pyplot as plt

    values = list(values)
    if len(values) < 2:
        raise ValueError(f"a slider needs at least two values, got {len(values)}")
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(f"name must be lowercase letters, digits and hyphens, got {name!r}")
    if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start < len(values):
        raise ValueError(f"start must be an index into the {len(values)} values, got {start!r}")
    pictures = []
    for value in values:
        figure = draw(value)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata=PNG_METADATA)
        plt.close(figure)
        pictures.append(base64.b64encode(_fewer_colours(buffer.getvalue())).decode("ascii"))
    return SliderFigure(name, label, tuple(text(v) for v in values), tuple(pictures),
                        tuple(alt(v) for v in values), start)


def _fewer_colours(png: bytes) -> bytes:
    """The picture with a palette of 64 colours: plots have few, and the page gets lighter
    (about a third of the bytes)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        reduced = picture.convert("RGB").quantize(colors=64)
    buffer = io.BytesIO()
    reduced.save(buffer, format="png", optimize=True)
    return buffer.getvalue()
