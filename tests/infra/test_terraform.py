"""The Terraform configurations of the VM (Hetzner and OpenStack), checked offline.

No provider is downloaded: the .tf files are parsed with python-hcl2 and their
structure checked; the shared inventory template is filled in as templatefile()
would; the lock files and the price table are read as data.
"""

import ipaddress
import json
import re

import pytest
import yaml

from .conftest import ROOT, TERRAFORM_DIR, blocks, blocks_list, parse_terraform, resources

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


def test_it_pins_the_hcloud_provider_at_158_or_later(terraform):
    settings = terraform["terraform.tf"]["terraform"][0]
    providers = settings["required_providers"][0]
    assert providers["hcloud"]["source"] == "hetznercloud/hcloud"
    constraint = providers["hcloud"]["version"]
    match = re.fullmatch(r"~> 1\.(\d+)", constraint)
    assert match and int(match.group(1)) >= 58, f"hcloud {constraint}: the floor is 1.58"
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


def test_it_makes_the_volume_optional_and_delete_protected(terraform):
    (volume,) = resources(terraform, "hcloud_volume").values()
    assert volume["count"] == "${var.volume_size > 0 ? 1 : 0}"
    assert volume["delete_protection"] == "${var.protect_data_volume}"
    protect = blocks(terraform, "variable")["protect_data_volume"]
    assert protect["type"] == "bool" and protect["default"] is True
    (attachment,) = resources(terraform, "hcloud_volume_attachment").values()
    assert attachment["automount"] is False  # Ansible mounts it where Docker keeps its data


def test_it_generates_the_ansible_inventory(terraform):
    inventory = resources(terraform, "local_file")["inventory"]
    assert inventory["filename"].endswith("/../../ansible/inventory/hosts.yml")
    assert 'templatefile("${path.module}/../inventory.yml.tftpl"' in inventory["content"]
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


@pytest.mark.parametrize("cloud", ["hetzner", "openstack"])
def test_both_clouds_pass_every_template_variable(cloud):
    content = resources(parse_terraform(cloud), "local_file")["inventory"]["content"]
    passed = set(re.findall(r"(\w+)\s*=", content.split("tftpl", 1)[1]))
    used = set(re.findall(r"\$\{(\w+)\}", (TERRAFORM_DIR / "inventory.yml.tftpl").read_text()))
    assert used == passed
    assert f'cloud            = "{cloud}"' in content or re.search(
        rf'cloud\s*=\s*"{cloud}"', content
    )


def test_it_puts_the_server_in_the_group_the_playbook_targets():
    inventory = render_inventory(
        name="taskapp",
        ipv4="203.0.113.10",
        private_key_file="/home/me/.ssh/id_ed25519",
        volume_device="/dev/disk/by-id/scsi-0HC_Volume_1",
        ssh_user="root",
        cloud="hetzner",
    )
    host = inventory["all"]["children"]["taskapp"]["hosts"]["taskapp"]
    assert host["ansible_host"] == "203.0.113.10"
    assert host["ansible_user"] == "root"
    assert host["base_volume_device"] == "/dev/disk/by-id/scsi-0HC_Volume_1"


@pytest.mark.parametrize(("cloud", "secret"), [("hetzner", {"hcloud_token"}), ("openstack", set())])
def test_it_documents_every_variable_in_the_example_tfvars(cloud, secret):
    example = (TERRAFORM_DIR / cloud / "terraform.tfvars.example").read_text()
    named = set(re.findall(r"^#?\s*(\w+)\s*=", example, flags=re.M))
    variables = set(blocks(parse_terraform(cloud), "variable"))
    assert named <= variables
    assert variables - named == secret
    assert not re.search(r"^\s*hcloud_token\s*=", example, flags=re.M)


# --- Server type and location, from the dated price table --------------------------


def prices():
    return json.loads((ROOT / "infra/prices.json").read_text())


def test_it_checks_that_the_location_offers_the_server_type(terraform):
    main = (TERRAFORM_DIR / "hetzner/main.tf").read_text()
    assert 'jsondecode(file("${path.module}/../../prices.json")).hetzner.server_types' in main
    (server,) = resources(terraform, "hcloud_server").values()
    (precondition,) = server["lifecycle"][0]["precondition"]
    condition = precondition["condition"]
    assert "local.catalogue[var.server_type].locations" in condition
    assert "var.location" in condition
    assert "not offered in" in precondition["error_message"]


