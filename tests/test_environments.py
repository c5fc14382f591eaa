"""The environment legs' own pieces: version normalising, output comparison, the derived pins."""

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "environments"))
legs = importlib.import_module("legs")
colab_pins = importlib.import_module("colab_pins")
COLAB_REQUIREMENTS = (ROOT / "tests" / "environments" / "colab-requirements.txt").read_text()


def test_version_names_are_normalised_and_nothing_else():
    assert legs.normalise("Python 3.13.0, numpy 2.1.3, torch 2.11.0+cu130, jax 0.7.2.") == \
        "Python <version>, numpy <version>, torch <version>, jax <version>."
    # padding that aligned a column around a version string is not a difference
    assert legs.normalise("     torch 2.13.0+cpu   raises") == legs.normalise("     torch 2.11.0+cu130 raises")
    # numbers that are not versions, and spacing elsewhere, still count
    assert legs.normalise("w = 2.003, b = 0.720") == "w = 2.003, b = 0.720"
    assert legs.normalise("a   b") != legs.normalise("a b")
    assert legs.normalise("at 0x7f3a2b1c9d10") == "at 0xADDRESS"


def test_text_outputs_join_stream_pieces_and_skip_images():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("display_data", data={"image/png": "AAAA", "text/plain": "<Figure>"}),
        nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined", traceback=[]),
    ]
    assert legs.text_outputs(cell) == [("stream:stdout", "a\nb\n"), ("text/plain", "<Figure>"),
                                       ("error", "NameError: name 'x' is not defined")]


def test_a_difference_is_explained_only_by_a_declared_reason():
    run = legs.NotebookRun("n.ipynb", differences=[{"cell": 1, "declared": "only in Colab"}])
    assert run.passed
    run.differences.append({"cell": 2, "declared": None})
    assert not run.passed and len(run.unexplained) == 1
    assert not legs.NotebookRun("n.ipynb", errors=[[3, "NameError: x"]]).passed


def test_colab_constraints_keep_registry_pins_and_the_torch_version():
    freeze = "\n".join([
        "numpy==2.1.3",
        "torch @ https://example.invalid/whl/cpu/torch-2.11.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl",
        "google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz",
        "nvidia-nccl-cu13==2.31.2",
        "# a comment", ""])
    assert colab_pins.constraints(freeze) == ["numpy==2.1.3", "torch==2.11.0"]


def test_the_colab_pins_are_colabs_versions_and_carry_the_lists_date():
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", COLAB_REQUIREMENTS, flags=re.MULTILINE))
    # the versions the issue measured in Colab's runtime (its package list of 2026-08-19)
    assert {name: pins[name] for name in ("torch", "tensorflow", "keras", "jax", "jaxlib",
                                          "numpy", "matplotlib", "ipykernel")} == {
        "torch": "2.11.0", "tensorflow": "2.20.0", "keras": "3.13.2", "jax": "0.7.2",
        "jaxlib": "0.7.2", "numpy": "2.1.3", "matplotlib": "3.10.0", "ipykernel": "6.17.1"}
    assert legs.requirements_date(legs.COLAB_REQUIREMENTS) == "2026-08-19"
    assert "://" not in COLAB_REQUIREMENTS  # no index or download address


def test_the_lowest_leg_reads_the_lower_bounds_from_pyproject():
    python, pins = legs.lowest_declared()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'requires-python = ">={python}"' in pyproject
    for pin in pins:
        name, low = pin.split("==")
        assert f'"{name}>={low}"' in pyproject


def test_find_python_refuses_an_interpreter_of_another_version():
    with pytest.raises(SystemExit, match="not 2.7"):
        legs.find_python("2.7", sys.executable)
    assert legs.find_python(f"{sys.version_info[0]}.{sys.version_info[1]}", sys.executable)
