"""`make deploy-cloud`, `destroy-cloud` and `cloud-status`: prerequisites, cost, order of steps.

Terraform and ansible-playbook are replaced by scripts that record how they were
called; `terraform show -json` answers with the plan or state a test hands it.
Nothing leaves the machine.
"""

import json
import os
import subprocess

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.deploy

TOKEN = "t" * 64
RECORDER = """#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
with open(os.environ["RECORD"], "a") as f:
    f.write(json.dumps({"tool": "%s", "cwd": os.getcwd(), "args": args,
        "env": {k: v for k, v in os.environ.items() if k.startswith("TF_VAR_")}}) + "\\n")
if "show" in args and "-json" in args:
    source = os.environ["FAKE_PLAN"] if "tfplan" in args else os.environ["FAKE_STATE"]
    sys.stdout.write(open(source).read())
"""


def server_values(server_type="cx33", location="nbg1"):
    return {
        "server_type": server_type,
        "location": location,
        "public_net": [{"ipv4_enabled": True}],
    }


def plan(server_type="cx33", location="nbg1", volume=20):
    changes = [
        ("hcloud_server.node", "hcloud_server", server_values(server_type, location)),
        ("hcloud_firewall.web", "hcloud_firewall", {}),
        ("local_file.inventory", "local_file", {}),
    ]
    if volume:
        changes.append(("hcloud_volume.data[0]", "hcloud_volume", {"size": volume}))
    return {
        "resource_changes": [
            {"address": address, "mode": "managed", "type": kind,
             "change": {"actions": ["create"], "after": values}}
            for address, kind, values in changes
        ]
    }  # fmt: skip


def state(volume=True):
    resources = [
        {"address": "hcloud_server.node", "mode": "managed", "type": "hcloud_server",
         "values": server_values()},
        {"address": "hcloud_network.private", "mode": "managed", "type": "hcloud_network",
         "values": {}},
    ]  # fmt: skip
    if volume:
        resources.append(
            {"address": "hcloud_volume.data[0]", "mode": "managed", "type": "hcloud_volume",
             "values": {"size": 20}}
        )  # fmt: skip
    return {"values": {"root_module": {"resources": resources}}}


@pytest.fixture
def fakes(tmp_path):
    """Recording stand-ins for terraform and ansible-playbook, an SSH key, a plan and a state."""
    for tool in ("terraform", "ansible-playbook"):
        path = tmp_path / tool
        path.write_text(RECORDER % tool)
        path.chmod(0o755)
    (tmp_path / "id_ed25519.pub").write_text("ssh-ed25519 AAAAC3Nza test\n")
    (tmp_path / "plan.json").write_text(json.dumps(plan()))
    (tmp_path / "state.json").write_text(json.dumps(state()))
    return tmp_path


def make(target, fakes, env=None, stdin="", **variables):
    environment = {
        **os.environ,
        "RECORD": str(fakes / "calls.jsonl"),
        "HCLOUD_TOKEN": TOKEN,
        "FAKE_PLAN": str(fakes / "plan.json"),
        "FAKE_STATE": str(fakes / "state.json"),
    }
    environment.pop("MAKEFLAGS", None)
    environment.update(env or {})
    settings = {
        "TERRAFORM": str(fakes / "terraform"),
        "ANSIBLE_PLAYBOOK": str(fakes / "ansible-playbook"),
        "SSH_PUBLIC_KEY": str(fakes / "id_ed25519.pub"),
        "SSH_ALLOWED_CIDRS": "203.0.113.7/32,198.51.100.0/24",
        "YES": "1",
        **variables,
    }
    given = {k: v for k, v in settings.items() if v is not None}  # None: not on the command line
    args = ["make", "--no-print-directory", target, *(f"{k}={v}" for k, v in given.items())]
    return subprocess.run(
        args, cwd=ROOT, env=environment, input=stdin, capture_output=True, text=True
    )


def recorded(fakes):
    path = fakes / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def terraform_steps(fakes):
    return [c["args"][1] for c in recorded(fakes) if c["tool"] == "terraform"]


