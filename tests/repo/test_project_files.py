"""Checks of the repository's own glue: the CI entry point and the workflow."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_it_runs_make_test_in_ci():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script.splitlines()[-1]


def test_it_runs_the_suite_against_a_real_mongo_service_in_github_actions():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    mongo_job = workflow["jobs"]["mongodb"]
    assert mongo_job["services"]["mongo"]["image"].startswith("mongo:")
    assert mongo_job["env"]["MONGODB_URI"].startswith("mongodb://127.0.0.1:27017/")
    steps = " ".join(step.get("run", "") for step in mongo_job["steps"])
    assert "make test-mongo-real" in steps and "makemigrations --check" in steps


def test_it_names_the_two_commands_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
