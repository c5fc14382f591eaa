"""What the book's Markdown pages state about frameworks, numbers and versions, checked.

The chapters guard their prose with hidden claim-check cells (lossedu.chapters.claims); the Markdown
pages cannot run code, so their statements are checked here.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from lossedu import atlas, numerical_grad

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


@pytest.fixture(scope="module")
def abs_and_subnormal():
    # the atlas's stored table, which tests/test_atlas.py checks against a fresh run
    return {(r.id, r.framework): r for r in atlas.stored().results
            if r.id in ("abs", "mae_subnormal")}


def test_intro_every_framework_returns_a_number_at_the_kink_and_they_differ(abs_and_subnormal):
    text = " ".join((BOOK / "intro.md").read_text().split())
    assert "Yet PyTorch, TensorFlow and JAX all return *a* number there, and they do not all " \
           "return the same one." in text
    answers = [abs_and_subnormal["abs", fw].grad for fw in ("torch", "tensorflow", "jax")]
    assert all(isinstance(a, list) and np.isfinite(a).all() for a in answers), answers
    assert len({tuple(a) for a in answers}) > 1, answers


def test_glossary_flush_to_zero_is_what_tensorflow_does_at_a_subnormal(abs_and_subnormal):
    assert "TensorFlow's CPU kernels do it, and so does XLA" in (BOOK / "glossary.md").read_text()
    # residual y_true - y_pred flushed to 0: the answer is minus the framework's |x|' at 0
    for backend in ("tensorflow", "jax"):
        at_kink = abs_and_subnormal["abs", f"keras-{backend}"].grad
        assert abs_and_subnormal["mae_subnormal", f"keras-{backend}"].grad == [-at_kink[0]]
    assert abs_and_subnormal["mae_subnormal", "torch"].grad == [1.0]


def test_glossary_numbers_about_float32_and_finite_differences():
    glossary = " ".join((BOOK / "glossary.md").read_text().split())
    assert "about $1.2 \\times 10^{-38}$ for float32" in glossary
    assert "The smallest positive float32 is about $1.4 \\times 10^{-45}$" in glossary
    assert f"{np.finfo(np.float32).tiny:.1e}" == "1.2e-38"
    assert f"{float(np.nextafter(np.float32(0), np.float32(1))):.1e}" == "1.4e-45"
    # a central difference at a kink averages the one-sided slopes; across a jump it grows like 1/h
    assert "returns the average of the two one-sided slopes" in glossary
    assert numerical_grad(lambda x: np.abs(x).sum(), [0.0]) == [0.0]
    sides = [numerical_grad(lambda x: np.abs(x).sum(), [0.0], method=m) for m in ("backward", "forward")]
    assert sides == [[-1.0], [1.0]]
    assert "Finite differences across a jump grow like $1/h$" in glossary
    step = lambda x: np.heaviside(x, 0.5).sum()  # noqa: E731
    assert [numerical_grad(step, [0.0], step=h)[0] * h for h in (1e-2, 1e-4)] == [0.5, 0.5]


def test_running_states_the_pins_and_the_declared_minimums():
    running = " ".join((BOOK / "running.md").read_text().split())
    requirements = (ROOT / "requirements.txt").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "PyTorch 2.13.0" in running and "torch==2.13.0" in requirements
    assert "TensorFlow 2.21 for the CPU" in running and "tensorflow-cpu==2.21." in requirements
    assert "Python 3.11, 3.12 or 3.13" in running
    makefile = (ROOT / "Makefile").read_text()
    assert "(3, 11) <= sys.version_info[:2] <= (3, 13)" in makefile
    assert "Python 3.10 or later, NumPy 1.24 and matplotlib 3.7 or later" in running
    assert 'requires-python = ">=3.10"' in pyproject
    assert '"numpy>=1.24", "matplotlib>=3.7"' in pyproject
    assert "nbformat, nbclient and nbconvert" in running
    assign = re.search(r"^assign = \[(.*)\]$", pyproject, flags=re.M).group(1)
    assert all(name in assign for name in ("nbformat", "nbclient", "nbconvert"))


def test_references_page_lists_entries_without_labels_or_raw_latex():
    bib = (BOOK / "references.bib").read_text()
    assert "\\texttt" not in bib and "$" not in bib
    config = (ROOT / "_config.yml").read_text()
    assert "bibtex_reference_style: author_year" in config
    assert "bibtex_default_style: author_year" in config  # book/_ext/author_year_labels.py
    entries = re.findall(r"@\w+\{(\w+),(.*?)\n\}", bib, flags=re.S)
    online = [key for key, body in entries if "url" in body]
    assert len(online) >= 4, "the four public questions link to their source"


def test_glossary_numbers_about_machine_epsilon():
    glossary = " ".join((BOOK / "glossary.md").read_text().split())
    assert "about $2.2 \\times 10^{-16}$ in float64, $1.2 \\times 10^{-7}$ in float32" in glossary
    assert f"{np.finfo(np.float64).eps:.1e}" == "2.2e-16"
    assert f"{np.finfo(np.float32).eps:.1e}" == "1.2e-07"


def test_glossary_the_short_straight_through_form_is_wrong_for_large_float32():
    glossary = " ".join((BOOK / "glossary.md").read_text().split())
    assert "in float32 from $2^{24}$ on, where neighbouring numbers are 2 apart" in glossary
    assert np.spacing(np.float32(2 ** 24)) == 2 and np.spacing(np.float32(2 ** 24 - 1)) == 1
    x = np.float32(2 ** 24 + 2)
    short, exact = x + (np.sign(x) - x), (x - x) + np.sign(x)
    assert exact == 1 and short != 1
    small = np.float32(2 ** 23)
    assert small + (np.sign(small) - small) == 1


def test_notation_names_what_the_library_and_pytorch_have():
    import inspect

    import torch.nn.functional as F

    import lossedu

    notation = (BOOK / "notation.md").read_text()
    for name, function in [("subgradient", lossedu.mae_grad), ("step", lossedu.numerical_grad)]:
        assert f"`{name}=`" in notation and name in inspect.signature(function).parameters
    assert "`jacobian(...)`" in notation and callable(lossedu.jacobian)
    assert "PyTorch's `l1_loss`, `mse_loss`" in notation
    assert callable(F.l1_loss) and callable(F.mse_loss)