def test_the_price_table_offers_every_type_only_in_locations_terraform_accepts(terraform):
    location = blocks(terraform, "variable")["location"]["validation"][0]["condition"]
    accepted = set(re.findall(r'"([a-z0-9]+)"', location))
    table = prices()["hetzner"]["server_types"]
    default = blocks(terraform, "variable")["server_type"]["default"]
    assert default in table
    assert blocks(terraform, "variable")["location"]["default"] in table[default]["locations"]
    for name, entry in table.items():
        assert re.fullmatch(r"(cx|cpx|cax|ccx)\d{2}", name)
        assert set(entry["locations"]) <= accepted, name
        # Cost-optimised and Arm types are offered in the EU only.
        if name.startswith(("cx", "cax")):
            assert set(entry["locations"]) <= {"nbg1", "fsn1", "hel1"}, name


def test_the_price_table_is_dated_and_sourced():
    table = prices()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", table["as_of"])
    assert table["currency"] == "EUR"
    for cloud in ("hetzner", "openstack"):
        assert table[cloud]["source"]
    assert table["hetzner"]["primary_ipv4"]["hourly"] > 0
    assert table["hetzner"]["volume_gb"]["monthly"] > 0


@pytest.mark.parametrize("cloud", ["hetzner", "openstack"])
def test_every_resource_type_is_priced_or_known_to_be_free(cloud):
    """cost.py refuses an unknown type: a new resource must be priced first."""
    priced = {
        "hcloud_server", "hcloud_volume", "openstack_compute_instance_v2",
        "openstack_blockstorage_volume_v3", "openstack_networking_floatingip_v2",
    }  # fmt: skip
    free = set(prices()[cloud]["free"])
    used = {kind for block in blocks_list(parse_terraform(cloud), "resource") for kind in block}
    assert used <= priced | free, sorted(used - priced - free)


# --- DNS ----------------------------------------------------------------------------


def test_it_creates_a_and_aaaa_records_only_when_a_zone_is_given(terraform):
    (rrset,) = resources(terraform, "hcloud_zone_rrset").values()
    assert rrset["for_each"] == "${local.dns_records}"
    assert rrset["zone"] == "${var.dns_zone}"
    assert rrset["records"] == [{"value": "${each.value.value}"}]
    dns = (TERRAFORM_DIR / "hetzner/dns.tf").read_text()
    assert 'var.dns_zone == "" ? {}' in dns
    assert "hcloud_server.node.ipv4_address" in dns and "hcloud_server.node.ipv6_address" in dns
    variables = blocks(terraform, "variable")
    assert variables["dns_zone"]["default"] == ""
    assert "endswith(host" in variables["dns_hosts"]["validation"][0]["condition"]


# --- OpenStack: the same VM -----------------------------------------------------------


def test_openstack_pins_its_provider(openstack):
    providers = openstack["terraform.tf"]["terraform"][0]["required_providers"][0]
    assert providers["openstack"]["source"] == "terraform-provider-openstack/openstack"
    assert providers["openstack"]["version"].startswith("~> 3.")


def test_openstack_opens_http_and_https_to_everyone_and_ssh_only_to_the_allow_list(openstack):
    rules = resources(openstack, "openstack_networking_secgroup_rule_v2")
    ssh = rules["ssh"]
    assert ssh["for_each"] == "${toset(var.ssh_allowed_cidrs)}"
    assert (ssh["port_range_min"], ssh["port_range_max"], ssh["protocol"]) == (22, 22, "tcp")
    assert ssh["remote_ip_prefix"] == "${each.value}"
    public = rules["public"]
    assert public["remote_ip_prefix"] == "${each.value.cidr}"
    locals_text = (TERRAFORM_DIR / "openstack/main.tf").read_text()
    ports = '"tcp-80" = ["tcp", 80], "tcp-443" = ["tcp", 443], "udp-443" = ["udp", 443]'
    assert "public_ports = { " + ports + " }" in locals_text
    assert 'everywhere = { IPv4 = "0.0.0.0/0", IPv6 = "::/0" }' in locals_text
    assert all(rule["direction"] == "ingress" for rule in rules.values())
    assert "default" not in blocks(openstack, "variable")["ssh_allowed_cidrs"]


