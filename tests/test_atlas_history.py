"""The atlas across releases (lossedu.atlas.history, made by lossedu.atlas.releases): the
stored history covers every release it lists or says why, its rows for the pinned versions are
what a fresh run of the atlas returns, and the changes, the report and the pages read it right."""

import json
import re
from pathlib import Path

import pytest
from packaging.version import Version

from lossedu import atlas
from lossedu.atlas import changes_page, releases
from lossedu.atlas import history as history_module
from lossedu.atlas.history import (PACKAGES, History, Release, minor, missing, package,
                                   report, snippet_digest, stored_history)
from lossedu.atlas.probing import Result

ROOT = Path(__file__).resolve().parent.parent


# --- the stored data ---------------------------------------------------------------------

def test_every_listed_release_is_probed_with_every_entry_or_explained():
    assert missing(stored_history()) == []
    for release in stored_history().releases:
        assert release.date and release.python and release.platform, release.key
        if release.status == "probed":
            assert release.installed[PACKAGES[release.package].distribution.split("[")[0]]


def test_the_history_lists_what_the_course_promises():
    # the newest patch of each minor version, oldest first, ending at the pinned one or later
    for chosen in PACKAGES.values():
        versions = [Version(v) for v in chosen.versions]
        assert versions == sorted(versions), chosen.name
        minors = [minor(v) for v in chosen.versions]
        assert len(set(minors)) == len(minors), f"{chosen.name}: one release per minor version"
        assert chosen.pinned in chosen.versions
    torch = PACKAGES["torch"].versions
    assert len(torch) >= 8 and minor(torch[-1]) == "2.14"
    assert len(PACKAGES["tensorflow"].versions) >= 6
    jax_minors = [minor(v) for v in PACKAGES["jax"].versions]
    newest = int(minor(PACKAGES["jax"].pinned).split(".")[1])
    assert jax_minors == [f"0.{n}" for n in range(4, newest + 1)]  # every minor from 0.4 on
    for name in ("mlx", "keras", "paddle"):
        assert len(PACKAGES[name].versions) >= 4, name
    assert len(PACKAGES["tinygrad"].versions) >= 3


def test_the_pinned_versions_are_those_of_requirements_txt():
    pins = dict(re.findall(r"^([A-Za-z0-9_.\[\]-]+)==(\S+)", (ROOT / "requirements.txt").read_text(),
                           flags=re.MULTILINE))
    for chosen in PACKAGES.values():
        assert pins[chosen.distribution] == chosen.pinned, chosen.name
        for requirement in chosen.beside:
            name, _, version = requirement.partition("==")
            assert pins[name] == version if version else name not in pins, requirement
    assert set(PACKAGES.values()) and {c for p in PACKAGES.values() for c in p.columns} \
        == set(atlas.FRAMEWORKS)


@pytest.mark.needs_frameworks
def test_the_stored_rows_of_the_pinned_versions_are_what_a_fresh_run_returns(fresh_atlas):
    fresh = {(r.id, r.framework): r for r in fresh_atlas}
    versions = atlas.run_versions(fresh_atlas)
    if versions != atlas.stored().versions:
        pytest.skip(f"not the pinned versions ({versions})")
    stored = stored_history()
    compared = 0
    for chosen in PACKAGES.values():
        release = stored.release(chosen.name, chosen.pinned)
        assert release.status == "probed", release.reason
        for result in release.results:
            now = fresh[result.id, result.framework]
            assert result.version.split("+")[0] == now.version.split("+")[0]
            assert atlas.same_answer(result, now), (result, now)
            compared += 1
    assert compared == len(atlas.ENTRIES) * len(atlas.FRAMEWORKS)


# --- reading it ---------------------------------------------------------------------------

def release(version, grad, entry_id="clip_upper", name="torch", **changes) -> Release:
    results = tuple(Result(entry_id, column, version, [1.0], "value", [grad])
                    for column in PACKAGES[name].columns)
    fields = dict(package=name, version=version, status="probed", date="2026-12-07",
                  python="3.11.7", platform="Linux x86_64", installed={name: version},
                  results=results,
                  snippets={f"{entry_id}/{c}": snippet_digest(entry_id, c)
                            for c in PACKAGES[name].columns})
    return Release(**{**fields, **changes})


def failed(version, name="torch", status="not installable", reason="pip install failed: no"):
    return Release(name, version, status, "2026-12-07", "3.11.7", "Linux", reason=reason)


