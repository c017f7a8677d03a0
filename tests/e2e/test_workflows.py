"""The GitHub workflows this part owns: actions pinned by commit, on Node 24
versions; the e2e job runs `make e2e` on kind and keeps a report on failure; the
real-MongoDB job runs the fast suite on 7.0 and 8.0."""

import re

import pytest
import yaml

from tests.e2e.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
# The first major version of each action that runs on Node 24 (Node 20 left
# GitHub's runners in 2026-09).
NODE24_MAJOR = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/upload-artifact": 5,
}
PINNED = re.compile(
    r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # v(?P<major>\d+)\."
)


def _workflow(name):
    return yaml.safe_load((WORKFLOWS / name).read_text())


@pytest.mark.parametrize("name", ["ci.yml", "e2e.yml"])
def test_every_action_is_pinned_by_commit_with_a_node24_version(name):
    lines = [line for line in (WORKFLOWS / name).read_text().splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        match = PINNED.match(line)
        assert match, f"not pinned by a full commit SHA with a version comment: {line.strip()}"
        assert int(match["major"]) >= NODE24_MAJOR[match["action"]], line.strip()


def test_the_e2e_job_runs_make_e2e_on_kind_and_keeps_the_report_on_failure():
    job = _workflow("e2e.yml")["jobs"]["e2e"]
    steps = job["steps"]
    runs = [step.get("run", "") for step in steps]

    assert job["env"]["E2E_REQUIRE_CLUSTER"] == "1"  # a missing cluster fails, never skips
    assert any("scripts/e2e/kind-up.sh" in run for run in runs)
    assert runs.index("make e2e") > next(i for i, run in enumerate(runs) if "kind-up.sh" in run)
    upload = steps[-1]
    assert upload["if"] == "failure()"
    assert upload["with"]["path"] == "test-artifacts/e2e/"


def test_the_mongodb_job_runs_the_fast_suite_on_mongo_7_and_8():
    job = _workflow("ci.yml")["jobs"]["mongodb"]

    assert job["strategy"]["matrix"]["mongo"] == ["7.0", "8.0"]
    assert job["services"]["mongo"]["image"] == "mongo:${{ matrix.mongo }}"
    assert "TASKAPP_TEST_DB" not in job.get("env", {})
    assert "make test-mongo-real" in [step.get("run") for step in job["steps"]]


def test_the_make_test_job_still_runs_make_test():
    steps = _workflow("ci.yml")["jobs"]["test"]["steps"]
    assert any("make test " in step.get("run", "") for step in steps)
