"""Derive the Colab leg's pins from Colab's published package list.

    python tests/environments/colab_pins.py PIP_FREEZE --date YYYY-MM-DD [--python python3.13]

Colab's list (``pip freeze`` of its runtime) holds some 650 packages. The leg needs the ones the
course imports and what they depend on, at Colab's versions: pip resolves the course's packages
with Colab's list as constraints (``pip install --dry-run --report``, nothing is installed) and
this writes every resolved package, pinned, to ``colab-requirements.txt`` beside this script.

Two substitutions, both stated in the file it writes:

- Colab's torch is a ``+cpu`` build from PyTorch's own index, which these machines cannot reach;
  the registry's build of the same version stands in for it. Its CUDA libraries are not in
  Colab's list (Colab's own ``nvidia-*`` pins belong to other packages and conflict with it), so
  they are left to the stand-in's own requirements.
- Lines that name a URL or a local file (Colab's own tools, a spaCy model) are dropped.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "colab-requirements.txt"
sys.path.insert(0, str(HERE))
from legs import find_python  # noqa: E402

# What the course needs in Colab: the frameworks, the notebook kernel, lossedu's dependencies and
# its [assign] extra, and the test runner of the unit tests. Everything else follows from these.
COURSE_PACKAGES = ["torch", "tensorflow", "keras", "jax", "jaxlib", "numpy", "matplotlib",
                   "ipykernel", "ipython", "nbformat", "nbclient", "nbconvert", "pyyaml", "pytest"]
# Not in Colab's list: the unit tests' property-based testing library, at the course's pin.
TEST_TOOLS = ["hypothesis"]
STAND_IN_DEPENDENCY = re.compile(r"^(nvidia-|triton$|cuda-)")


def constraints(freeze: str) -> list[str]:
    """Colab's pins that pip can use as constraints: URL lines become ``name==version`` where
    the URL is a wheel of a registry package (torch), and are dropped otherwise."""
    pins = []
    for line in freeze.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name = re.split(r"[=@ ]", line, maxsplit=1)[0]
        if STAND_IN_DEPENDENCY.match(name.lower()):
            continue
        if " @ " in line:
            wheel = re.search(rf"/{re.escape(name)}-([\d.]+)(?:%2B|\+)cpu-", line)
            if name.lower() == "torch" and wheel:
                pins.append(f"torch=={wheel.group(1)}")
            continue
        pins.append(line)
    return pins


def course_pin(name: str) -> str:
    for line in (HERE.parents[1] / "requirements.txt").read_text().splitlines():
        if line.startswith(f"{name}=="):
            return line.strip()
    raise SystemExit(f"requirements.txt has no pin for {name}")


def resolve(python: str, pins: list[str]) -> list[tuple[str, str]]:
    """(name, version) of everything pip would install for the course under ``pins``."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "constraints.txt").write_text("\n".join(pins) + "\n")
        subprocess.run([python, "-m", "venv", work / "env"], check=True)
        subprocess.run([work / "env" / "bin" / "python", "-m", "pip", "install", "--quiet",
                        "--dry-run", "--ignore-installed", "--report", work / "report.json",
                        "-c", work / "constraints.txt", *COURSE_PACKAGES,
                        *map(course_pin, TEST_TOOLS)], check=True)
        report = json.loads((work / "report.json").read_text())
    return sorted(((item["metadata"]["name"], item["metadata"]["version"])
                   for item in report["install"]), key=lambda p: p[0].lower())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python tests/environments/colab_pins.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("freeze", type=Path, help="Colab's package list (pip freeze format)")
    parser.add_argument("--date", required=True, help="the date of Colab's list, YYYY-MM-DD")
    parser.add_argument("--python", help="a Python 3.13 (default: python3.13 or pyenv's)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", args.date):
        parser.error(f"--date must be YYYY-MM-DD, got {args.date!r}")
    python = find_python("3.13", args.python)
    colab = {line.split("==")[0].lower(): line for line in constraints(args.freeze.read_text())
             if "==" in line}
    resolved = resolve(python, list(colab.values()))
    missing = "not in Colab's list: required by the packages above (the stand-in torch's CUDA " \
              "libraries, for one), at the versions pip chose"
    groups = {"from Colab's list": [], missing: [],
              "test tools (not in Colab; the course's pins)": []}
    for name, version in resolved:
        if name.lower() in colab:
            groups["from Colab's list"].append(f"{name}=={version}")
        elif name.lower() in TEST_TOOLS:
            groups["test tools (not in Colab; the course's pins)"].append(f"{name}=={version}")
        else:
            groups[missing].append(f"{name}=={version}")
    lines = [
        f"# The Colab leg's environment: Colab's runtime as published in its package list dated "
        f"{args.date},",
        "# Python 3.13. Written by tests/environments/colab_pins.py (see README: refreshing the",
        "# Colab pins); do not edit by hand. Colab's torch is a +cpu build from PyTorch's own index;",
        "# the registry's build of the same version stands in for it.",
    ]
    for title, pins in groups.items():
        lines += ["", f"# {title}", *pins]
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(resolved)} pins to {OUTPUT}")


if __name__ == "__main__":
    main()