def test_a_change_is_found_between_consecutive_releases_and_summarised():
    stored = History((release("2.12.1", 1.0), release("2.14.1", 0.0), release("2.13.0", 1.0)))
    [change] = stored.changes("torch")
    assert (change.before_version, change.after_version, change.since) == ("2.13.0", "2.14.1",
                                                                          "2.14")
    assert change.summary() == "since 2.14: 0 (was 1)"
    assert change.line() == "clip_upper (PyTorch): 1 in 2.13.0, 0 in 2.14.1"
    assert [url for url, _ in change.sources] == [
        "https://github.com/pytorch/pytorch/pull/191142",
        "https://github.com/pytorch/pytorch/issues/195931"]
    assert stored.last_change("clip_upper", "torch") == change
    assert stored.last_change("clip_lower", "torch") is None


def test_changes_are_newest_first_and_a_release_not_probed_is_skipped_over():
    stored = History((release("2.11.0", 1.0), release("2.12.1", 0.0), failed("2.13.0"),
                      release("2.14.1", 1.0)))
    changes = stored.changes("torch")
    assert [(c.before_version, c.after_version) for c in changes] == [("2.12.1", "2.14.1"),
                                                                       ("2.11.0", "2.12.1")]
    # 2.13 could not be asked: the change came in 2.13 or 2.14
    assert [c.summary() for c in changes] == ["between 2.12 and 2.14: 1 (was 0)",
                                              "since 2.12: 0 (was 1)"]


def test_versions_are_ordered_as_numbers_and_a_minor_version_is_never_a_prefix():
    stored = History((release("2.9.1", 1.0), release("2.10.0", 0.0)))
    [change] = stored.changes("torch")
    assert (change.before_version, change.after_version) == ("2.9.1", "2.10.0")
    assert stored.resolve("torch", "2.10").version == "2.10.0"
    with pytest.raises(ValueError, match="no torch 2.1 "):
        stored.resolve("torch", "2.1")


def test_the_last_change_is_the_newest_of_several():
    stored = History((release("2.12.1", 1.0), release("2.13.0", 0.0), release("2.14.1", 1.0)))
    assert stored.last_change("clip_upper", "torch").summary() == "since 2.14: 1 (was 0)"
    assert [c.since for c in stored.changes()] == ["2.14", "2.13"]


def test_the_atlas_page_says_where_each_answer_changed_up_to_its_version_and_after():
    book = atlas.stored()  # the page shows the pinned versions: torch 2.13.0
    assert book.answer("clip_upper", "torch").version.startswith("2.13.0")
    stored = History((release("2.11.0", 0.0), release("2.12.1", 1.0), release("2.13.0", 1.0),
                      release("2.14.1", 0.0)))
    clip = [atlas.ENTRY_BY_ID["clip_upper"]]
    html = atlas.page.atlas_html(book, clip, stored)
    assert html.count('class="atlas-since"') == 1
    assert ('<span class="atlas-since">since 2.12: 1 (was 0); from 2.14: 0 (was 1)</span>'
            in html)
    markdown = atlas.page.atlas_markdown(book, clip, stored)
    assert "(since 2.12: 1 (was 0); from 2.14: 0 (was 1))" in markdown
    unchanged = atlas.page.atlas_html(book, [atlas.ENTRY_BY_ID["abs"]], stored)
    assert "atlas-since" not in unchanged


def test_the_changes_page_links_each_entry_and_its_report():
    stored = History((release("2.13.0", 1.0), release("2.14.1", 0.0)))
    html = changes_page.changes_output(stored)["text/html"]
    assert '<a href="atlas.html#clip_upper"><code>clip_upper</code></a>' in html
    assert "https://github.com/pytorch/pytorch/issues/195931" in html
    assert "PyTorch: 1 change" in html and "2.13.0 → 2.14.1" in html
    markdown = changes_page.changes_output(stored)["text/markdown"]
    assert "| 2.14 (2.13.0 → 2.14.1) | `clip_upper` | 1 | 0 |" in markdown
    quiet = History((release("2.13.0", 1.0), release("2.14.1", 1.0)))
    assert "No answer changed" in changes_page.changes_output(quiet)["text/html"]
    coverage = changes_page.coverage_output(History((release("2.13.0", 1.0), failed(
        "2.7.1", status="does not import", reason="import torch: ImportError: libfoo"))))
    assert "2.7.1: does not import (import torch: ImportError: libfoo)" in coverage["text/html"]


def test_the_clamp_change_of_pytorch_2_14_is_in_the_stored_history():
    for entry_id in ("clip_lower", "clip_upper"):
        change = stored_history().last_change(entry_id, "torch")
        assert change.since == "2.14" and change.before.grad == [1.0]
        assert change.after.grad == [0.0]


# --- the report of --changes ----------------------------------------------------------------

def flat(text):
    """A line of the report as one line: it wraps long lines for the terminal."""
    return " ".join(text.split())


