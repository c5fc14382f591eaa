"""Each collapsed cell of a chapter says what it holds: "Show a solution", "Show the tests",
instead of MyST-NB's "Show code cell content" on every one of them.

A code exercise collapses its solution (tag ``solution``) and its public tests (tag ``tests``),
and a chapter collapses the code behind some of its figures and checks; MyST-NB labels every
toggle the same, so a student cannot tell a solution from the tests without opening it. The
labels come from the cell's tags (``LABELS``), before MyST-NB wraps the cell in its toggle; a
cell with neither tag keeps MyST-NB's label. tests/browser/test_pages.py counts the labels in
the built chapters.
"""

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# tag: (the label while collapsed, the label while open)
LABELS = {"solution": ("Show a solution", "Hide the solution"),
          "tests": ("Show the tests", "Hide the tests")}


class LabelToggles(SphinxPostTransform):
    """Sets the toggle labels of tagged cells (MyST-NB's HideInputCells uses them at 199)."""

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs):
        for node in self.document.findall(nodes.container):
            if node.get("nb_element") != "cell_code" or not node.get("hide_mode"):
                continue
            tags = node.get("cell_metadata", {}).get("tags", [])
            for tag, (show, hide) in LABELS.items():
                if tag in tags:
                    node["prompt_show"], node["prompt_hide"] = show, hide


def setup(app):
    app.add_post_transform(LabelToggles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
