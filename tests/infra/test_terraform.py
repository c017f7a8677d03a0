"""The Terraform configuration of the Hetzner VM, checked offline (no provider download)."""

import ipaddress
import re

import pytest
import yaml

from .conftest import TERRAFORM_DIR, blocks, blocks_list, resources

pytestmark = pytest.mark.deploy

EVERYWHERE = {"0.0.0.0/0", "::/0"}


def locals_(terraform):
    merged = {}
    for block in blocks_list(terraform, "locals"):
        merged.update(block)
    return merged


def resolve(value, terraform):
    """A firewall source list: a literal list, or ${local.x} / ${var.x} by name."""
    if isinstance(value, list):
        return value
    match = re.fullmatch(r"\$\{(local|var)\.(\w+)\}", value)
    assert match, f"cannot resolve {value!r}"
    scope, name = match.groups()
    return locals_(terraform)[name] if scope == "local" else f"var.{name}"


def test_it_uses_the_standard_file_layout(terraform):
    assert {"terraform.tf", "providers.tf", "main.tf", "variables.tf", "outputs.tf"} <= set(
        terraform
    )


def test_it_pins_the_hcloud_provider(terraform):
    settings = terraform["terraform.tf"]["terraform"][0]
    providers = settings["required_providers"][0]
    assert providers["hcloud"]["source"] == "hetznercloud/hcloud"
    assert providers["hcloud"]["version"].startswith("~> ")
    assert settings["required_version"].startswith(">= 1.5")


def test_it_types_and_describes_every_variable(terraform):
    variables = blocks(terraform, "variable")
    assert variables
    for name, body in variables.items():
        assert body.get("type"), f"variable {name} has no type"
        assert len(body.get("description", "")) > 20, f"variable {name} has no real description"


def test_it_keeps_the_token_sensitive_and_without_default(terraform):
    token = blocks(terraform, "variable")["hcloud_token"]
    assert token["sensitive"] is True
    assert "default" not in token


@pytest.mark.parametrize(
    "name", ["hcloud_token", "server_type", "location", "ssh_public_key_file", "ssh_allowed_cidrs"]
)
def test_it_validates_the_variables_that_are_easy_to_get_wrong(terraform, name):
    validation = blocks(terraform, "variable")[name].get("validation")
    assert validation and validation[0]["condition"] and validation[0]["error_message"]


def test_it_defaults_to_ubuntu_2404_in_nuremberg(terraform):
    variables = blocks(terraform, "variable")
    assert variables["image"]["default"] == "ubuntu-24.04"
    assert variables["location"]["default"] == "nbg1"
    assert re.fullmatch(r"cx\d\d", variables["server_type"]["default"])


def test_it_leaves_ssh_allow_list_without_a_default(terraform):
    # An "open to the world" default would be the easy mistake: make people choose.
    assert "default" not in blocks(terraform, "variable")["ssh_allowed_cidrs"]


def test_it_opens_http_and_https_to_everyone_and_ssh_only_to_the_allow_list(terraform):
    (firewall,) = resources(terraform, "hcloud_firewall").values()
    rules = {
        (rule["protocol"], rule.get("port")): resolve(rule["source_ips"], terraform)
        for rule in firewall["rule"]
    }
    assert rules[("tcp", "22")] == "var.ssh_allowed_cidrs"
    for port in ("80", "443"):
        assert set(rules[("tcp", port)]) == EVERYWHERE
    for sources in rules.values():
        if isinstance(sources, list):
            for cidr in sources:
                ipaddress.ip_network(cidr)
    assert all(rule["direction"] == "in" for rule in firewall["rule"])


def test_it_attaches_firewall_and_key_to_the_server(terraform):
    (server,) = resources(terraform, "hcloud_server").values()
    assert server["firewall_ids"] == ["${hcloud_firewall.web.id}"]
    assert server["ssh_keys"] == ["${hcloud_ssh_key.admin.id}"]
    assert server["image"] == "${var.image}"
    (key,) = resources(terraform, "hcloud_ssh_key").values()
    assert "var.ssh_public_key_file" in key["public_key"]


def test_it_makes_the_volume_optional(terraform):
    (volume,) = resources(terraform, "hcloud_volume").values()
    assert volume["count"] == "${var.volume_size > 0 ? 1 : 0}"
    (attachment,) = resources(terraform, "hcloud_volume_attachment").values()
    assert attachment["automount"] is False  # Ansible mounts it where Docker keeps its data


def test_it_generates_the_ansible_inventory(terraform):
    inventory = resources(terraform, "local_file")["inventory"]
    assert inventory["filename"].endswith("/../ansible/inventory/hosts.yml")
    assert "templatefile(" in inventory["content"]
    assert "hcloud_server.node.ipv4_address" in inventory["content"]
    outputs = blocks(terraform, "output")
    assert "local_file.inventory.filename" in outputs["inventory_file"]["value"]
    assert {"server_ipv4", "server_ipv6", "ssh_command"} <= set(outputs)
    for name, body in outputs.items():
        assert body.get("description"), f"output {name} has no description"


def render_inventory(**values) -> dict:
    """The inventory template as Terraform's templatefile() would fill it."""
    text = (TERRAFORM_DIR / "inventory.yml.tftpl").read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    assert "${" not in text, "the template uses a variable main.tf does not pass"
    return yaml.safe_load(text)


def test_it_passes_every_template_variable(terraform):
    content = resources(terraform, "local_file")["inventory"]["content"]
    passed = set(re.findall(r"(\w+)\s*=", content.split("tftpl", 1)[1]))
    used = set(re.findall(r"\$\{(\w+)\}", (TERRAFORM_DIR / "inventory.yml.tftpl").read_text()))
    assert used == passed


def test_it_puts_the_server_in_the_group_the_playbook_targets():
    inventory = render_inventory(
        name="taskapp",
        ipv4="203.0.113.10",
        private_key_file="/home/me/.ssh/id_ed25519",
        volume_device="/dev/disk/by-id/scsi-0HC_Volume_1",
    )
    host = inventory["all"]["children"]["taskapp"]["hosts"]["taskapp"]
    assert host["ansible_host"] == "203.0.113.10"
    assert host["ansible_user"] == "root"
    assert host["base_volume_device"] == "/dev/disk/by-id/scsi-0HC_Volume_1"


def test_it_documents_every_variable_in_the_example_tfvars(terraform):
    example = (TERRAFORM_DIR / "terraform.tfvars.example").read_text()
    named = set(re.findall(r"^#?\s*(\w+)\s*=", example, flags=re.M))
    variables = set(blocks(terraform, "variable"))
    assert named <= variables
    assert variables - named == {"hcloud_token"}
    assert not re.search(r"^\s*hcloud_token\s*=", example, flags=re.M)