def test_the_report_names_both_releases_and_every_change_between_them():
    stored = History((release("2.12.1", 1.0), release("2.13.0", 1.0), release("2.14.1", 0.0)))
    lines = report("torch", "2.12", "2.14", stored=stored)
    assert flat(lines[0]) == ("torch: what changed after 2.12.1 up to 2.14.1 (3 releases in "
                              "the book's history):")
    assert lines[1:] == ["clip_upper (PyTorch): 1 in 2.13.0, 0 in 2.14.1", "1 answer changed."]
    assert report("torch", "2.12", "2.13", stored=stored)[1:] == ["no answer changed"]
    # no versions: from the oldest to the installed one
    assert "up to 2.13.0" in report("torch", stored=stored, installed="2.13.0+cpu")[0]
    assert report("torch", "2.12", "2.14", stored=stored) == report(
        "torch", "2.12.1", "2.14.1", stored=stored)


def test_an_installed_version_the_history_lacks_is_compared_up_to_the_one_before_it():
    stored = History((release("2.11.0", 1.0), release("2.12.1", 0.0), release("2.14.1", 1.0)))
    lines = report("torch", stored=stored, installed="2.13.1")
    assert "up to 2.12.1" in lines[0]
    assert flat(lines[-1]) == ("The history holds no 2.13 release: compared up to 2.12.1, the "
                               "newest before your 2.13.1.")
    with pytest.raises(ValueError, match="older than anything in the history"):
        report("torch", stored=stored, installed="2.5.0")
    assert "not installed here" in report("torch", stored=stored)[-1]


def test_a_version_newer_than_the_history_is_said_so():
    stored = History((release("2.13.0", 1.0), release("2.14.1", 0.0)))
    lines = report("torch", stored=stored, installed="2.15.0")
    assert "up to 2.14.1" in lines[0]
    assert flat(lines[-1]).startswith("Your torch 2.15.0 is newer than anything in the "
                                      "history (newest: 2.14.1)")
    assert "python -m lossedu.atlas --frameworks torch" in flat(lines[-1])
    assert max(len(line) for text in lines for line in text.splitlines()) <= 74


@pytest.mark.parametrize("arguments, message", [
    (("torch", "2.14", "2.12"), "name the older version first"),
    (("torch", "1.0"), "the history has no torch 1.0"),
    (("caffe",), "the history has no framework 'caffe'"),
    (("torch", "two"), "'two' is not a version number"),
])
def test_the_report_rejects_what_it_cannot_answer(arguments, message):
    stored = History((release("2.12.1", 1.0), release("2.14.1", 0.0)))
    with pytest.raises(ValueError, match=re.escape(message)):
        report(*arguments, stored=stored)


def test_a_framework_is_found_by_any_of_its_names():
    names = {"tensorflow": "tensorflow", "tensorflow-cpu": "tensorflow", "paddlepaddle": "paddle",
             "paddlepaddle-gpu": "paddle", "paddle": "paddle", "keras-jax": "keras",
             "keras-torch": "keras", "MLX": "mlx", " torch ": "torch", "jax": "jax"}
    assert {name: package(name).name for name in names} == names
    with pytest.raises(TypeError):
        package(None)


def test_the_command_line_prints_the_changes_and_refuses_other_options(capsys):
    assert atlas.main(["--changes", "torch", "2.13", "2.14"]) == 0
    out = capsys.readouterr().out
    assert "clip_upper (PyTorch): 1 in 2.13.0, 0 in 2.14.1" in out
    with pytest.raises(SystemExit):
        atlas.main(["--changes", "torch", "--frameworks", "jax"])
    with pytest.raises(SystemExit):
        atlas.main(["--changes", "torch", "2.1", "2.2", "2.3"])
    assert "--changes takes FRAMEWORK [OLD [NEW]]" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        atlas.main(["--changes", "caffe"])
    assert "no framework 'caffe'" in capsys.readouterr().err


# --- the stored form ----------------------------------------------------------------------

def test_a_history_survives_its_own_text():
    stored = History((release("2.13.0", 1.0), failed("2.7.1", reason="pip install failed")),
                     "about")
    again = History.from_json(stored.to_json())
    assert again.about == "about"
    assert [r.key for r in again.releases] == [r.key for r in stored.releases]
    assert again.releases[0].results[0].grad == [1.0]
    assert again.releases[1].reason == "pip install failed"


