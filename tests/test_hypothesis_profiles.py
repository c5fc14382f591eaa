"""The suite has no timed assertions: no Hypothesis profile, and no test, sets a deadline or lets
Hypothesis fail a test because drawing its data was slow. A verdict must not depend on how busy
the machine is (see "A busy machine" in the README)."""

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from conftest import PROFILES

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("name", PROFILES)
def test_no_profile_has_a_deadline_or_a_too_slow_health_check(name):
    profile = settings.get_profile(name)
    assert profile.deadline is None
    assert HealthCheck.too_slow in profile.suppress_health_check


def test_the_active_profile_is_one_of_ours():
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check


def timing_settings(source: str) -> list[str]:
    """The settings(...) calls in ``source`` that set a deadline or the health checks."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in (
                "settings", "register_profile"):
            found += [f"line {node.lineno}: {keyword.arg}" for keyword in node.keywords
                      if keyword.arg in ("deadline", "suppress_health_check")]
    return found


def test_no_test_sets_its_own_deadline_or_health_checks():
    found = {path.name: timing_settings(path.read_text())
             for path in TESTS.rglob("*.py") if path.name != "conftest.py"}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_source_check_finds_a_deadline():
    source = "@settings(max_examples=5, deadline=200)\ndef test(): pass\n"
    assert timing_settings(source) == ["line 1: deadline"]
