"""infra/tools/cost.py: the price of a plan, of what runs, and of what a destroy removes."""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.deploy

COST = ROOT / "infra/tools/cost.py"
PRICES = json.loads((ROOT / "infra/prices.json").read_text())
HOURS = PRICES["hours_per_month"]


def cost(tmp_path, command, document, *args, stdin=""):
    path = tmp_path / "terraform.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    result = subprocess.run(
        [sys.executable, str(COST), command, str(path),
         "--ledger", str(tmp_path / "ledger.json"), *args],
        capture_output=True, text=True, input=stdin, cwd=ROOT,
    )  # fmt: skip
    return result


def change(address, kind, values, actions=("create",)):
    return {"address": address, "mode": "managed", "type": kind,
            "change": {"actions": list(actions), "after": values}}  # fmt: skip


def server(server_type="cx33", location="nbg1", ipv4=True, actions=("create",)):
    values = {"server_type": server_type, "location": location,
              "public_net": [{"ipv4_enabled": ipv4, "ipv6_enabled": True}]}  # fmt: skip
    return change("hcloud_server.node", "hcloud_server", values, actions)


def volume(size=20, actions=("create",)):
    return change("hcloud_volume.data[0]", "hcloud_volume", {"size": size}, actions)


def resource(address, kind, values):
    return {"address": address, "mode": "managed", "type": kind, "values": values}


def state(*resources):
    return {"values": {"root_module": {"resources": list(resources)}}}


def monthly(amount):
    return f"{amount:.2f}"


def test_it_prices_server_ipv4_and_volume_from_the_table(tmp_path):
    result = cost(tmp_path, "plan", {"resource_changes": [server(), volume(40)]}, "--yes")
    assert result.returncode == 0, result.stderr
    hetzner = PRICES["hetzner"]
    server_month = hetzner["server_types"]["cx33"]["hourly"] * HOURS
    ipv4_month = hetzner["primary_ipv4"]["hourly"] * HOURS
    volume_month = 40 * hetzner["volume_gb"]["monthly"]
    assert f"{monthly(server_month)} /month" in result.stdout
    assert f"{monthly(ipv4_month)} /month" in result.stdout
    assert f"{monthly(volume_month)} /month" in result.stdout
    total = server_month + ipv4_month + volume_month
    assert f"New cost: {monthly(total)} EUR/month" in result.stdout
    assert f"as of {PRICES['as_of']}" in result.stdout


def test_an_ipv6_only_server_pays_no_ipv4(tmp_path):
    result = cost(tmp_path, "plan", {"resource_changes": [server(ipv4=False)]}, "--yes")
    assert "primary IPv4" not in result.stdout


def test_it_asks_and_a_no_creates_nothing(tmp_path):
    result = cost(tmp_path, "plan", {"resource_changes": [server()]}, stdin="no\n")
    assert result.returncode == 1
    assert "Create these and start paying? [y/N]" in result.stdout
    # No answer at all (no terminal) is a no too.
    assert cost(tmp_path, "plan", {"resource_changes": [server()]}).returncode == 1
    assert cost(tmp_path, "plan", {"resource_changes": [server()]}, stdin="y\n").returncode == 0


def test_it_does_not_ask_when_nothing_billed_is_created(tmp_path):
    plan = {"resource_changes": [
        server(actions=("no-op",)),
        change("hcloud_firewall.web", "hcloud_firewall", {}, ("update",)),
        change("local_file.inventory", "local_file", {}),
    ]}  # fmt: skip
    result = cost(tmp_path, "plan", plan)
    assert result.returncode == 0, result.stderr
    assert "[y/N]" not in result.stdout
    assert "free" in result.stdout
    only_updates = {"resource_changes": [server(actions=("update",))]}
    result = cost(tmp_path, "plan", only_updates)
    assert result.returncode == 0
    assert "Nothing new to create" in result.stdout