@pytest.mark.parametrize("change, message", [
    (lambda d: d["releases"].append(d["releases"][0]), "holds these releases twice"),
    (lambda d: d.update(schema=0), "must be schema 1"),
    (lambda d: d["releases"][0].update(status="lost"), "status is one of"),
    (lambda d: d["releases"][0].update(reason="why"), "a probed release has answers and no reason"),
    (lambda d: d["releases"][0].pop("date"), "an object with the keys"),
    (lambda d: d["releases"][0]["answers"][0].update(id="nope"), "unknown entry 'nope'"),
    (lambda d: d["releases"][0].update(package="caffe"), "unknown package 'caffe'"),
    (lambda d: d["releases"][0]["answers"][0].update(framework="jax"),
     "answers for ['jax'], not one of ('torch',)"),
    (lambda d: d["releases"][0]["answers"][0].pop("snippet"), "with its snippet's digest"),
    (lambda d: d["releases"][0].update(version="two"), "'two' is not a version number"),
    (lambda d: d["releases"][0].update(installed=[]), "installed is an object"),
    (lambda d: d.pop("releases"), "needs a list of releases"),
    (lambda d: d["releases"][0].update(status="not installable"),
     "a release that was not probed has a reason and no answers"),
    (lambda d: d["releases"][0]["answers"].append(d["releases"][0]["answers"][0]),
     "two answers for [('clip_upper', 'torch')]"),
])
def test_a_malformed_history_is_refused_with_its_problem(change, message):
    data = json.loads(History((release("2.13.0", 1.0),)).to_json())
    change(data)
    with pytest.raises(ValueError, match=re.escape(message)):
        History.from_json(json.dumps(data))


def test_missing_names_each_release_neither_probed_nor_explained():
    problems = missing(History((release("2.13.0", 1.0), release("2.13.1", 1.0))))
    assert "torch 2.7.1: not in the history" in problems
    assert any(p.startswith("torch 2.13.0: no answer, or a stale one, for ['abs/torch'")
               for p in problems)
    assert "torch 2.13.1: in the history but not listed in PACKAGES" in problems
    with pytest.raises(TypeError):
        missing(None)


def test_an_answer_from_a_snippet_that_changed_since_is_stale():
    fresh = release("2.13.0", 1.0)
    assert "clip_upper/torch" not in fresh.lacking()
    stale = release("2.13.0", 1.0, snippets={"clip_upper/torch": "0123456789ab"})
    assert "clip_upper/torch" in stale.lacking()
    assert failed("2.7.1").lacking() == []


def test_the_lookups_refuse_what_the_history_cannot_hold():
    stored = History((release("2.13.0", 1.0),))
    with pytest.raises(ValueError, match="no column 'caffe'"):
        stored.last_change("clip_upper", "caffe")
    with pytest.raises(ValueError, match="no atlas entry 'nope'"):
        stored.last_change("nope", "torch")
    with pytest.raises(TypeError):
        stored.changes(["torch"])
    with pytest.raises(ValueError, match="not a version number"):
        PACKAGES["torch"].requirements("latest")


# --- making it --------------------------------------------------------------------------------

def test_the_plan_resumes_where_the_history_stops():
    complete = History.from_json(stored_history().to_json())
    assert releases.plan(complete, None, redo=False) == []
    assert releases.plan(complete, ["tinygrad"], redo=True) == [
        ("tinygrad", v) for v in PACKAGES["tinygrad"].versions]
    partial = History(tuple(r for r in complete.releases if r.key != ("jax", "0.6.2")))
    assert releases.plan(partial, None, redo=False) == [("jax", "0.6.2")]
    stale = History(tuple(release("2.13.0", 1.0) if r.key == ("torch", "2.13.0") else r
                          for r in complete.releases))
    assert releases.plan(stale, ["torch"], redo=False) == [("torch", "2.13.0")]
    broken = History(tuple(failed("2.7.1") if r.key == ("torch", "2.7.1") else r
                           for r in complete.releases))
    assert releases.plan(broken, ["torch"], redo=False) == []
    assert releases.plan(broken, ["torch"], redo=False, retry=True) == [("torch", "2.7.1")]


def test_the_run_reports_what_changed_against_the_stored_history():
    before = History((release("2.13.0", 1.0),))
    after = History((release("2.13.0", 0.0), release("2.14.1", 0.0)))
    assert releases.compare(before, after) == [
        "  torch 2.13.0 clip_upper (PyTorch): 1, now 0", "  new: torch 2.14.1 (probed)"]
    assert releases.compare(after, after) == ["  nothing changed"]


def test_a_release_pip_cannot_install_is_recorded_with_the_reason(tmp_path):
    # offline (--no-index), so pip fails at once, as it would for a release without a wheel
    release = releases.probe_release("tinygrad", "0.14.0", tmp_path, pip_options=["--no-index"])
    assert release.status == "not installable" and release.results == ()
    assert release.reason.startswith("pip install failed: ERROR:")
    assert list(tmp_path.iterdir()) == []  # the environment is gone


def test_every_source_cites_a_change_the_stored_history_shows():
    shown = {(c.package, c.entry_id, c.since) for c in stored_history().changes()}
    assert sorted(set(history_module.SOURCES) - shown) == []
    for sources in history_module.SOURCES.values():
        assert sources and all(url.startswith("https://") and title for url, title in sources)
