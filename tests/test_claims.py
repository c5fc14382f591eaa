"""lossedu.claims: silent when a sentence holds, a warning quoting it when it does not."""

import numpy as np
import pytest

from lossedu.claims import claim


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