def test_a_replaced_server_counts_as_created(tmp_path):
    result = cost(tmp_path, "plan", {"resource_changes": [server(actions=("delete", "create"))]})
    assert result.returncode == 1  # asked, no answer
    assert "+ hcloud_server.node" in result.stdout


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"resource_changes": [server("cx99")]}, "error: unknown Hetzner server type 'cx99'"),
        ({"resource_changes": [server("cx33", "ash")]},
         "error: server type cx33 is not offered in ash"),
        ({"resource_changes": [change("hcloud_load_balancer.lb", "hcloud_load_balancer", {})]},
         "error: no price for resource type hcloud_load_balancer"),
        ("{not json", "error: plan "),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_line(tmp_path, plan, message):
    result = cost(tmp_path, "plan", plan, "--yes")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_record_keeps_the_first_time_and_forgets_deleted_resources(tmp_path):
    running = state(
        resource("hcloud_server.node", "hcloud_server", server()["change"]["after"]),
        resource("hcloud_network.private", "hcloud_network", {}),
    )
    first = "2026-12-01T10:00:00+00:00"
    assert cost(tmp_path, "record", running, "--now", first).returncode == 0
    ledger = json.loads((tmp_path / "ledger.json").read_text())
    assert ledger == {"hcloud_server.node": first}  # free resources are not tracked
    cost(tmp_path, "record", running, "--now", "2026-12-02T10:00:00+00:00")
    assert json.loads((tmp_path / "ledger.json").read_text())["hcloud_server.node"] == first
    cost(tmp_path, "record", state(), "--now", "2026-12-03T10:00:00+00:00")
    assert json.loads((tmp_path / "ledger.json").read_text()) == {}


def test_status_adds_up_the_started_hours(tmp_path):
    running = state(resource("hcloud_server.node", "hcloud_server", server()["change"]["after"]))
    cost(tmp_path, "record", running, "--now", "2026-12-01T10:00:00+00:00")
    # 49 h and a bit: Hetzner bills every started hour, so 50.
    result = cost(tmp_path, "status", running, "--now", "2026-12-03T11:20:00+00:00")
    assert result.returncode == 0, result.stderr
    hourly = PRICES["hetzner"]["server_types"]["cx33"]["hourly"]
    ipv4 = PRICES["hetzner"]["primary_ipv4"]["hourly"]
    assert f"{50 * hourly:.2f} so far" in result.stdout
    assert f"{monthly(50 * (hourly + ipv4))} EUR so far" in result.stdout
    assert f"Cost: {monthly((hourly + ipv4) * HOURS)} EUR/month" in result.stdout


def test_status_of_an_empty_state_says_nothing_runs(tmp_path):
    result = cost(tmp_path, "status", {"format_version": "1.0"})
    assert result.returncode == 0
    assert "Nothing is running" in result.stdout


def test_destroy_protects_the_data_volume_unless_told(tmp_path):
    running = state(
        resource("hcloud_server.node", "hcloud_server", server()["change"]["after"]),
        resource("hcloud_volume.data[0]", "hcloud_volume", {"size": 20}),
    )
    refused = cost(tmp_path, "destroy", running, "--yes")
    assert refused.returncode == 2
    assert "hcloud_volume.data[0] holds the task data" in refused.stderr
    allowed = cost(tmp_path, "destroy", running, "--yes", "--delete-data")
    assert allowed.returncode == 0, allowed.stderr
    assert "- hcloud_server.node" in allowed.stdout and "- hcloud_volume.data[0]" in allowed.stdout
    assert "Stops" in allowed.stdout


def test_openstack_flavors_and_floating_ips_come_from_their_own_section(tmp_path):
    prices = json.loads(json.dumps(PRICES))
    prices["openstack"]["flavors"] = {"m1.large": {"hourly": 0.1}}
    prices["openstack"]["floating_ip"] = {"hourly": 0.01}
    (tmp_path / "prices.json").write_text(json.dumps(prices))
    plan = {"resource_changes": [
        change("openstack_compute_instance_v2.node", "openstack_compute_instance_v2",
               {"flavor_name": "m1.large"}),
        change("openstack_networking_floatingip_v2.node", "openstack_networking_floatingip_v2", {}),
        change("openstack_networking_secgroup_v2.web", "openstack_networking_secgroup_v2", {}),
    ]}  # fmt: skip
    result = cost(tmp_path, "plan", plan, "--yes", "--prices", str(tmp_path / "prices.json"))
    assert result.returncode == 0, result.stderr
    assert "Terraform will create on openstack" in result.stdout
    assert f"New cost: {monthly(0.11 * HOURS)} EUR/month" in result.stdout