def test_openstack_builds_the_same_vm_volume_and_network(openstack):
    (server,) = resources(openstack, "openstack_compute_instance_v2").values()
    assert server["flavor_name"] == "${var.flavor}"
    assert server["network"] == [{"port": "${openstack_networking_port_v2.node.id}"}]
    (port,) = resources(openstack, "openstack_networking_port_v2").values()
    assert port["security_group_ids"] == ["${openstack_networking_secgroup_v2.web.id}"]
    # The VM sits at 10.0.1.10, as on Hetzner.
    assert (
        port["fixed_ip"][0]["ip_address"]
        == "${cidrhost(openstack_networking_subnet_v2.nodes.cidr, 10)}"
    )
    (subnet,) = resources(openstack, "openstack_networking_subnet_v2").values()
    assert subnet["cidr"] == "${cidrsubnet(var.private_network_cidr, 8, 1)}"
    (volume,) = resources(openstack, "openstack_blockstorage_volume_v3").values()
    assert volume["count"] == "${var.volume_size > 0 ? 1 : 0}"
    (attach,) = resources(openstack, "openstack_compute_volume_attach_v2").values()
    assert attach["volume_id"] == "${openstack_blockstorage_volume_v3.data[0].id}"
    (floating,) = resources(openstack, "openstack_networking_floatingip_associate_v2").values()
    assert floating["port_id"] == "${openstack_networking_port_v2.node.id}"
    inventory = resources(openstack, "local_file")["inventory"]["content"]
    assert "openstack_networking_floatingip_v2.node.address" in inventory
    assert "/dev/disk/by-id/virtio-" in (TERRAFORM_DIR / "openstack/main.tf").read_text()


def test_both_clouds_offer_the_same_outputs_and_settings(terraform, openstack):
    assert set(blocks(terraform, "output")) - {"dns_records"} == set(blocks(openstack, "output"))
    shared = {
        "name", "ssh_public_key_file", "ssh_allowed_cidrs", "volume_size",
        "private_network_cidr", "labels", "image",
    }  # fmt: skip
    hetzner_vars, openstack_vars = blocks(terraform, "variable"), blocks(openstack, "variable")
    assert shared <= set(hetzner_vars) & set(openstack_vars)
    for name in ("volume_size", "private_network_cidr", "name"):
        assert hetzner_vars[name].get("default") == openstack_vars[name].get("default"), name


def test_the_openstack_inventory_logs_in_as_the_image_user():
    inventory = render_inventory(
        name="taskapp", ipv4="198.51.100.20", private_key_file="/k", ssh_user="ubuntu",
        volume_device="/dev/disk/by-id/virtio-0123456789abcdef0123", cloud="openstack",
    )  # fmt: skip
    host = inventory["all"]["children"]["taskapp"]["hosts"]["taskapp"]
    assert host["ansible_user"] == "ubuntu" and host["taskapp_cloud"] == "openstack"


# --- Provider lock files ------------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["hetzner", "openstack"])
def test_a_committed_lock_file_covers_every_provider_with_hashes(cloud):
    """The terraform registry is unreachable here, so `make cloud-lock` writes them
    where it is reachable; once committed, each must name every required provider."""
    lock = TERRAFORM_DIR / cloud / ".terraform.lock.hcl"
    assert ".terraform.lock.hcl" not in (ROOT / "infra/.gitignore").read_text().replace(
        "(.terraform.lock.hcl)", ""
    )
    if not lock.exists():
        # Not generated yet (no published hashes could be found offline): the way to
        # generate it must then be there and documented.
        assert "providers lock -platform=linux_amd64" in (ROOT / "mk/infra.mk").read_text()
        assert "make cloud-lock" in (ROOT / "docs/infra.md").read_text()
        return
    text = lock.read_text()
    providers = parse_terraform(cloud)["terraform.tf"]["terraform"][0]["required_providers"][0]
    for provider in providers.values():
        block = text.split(f'provider "registry.terraform.io/{provider["source"]}"', 1)
        assert len(block) == 2, f"{provider['source']} missing from {lock.name}"
        assert re.search(r'"h1:[A-Za-z0-9+/=]{44}"', block[1].split("}", 1)[0])
