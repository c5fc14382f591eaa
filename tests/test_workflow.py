"""The GitHub Actions workflow (.github/workflows/book.yml). It cannot run here, so it is checked
as GitHub and zizmor would check it: the repository's own tooling, so the environment legs,
which test the course where readers run it, leave it out."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
TOOLS = Path(sys.executable).parent


def lint_workflow(path):
    schema = subprocess.run([TOOLS / "check-jsonschema", "--builtin-schema",
                             "vendor.github-workflows", path], capture_output=True, text=True)
    zizmor = subprocess.run([TOOLS / "zizmor", "--offline", "--persona=auditor", path],
                            capture_output=True, text=True)
    return schema, zizmor


def test_the_workflow_passes_githubs_schema_and_zizmor():
    schema, zizmor = lint_workflow(WORKFLOW)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    assert zizmor.returncode == 0 and "No findings" in zizmor.stdout + zizmor.stderr, zizmor.stdout


def test_the_workflow_checks_catch_a_tag_and_a_malformed_step(tmp_path):
    tagged = tmp_path / "tagged.yml"
    tagged.write_text(re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v7",
                             WORKFLOW.read_text()))
    assert lint_workflow(tagged)[1].returncode != 0  # zizmor: unpinned-uses
    malformed = tmp_path / "malformed.yml"
    malformed.write_text(WORKFLOW.read_text().replace("runs-on:", "run-on:", 1))
    assert lint_workflow(malformed)[0].returncode != 0  # the schema: a job without runs-on


def test_the_workflow_runs_the_make_targets_and_deploys_only_the_default_branch():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as True
    assert {"push", "pull_request"} <= set(triggers)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"actions/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    commands = [step["run"] for step in steps if "run" in step]
    assert [c for c in commands if c.startswith("make ")] == [
        "make test CHROMIUM=/usr/bin/google-chrome", "make site"]
    assert all(c.startswith("make ") or c.startswith("sudo sysctl") for c in commands), commands
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert "default_branch" in deploy["if"] and "push" in deploy["if"] and "default_branch" in upload["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