@pytest.fixture(autouse=True)
def no_leftovers():
    """The targets write plan, state and ledger files beside the configuration."""
    yield
    for cloud in ("hetzner", "openstack"):
        for name in ("tfplan.json", "state.json", "cost-ledger.json"):
            (ROOT / "infra/terraform" / cloud / name).unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"TERRAFORM": "/nonexistent/terraform"}, "error: terraform is not on PATH"),
        ({"env": {"HCLOUD_TOKEN": ""}}, "error: HCLOUD_TOKEN is not set"),
        ({"SSH_PUBLIC_KEY": "/nonexistent/key.pub"}, "error: SSH public key /nonexistent/key.pub"),
        ({"SSH_ALLOWED_CIDRS": ""}, "error: say who may reach SSH"),
        ({"CLOUD": "aws"}, "error: CLOUD=aws is not supported"),
        ({"CLOUD": "openstack", "env": {"OS_CLOUD": "", "OS_AUTH_URL": ""}},
         "error: no OpenStack credentials"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("target", ["deploy-cloud", "destroy-cloud"])
def test_it_stops_on_a_missing_prerequisite_with_one_clear_line(fakes, target, override, message):
    settings = dict(override)  # the parameter is shared by both targets
    env = settings.pop("env", None)
    result = make(target, fakes, env=env, **settings)
    assert result.returncode != 0
    assert message in result.stdout
    assert recorded(fakes) == []  # nothing was created


def test_it_prices_the_plan_then_applies_it_then_runs_the_playbook(fakes):
    result = make(
        "deploy-cloud",
        fakes,
        TASKAPP_UI_HOST="tasks.example.com",
        TASKAPP_ACME_EMAIL="ops@example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    calls = recorded(fakes)
    steps = [(c["tool"], c["args"][1] if c["tool"] == "terraform" else "playbook") for c in calls]
    assert steps[:6] == [
        ("terraform", "init"),
        ("terraform", "plan"),
        ("terraform", "show"),
        ("terraform", "apply"),
        ("terraform", "show"),
        ("ansible-playbook", "playbook"),
    ]
    # The cost is printed before anything is created, and exactly that plan is applied.
    assert "hcloud_server.node" in result.stdout and "cx33 in nbg1" in result.stdout
    assert "New cost: 9.76 EUR/month" in result.stdout
    assert "as of 2026-12-02" in result.stdout
    assert result.stdout.index("New cost") < result.stdout.index("Deployed.")
    apply = calls[3]
    assert apply["args"] == ["-chdir=infra/terraform/hetzner", "apply", "-input=false", "tfplan"]
    assert apply["env"]["TF_VAR_hcloud_token"] == TOKEN
    assert json.loads(apply["env"]["TF_VAR_ssh_allowed_cidrs"]) == [
        "203.0.113.7/32",
        "198.51.100.0/24",
    ]
    assert apply["env"]["TF_VAR_ssh_public_key_file"] == str(fakes / "id_ed25519.pub")
    playbook = calls[5]
    assert playbook["cwd"] == str(ROOT / "infra/ansible")
    assert playbook["args"][:3] == ["-i", "inventory/hosts.yml", "site.yml"]
    assert "taskapp_ui_host=tasks.example.com" in playbook["args"]
    assert "taskapp_acme_email=ops@example.com" in playbook["args"]
    # The token is handed over in the environment only, never printed.
    assert TOKEN not in result.stdout + result.stderr
    assert all(TOKEN not in arg for c in calls for arg in c["args"])
    assert not (ROOT / "infra/terraform/hetzner/tfplan.json").exists()
    # The ledger remembers when the billed resources appeared, for cloud-status.
    ledger = json.loads((ROOT / "infra/terraform/hetzner/cost-ledger.json").read_text())
    assert set(ledger) == {"hcloud_server.node", "hcloud_volume.data[0]"}


def test_it_creates_nothing_when_the_answer_is_no(fakes):
    result = make("deploy-cloud", fakes, YES="", stdin="n\n")
    assert result.returncode != 0
    assert "Create these and start paying? [y/N]" in result.stdout
    assert "Nothing was created." in result.stdout
    assert terraform_steps(fakes) == ["init", "plan", "show"]
    # The saved plan holds the token: not left behind.
    assert not (ROOT / "infra/terraform/hetzner/tfplan.json").exists()
    assert not [c for c in recorded(fakes) if c["tool"] == "ansible-playbook"]


def test_it_applies_after_a_yes(fakes):
    result = make("deploy-cloud", fakes, YES="", stdin="yes\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "apply" in terraform_steps(fakes)


def test_the_old_auto_approve_still_means_yes(fakes):
    result = make("deploy-cloud", fakes, YES=None, AUTO_APPROVE="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "yes (YES=1)" in result.stdout


def test_an_unknown_server_type_stops_before_apply_with_one_line(fakes):
    (fakes / "plan.json").write_text(json.dumps(plan(server_type="cx99")))
    result = make("deploy-cloud", fakes)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "unknown Hetzner server type 'cx99'" in errors[0]
    assert "Traceback" not in result.stderr
    assert "apply" not in terraform_steps(fakes)


def test_it_creates_dns_records_for_both_hosts_when_given_a_zone(fakes):
    result = make(
        "deploy-cloud", fakes, DNS_ZONE="example.com",
        TASKAPP_UI_HOST="tasks.example.com", TASKAPP_API_HOST="api.tasks.example.com",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    env = recorded(fakes)[1]["env"]
    assert env["TF_VAR_dns_zone"] == "example.com"
    assert json.loads(env["TF_VAR_dns_hosts"]) == ["tasks.example.com", "api.tasks.example.com"]
    assert "DNS records in example.com point at the VM" in result.stdout


def test_it_refuses_to_delete_the_data_volume_without_delete_data(fakes):
    result = make("destroy-cloud", fakes)
    assert result.returncode != 0
    assert "hcloud_volume.data[0] holds the task data" in result.stderr
    assert "DELETE_DATA=1" in result.stderr
    assert terraform_steps(fakes) == ["init", "show"]


def test_it_lists_what_it_deletes_then_lifts_the_protection_and_destroys(fakes):
    result = make("destroy-cloud", fakes, DELETE_DATA="1")
    assert result.returncode == 0, result.stdout + result.stderr
    for address in ("hcloud_server.node", "hcloud_network.private", "hcloud_volume.data[0]"):
        assert f"- {address}" in result.stdout
    assert "Deleted with its data: hcloud_volume.data[0]" in result.stdout
    calls = [c for c in recorded(fakes) if c["tool"] == "terraform"]
    assert [c["args"][1] for c in calls] == ["init", "show", "apply", "destroy"]
    unprotect, destroy = calls[2], calls[3]
    assert "-target=hcloud_volume.data" in unprotect["args"]
    assert unprotect["env"]["TF_VAR_protect_data_volume"] == "false"
    assert destroy["env"]["TF_VAR_protect_data_volume"] == "false"


def test_it_destroys_without_a_question_about_data_when_there_is_no_volume(fakes):
    (fakes / "state.json").write_text(json.dumps(state(volume=False)))
    result = make("destroy-cloud", fakes, YES="", stdin="y\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Delete all of this? [y/N]" in result.stdout
    assert terraform_steps(fakes) == ["init", "show", "destroy"]


def test_it_keeps_everything_when_the_destroy_answer_is_no(fakes):
    (fakes / "state.json").write_text(json.dumps(state(volume=False)))
    result = make("destroy-cloud", fakes, YES="", stdin="\n")
    assert result.returncode != 0
    assert "Nothing was deleted." in result.stdout
    assert "destroy" not in terraform_steps(fakes)


def test_cloud_status_shows_what_runs_and_its_cost_so_far(fakes):
    ledger = ROOT / "infra/terraform/hetzner/cost-ledger.json"
    ledger.write_text(json.dumps({"hcloud_server.node": "2026-12-01T00:00:00+00:00"}))
    result = make("cloud-status", fakes, env={"HCLOUD_TOKEN": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Running on hetzner" in result.stdout
    assert "* hcloud_server.node" in result.stdout
    assert "since: unknown" in result.stdout  # the volume is not in the ledger
    assert "EUR/month" in result.stdout and "so far" in result.stdout


def test_openstack_uses_its_own_directory_and_clouds_yaml(fakes, tmp_path):
    prices = json.loads((ROOT / "infra/prices.json").read_text())
    prices["openstack"]["flavors"] = {"m1.large": {"hourly": 0.05}}
    (tmp_path / "prices.json").write_text(json.dumps(prices))
    (fakes / "plan.json").write_text(json.dumps({"resource_changes": [
        {"address": "openstack_compute_instance_v2.node", "mode": "managed",
         "type": "openstack_compute_instance_v2",
         "change": {"actions": ["create"], "after": {"flavor_name": "m1.large"}}},
    ]}))  # fmt: skip
    result = make(
        "deploy-cloud", fakes, CLOUD="openstack", INFRA_PRICES=str(tmp_path / "prices.json"),
        env={"HCLOUD_TOKEN": "", "OS_CLOUD": "mycloud"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    apply = [c for c in recorded(fakes) if c["tool"] == "terraform"][3]
    assert apply["args"][0] == "-chdir=infra/terraform/openstack"
    assert apply["env"]["TF_VAR_cloud"] == "mycloud"
    assert "TF_VAR_hcloud_token" not in apply["env"]
    assert "flavor m1.large" in result.stdout and "36.50 /month" in result.stdout


def test_openstack_refuses_an_unpriced_flavor_with_one_line(fakes):
    (fakes / "plan.json").write_text(json.dumps({"resource_changes": [
        {"address": "openstack_compute_instance_v2.node", "mode": "managed",
         "type": "openstack_compute_instance_v2",
         "change": {"actions": ["create"], "after": {"flavor_name": "m1.large"}}},
    ]}))  # fmt: skip
    result = make("deploy-cloud", fakes, CLOUD="openstack", env={"OS_CLOUD": "mycloud"})
    assert result.returncode != 0
    assert "error: unknown OpenStack flavor 'm1.large'" in result.stderr
    assert "apply" not in terraform_steps(fakes)
