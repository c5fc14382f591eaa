"""lossedu.atlas.verdict_counts: how often each framework gives each verdict."""

import pytest

from lossedu import atlas
from lossedu.atlas import Result

RESULTS = [Result("abs", "torch", "2.13.0", [0.0], "value", [0.0]),
           Result("abs", "jax", "0.10.2", [0.0], "value", [1.0]),
           Result("relu", "torch", "2.13.0", [0.0], "value", [0.0]),
           Result("relu", "jax", "0.10.2", [0.0], "value", [0.0]),
           Result("abs", "numpy-central", None, [0.0], "value", [0.0]),
           Result("step", "jax", "0.10.2", [0.5], "value", [0.0])]


def test_verdict_counts_count_the_classifications_per_framework():
    counts = atlas.verdict_counts(RESULTS)
    assert set(counts) == {"torch", "jax"}  # the NumPy central difference is no framework
    verdicts = atlas.classifications(RESULTS)
    for framework in counts:
        given = [row[framework] for row in verdicts.values() if framework in row]
        assert sum(counts[framework].values()) == len(given) > 0
        assert all(counts[framework][v] == given.count(v) for v in given)
    assert counts["jax"]["subgradient"] == 1 and counts["torch"]["min-norm"] >= 1
    assert counts["torch"]["nan/inf"] == 0  # a verdict never given counts 0


def test_the_counts_table_shows_the_same_numbers():
    table = atlas.classification_table(RESULTS, counts=True)
    counts = atlas.verdict_counts(RESULTS)
    for verdict in ("min-norm", "subgradient"):
        assert (f"| {verdict} | {counts['torch'][verdict]} | {counts['jax'][verdict]} |"
                in table)


def test_verdict_counts_need_results():
    with pytest.raises(ValueError, match="non-empty list of atlas results"):
        atlas.verdict_counts([])
