"""Helpers for the offline checks of infra/ and the Tiltfile (`make test-infra`).

The checkers live in their own venv ($INFRA_TOOLS, `make infra-tools`): the
Terraform files are parsed and the Tiltfile is evaluated by small scripts run
with that venv's Python (infra/tools/), which print JSON for the tests here.
Helm comes from `make deploy-tools` ($DEPLOY_TOOLS).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = ROOT / "infra" / "terraform"
ANSIBLE_DIR = ROOT / "infra" / "ansible"
CACHE = Path(os.environ.get("CACHE_DIR", Path.home() / ".cache" / "taskapp"))
INFRA_TOOLS = Path(os.environ.get("INFRA_TOOLS", CACHE / "infra-tools"))
DEPLOY_TOOLS = Path(os.environ.get("DEPLOY_TOOLS", CACHE / "deploy-tools"))


def infra_tool(name: str) -> str:
    path = INFRA_TOOLS / "bin" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make infra-tools`")
    return str(path)


def helm_binary() -> str:
    path = DEPLOY_TOOLS / "bin" / "helm"
    found = str(path) if path.exists() else shutil.which("helm")
    if not found:
        pytest.fail("helm is missing: run `make deploy-tools`")
    return found


def tools_env() -> dict[str, str]:
    """The environment for the tools: their venv first on PATH (ansible-lint wants it)."""
    env = dict(os.environ)
    env["PATH"] = f"{INFRA_TOOLS / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_CONFIG"] = str(ANSIBLE_DIR / "ansible.cfg")
    env.pop("ANSIBLE_INVENTORY", None)
    return env


def run_tool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=tools_env(), capture_output=True, text=True)


def run_json(*args: str) -> dict:
    result = run_tool(*args)
    assert result.returncode == 0, result.stderr or result.stdout
    return json.loads(result.stdout)


def parse_terraform(cloud: str) -> dict:
    """Every .tf file of infra/terraform/<cloud>, parsed: {"main.tf": {"resource": [...]}, ...}."""
    directory = TERRAFORM_DIR / cloud
    return run_json(infra_tool("python"), str(ROOT / "infra/tools/tf_parse.py"), str(directory))


@pytest.fixture(scope="session")
def terraform() -> dict:
    """The Hetzner configuration, parsed."""
    return parse_terraform("hetzner")


@pytest.fixture(scope="session")
def openstack() -> dict:
    """The OpenStack configuration, parsed."""
    return parse_terraform("openstack")


def blocks(terraform: dict, kind: str) -> dict:
    """All blocks of one kind over all files, by label: variable -> {name: body}."""
    found = {}
    for parsed in terraform.values():
        for block in parsed.get(kind, []):
            found.update(block)
    return found


def resources(terraform: dict, resource_type: str) -> dict:
    found = {}
    for block in blocks_list(terraform, "resource"):
        found.update(block.get(resource_type, {}))
    return found


def blocks_list(terraform: dict, kind: str) -> list:
    return [block for parsed in terraform.values() for block in parsed.get(kind, [])]


@pytest.fixture(scope="session")
def tilt_calls() -> list[dict]:
    """What the Tiltfile asks Tilt to do, evaluated with recording stand-ins."""
    calls = run_json(
        infra_tool("python"), str(ROOT / "infra/tools/tilt_eval.py"), "Tiltfile", helm_binary()
    )
    return calls["calls"]


def calls_of(calls: list[dict], fn: str) -> list[dict]:
    return [call for call in calls if call["fn"] == fn]
