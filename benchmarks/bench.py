"""Performance goals of lossedu, measured (run with `make bench`; the README quotes the figures).

1. `import lossedu` takes at most 1.5x the time of `import numpy` alone.
2. `mae_grad` / `mse_grad` on 10**6 float64 elements take at most 2x the bare NumPy one-liner,
   so input validation does not dominate.
3. Each notebook executes in under 60 s (wall clock, kernel start-up included).
4. Probing the whole kink atlas (every entry, every framework, at the pinned versions) takes at
   most 90 s: each framework's import and probing times apart, then the whole run as
   `python -m lossedu.atlas` does it (two frameworks at a time).

Timings on a shared machine are noisy: each figure is the median (imports, in fresh processes)
or the minimum (gradients) over repeated runs. This script reports; it never fails on a timing.
"""

import platform
import statistics
import time
from pathlib import Path
import subprocess
import sys
import timeit

import numpy as np

import lossedu

IMPORT_RUNS = 21
GRADIENT_REPEATS = 15
N = 10**6

IMPORT_TIMER = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_seconds(module: str) -> float:
    runs = [float(subprocess.run([sys.executable, "-c", IMPORT_TIMER.format(module=module)],
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(IMPORT_RUNS)]
    return statistics.median(runs)


def best_seconds(function) -> float:
    function()  # warm up
    return min(timeit.repeat(function, number=1, repeat=GRADIENT_REPEATS))


def notebook_seconds(path: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def atlas_seconds() -> None:
    from lossedu import atlas

    print(f"\nthe kink atlas, {len(atlas.ENTRIES)} entries (goal: whole run <= 90 s):")
    print(f"{'framework':24} {'import':>8} {'probe all':>10}  (probe includes the import)")
    for name, framework in atlas.FRAMEWORKS.items():
        module = framework.module
        imports = (f'import os; os.environ["KERAS_BACKEND"] = "{name[6:]}"; import keras'
                   if name.startswith("keras-") else f"import {module}")
        timer = f"import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)"
        runs = [float(subprocess.run([sys.executable, "-c", timer], capture_output=True,
                                     text=True, check=True).stdout.split()[-1]) for _ in range(3)]
        start = time.perf_counter()
        atlas.run(None, [name], workers=1)
        print(f"{framework.label:24} {statistics.median(runs):7.1f}s {time.perf_counter() - start:9.1f}s")
    start = time.perf_counter()
    atlas.run()
    print(f"{'all, 2 at a time':24} {'':8} {time.perf_counter() - start:9.1f}s")


def main() -> None:
    print(f"Python {platform.python_version()}, numpy {np.__version__}, lossedu {lossedu.__version__}, "
          f"{platform.machine()}")

    numpy_import, lossedu_import = import_seconds("numpy"), import_seconds("lossedu")
    print(f"\nimport numpy   {numpy_import * 1e3:7.1f} ms (median of {IMPORT_RUNS} fresh processes)")
    print(f"import lossedu {lossedu_import * 1e3:7.1f} ms  ratio {lossedu_import / numpy_import:.2f}x "
          f"(goal <= 1.5x)")

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=N), rng.normal(size=N)
    cases = {
        "mae_grad": (lambda: lossedu.mae_grad(y_true, y_pred),
                     lambda: np.sign(y_pred - y_true) / N),
        "mse_grad": (lambda: lossedu.mse_grad(y_true, y_pred),
                     lambda: 2 * (y_pred - y_true) / N),
    }
    print(f"\n{N:.0e} float64 elements, best of {GRADIENT_REPEATS}:")
    for name, (ours, bare) in cases.items():
        np.testing.assert_allclose(ours(), bare(), rtol=1e-15)
        ours_s, bare_s = best_seconds(ours), best_seconds(bare)
        print(f"{name}  lossedu {ours_s * 1e3:6.2f} ms  bare NumPy {bare_s * 1e3:6.2f} ms  "
              f"ratio {ours_s / bare_s:.2f}x (goal <= 2x)")

    atlas_seconds()

    print("\nnotebook execution (goal < 60 s each):")
    for path in sorted(Path(__file__).resolve().parent.parent.glob("notebooks/*.ipynb")):
        print(f"{path.name:40} {notebook_seconds(path):5.1f} s")


if __name__ == "__main__":
    if sys.argv[1:] == ["atlas"]:  # the atlas's figures alone: python benchmarks/bench.py atlas
        atlas_seconds()
    else:
        main()
