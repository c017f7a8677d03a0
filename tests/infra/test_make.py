"""`make deploy-cloud` and `make destroy-cloud`: prerequisites and the order of steps.

Terraform and ansible-playbook are replaced by scripts that record how they were
called; nothing leaves the machine.
"""

import json
import os
import subprocess

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.deploy

TOKEN = "t" * 64
RECORDER = """#!/bin/sh
python3 - "$@" <<'PY'
import json, os, sys
with open(os.environ["RECORD"], "a") as f:
    f.write(json.dumps({"tool": "%s",
        "cwd": os.getcwd(), "args": sys.argv[1:],
        "env": {k: v for k, v in os.environ.items() if k.startswith("TF_VAR_")}}) + "\\n")
PY
"""


@pytest.fixture
def fakes(tmp_path):
    """Recording stand-ins for terraform and ansible-playbook, and an SSH key."""
    for tool in ("terraform", "ansible-playbook"):
        path = tmp_path / tool
        path.write_text(RECORDER % tool)
        path.chmod(0o755)
    key = tmp_path / "id_ed25519.pub"
    key.write_text("ssh-ed25519 AAAAC3Nza test\n")
    return tmp_path


def make(target, fakes, env=None, **variables):
    environment = {**os.environ, "RECORD": str(fakes / "calls.jsonl"), "HCLOUD_TOKEN": TOKEN}
    environment.pop("MAKEFLAGS", None)
    environment.update(env or {})
    settings = {
        "TERRAFORM": str(fakes / "terraform"),
        "ANSIBLE_PLAYBOOK": str(fakes / "ansible-playbook"),
        "SSH_PUBLIC_KEY": str(fakes / "id_ed25519.pub"),
        "SSH_ALLOWED_CIDRS": "203.0.113.7/32,198.51.100.0/24",
        "AUTO_APPROVE": "1",
        **variables,
    }
    args = ["make", "--no-print-directory", target, *(f"{k}={v}" for k, v in settings.items())]
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True)


def recorded(fakes):
    path = fakes / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"TERRAFORM": "/nonexistent/terraform"}, "error: terraform is not on PATH"),
        ({"env": {"HCLOUD_TOKEN": ""}}, "error: HCLOUD_TOKEN is not set"),
        ({"SSH_PUBLIC_KEY": "/nonexistent/key.pub"}, "error: SSH public key /nonexistent/key.pub"),
        ({"SSH_ALLOWED_CIDRS": ""}, "error: say who may reach SSH"),
    ],
)
@pytest.mark.parametrize("target", ["deploy-cloud", "destroy-cloud"])
def test_it_stops_on_a_missing_prerequisite_with_one_clear_line(fakes, target, override, message):
    settings = dict(override)  # the parameter is shared by both targets
    env = settings.pop("env", None)
    result = make(target, fakes, env=env, **settings)
    assert result.returncode != 0
    assert message in result.stdout
    assert recorded(fakes) == []  # nothing was created


def test_it_applies_terraform_then_runs_the_playbook_on_the_generated_inventory(fakes):
    result = make(
        "deploy-cloud",
        fakes,
        TASKAPP_UI_HOST="tasks.example.com",
        TASKAPP_ACME_EMAIL="ops@example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    calls = recorded(fakes)
    steps = [(c["tool"], c["args"][1] if c["tool"] == "terraform" else "playbook") for c in calls]
    assert steps[:3] == [
        ("terraform", "init"),
        ("terraform", "apply"),
        ("ansible-playbook", "playbook"),
    ]
    apply = calls[1]
    assert apply["args"][0] == "-chdir=infra/terraform"
    assert "-auto-approve" in apply["args"]
    assert apply["env"]["TF_VAR_hcloud_token"] == TOKEN
    assert json.loads(apply["env"]["TF_VAR_ssh_allowed_cidrs"]) == [
        "203.0.113.7/32",
        "198.51.100.0/24",
    ]
    assert apply["env"]["TF_VAR_ssh_public_key_file"] == str(fakes / "id_ed25519.pub")
    playbook = calls[2]
    assert playbook["cwd"] == str(ROOT / "infra/ansible")
    assert playbook["args"][:3] == ["-i", "inventory/hosts.yml", "site.yml"]
    assert "taskapp_ui_host=tasks.example.com" in playbook["args"]
    assert "taskapp_acme_email=ops@example.com" in playbook["args"]
    # The token is handed over in the environment only, never printed.
    assert TOKEN not in result.stdout + result.stderr
    assert all(TOKEN not in arg for c in calls for arg in c["args"])


def test_it_asks_before_applying_unless_told_otherwise(fakes):
    make("deploy-cloud", fakes, AUTO_APPROVE="")
    apply = recorded(fakes)[1]
    assert apply["args"] == ["-chdir=infra/terraform", "apply"]


def test_it_destroys_with_terraform(fakes):
    result = make("destroy-cloud", fakes)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = recorded(fakes)
    assert [c["args"][1] for c in calls] == ["init", "destroy"]
    assert "-auto-approve" in calls[1]["args"]
    assert all(c["tool"] == "terraform" for c in calls)
