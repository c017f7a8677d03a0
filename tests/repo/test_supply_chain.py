"""bandit in `make lint`, pip-audit in GitHub Actions (issue 10, supply chain)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BANDIT = [sys.executable, "-m", "bandit", "-q", "-c", str(ROOT / "pyproject.toml")]


def test_make_lint_runs_bandit_on_the_shipped_code():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"bandit .*-r config api ui taskapp manage\.py", recipe)
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("bandit") for dep in extra["optional-dependencies"]["test"])
    assert "\nbandit==" in (ROOT / "requirements" / "test.txt").read_text()


def test_bandit_fails_on_a_finding(tmp_path):
    (tmp_path / "bad.py").write_text("import subprocess\nsubprocess.call('ls ' + x, shell=True)\n")
    result = subprocess.run([*BANDIT, "-r", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "B602" in result.stdout


def test_pip_audit_runs_on_lock_changes_and_weekly():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "infra.yml").read_text())
    on = workflow.get("on", workflow.get(True))
    assert {"requirements/**", "pyproject.toml"} <= set(on["pull_request"]["paths"])
    assert on["schedule"][0]["cron"]
    steps = " ".join(str(step.get("run", "")) for step in workflow["jobs"]["pip-audit"]["steps"])
    assert "-r requirements/runtime.txt -r requirements/test.txt" in steps
