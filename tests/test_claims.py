"""lossedu.chapters.claims: silent when a sentence holds, a warning quoting it when it does not."""

from pathlib import Path

import numpy as np
import pytest

from lossedu.chapters.claims import CELL_TAG, claim


def test_a_true_claim_prints_nothing(capsys):
    claim(True, "True is true.")
    claim(np.float64(1.0) == 1.0, "A NumPy comparison gives a numpy.bool_.")
    assert capsys.readouterr() == ("", "")


def test_a_false_claim_quotes_the_sentence_what_was_found_and_the_versions(capsys):
    claim(np.float64(0.5) > 1, "Half is more than one.", found="0.5")
    out, err = capsys.readouterr()
    assert out == ""
    assert "    Half is more than one.\n" in err
    assert "does not hold in this run: 0.5" in err
    assert "Python 3." in err and "numpy " in err


@pytest.mark.parametrize("holds", [np.array([True, False]), 1, None, "yes"])
def test_only_a_bool_can_be_a_verdict(holds):
    with pytest.raises(TypeError, match="holds must be a bool"):
        claim(holds, "Some sentence.")


@pytest.mark.parametrize("statement", ["", "   ", None])
def test_the_sentence_is_required(statement):
    with pytest.raises(TypeError, match="statement"):
        claim(True, statement)


# A torch release in which clamp blocks the gradient at its boundary (as hardtanh does), tried
# by patching torch.clamp in the kernel before chapter 3 runs.
CLAMP_BLOCKS_AT_ITS_BOUNDARY = """
import torch

_clamp = torch.clamp


def _clamp_blocking_at_the_boundary(input, min=None, max=None):
    inside = torch.ones_like(input, dtype=torch.bool)
    if min is not None:
        inside = inside & (input > min)
    if max is not None:
        inside = inside & (input < max)
    return torch.where(inside, input, _clamp(input, min, max).detach())


torch.clamp = torch.clip = _clamp_blocking_at_the_boundary
"""


def run_chapter_3_with_a_blocking_clamp(folder: Path):
    """Chapter 3 executed in ``folder`` with torch.clamp patched first (errors kept in the
    outputs); tests/conftest.py starts this in the background when the session begins."""
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    root = Path(__file__).resolve().parent.parent
    chapter = nbformat.read(root / "notebooks" / "03_kink_across_frameworks.ipynb", as_version=4)
    chapter.cells.insert(1, nbformat.v4.new_code_cell(CLAMP_BLOCKS_AT_ITS_BOUNDARY))
    sockets = Config({"KernelManager": {"transport": "ipc", "ip": str(folder / "kernel")}})
    NotebookClient(chapter, timeout=300, kernel_name="python3", allow_errors=True, config=sockets,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return chapter


@pytest.mark.needs_frameworks
def test_a_torch_whose_clamp_blocks_at_the_boundary_fails_every_sentence_that_says_otherwise(
        chapter_3_with_a_blocking_clamp):
    chapter = chapter_3_with_a_blocking_clamp
    failed = ["".join(output.get("text", "")) for cell in chapter.cells
              if CELL_TAG in cell.metadata.get("tags", []) for output in cell.outputs]
    clamp_sentences = [text for text in failed if "clamp" in text.split("but that")[0]]
    assert len(clamp_sentences) >= 2, failed  # the clip edges, and clamp(h, min=0) as a ReLU
    assert all("does not hold in this run" in text for text in failed)
    errors = [o for cell in chapter.cells if cell.cell_type == "code" for o in cell.outputs
              if o.output_type == "error"]
    assert errors == [], "the chapter still runs to the end"
