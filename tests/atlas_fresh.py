"""A fresh run of the whole atlas, for tests/test_atlas.py (computed once per test run, in the
background: tests/conftest.py, IN_THE_BACKGROUND)."""

from pathlib import Path


def probe_the_atlas(folder: Path) -> list:
    from lossedu import atlas

    return atlas.run()
