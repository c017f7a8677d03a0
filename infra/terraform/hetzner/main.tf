# One Hetzner VM for Minikube, reachable on 80/443 from anywhere and on 22 from an
# allow-list, plus an optional volume for Docker's data and a private network.
# The inventory Ansible uses is generated from these resources, with the template
# the OpenStack configuration shares (../inventory.yml.tftpl).

locals {
  labels = merge(var.labels, { app = "taskapp", managed-by = "terraform" })
  # The dated price table is also the catalogue of server types and where each is
  # offered: what `make deploy-cloud` can price is what Terraform may create.
  catalogue     = jsondecode(file("${path.module}/../../prices.json")).hetzner.server_types
  volume_device = var.volume_size > 0 ? "/dev/disk/by-id/scsi-0HC_Volume_${hcloud_volume.data[0].id}" : ""
  # Every location belongs to one network zone; the subnet must be in the server's.
  network_zones = {
    nbg1 = "eu-central"
    fsn1 = "eu-central"
    hel1 = "eu-central"
    ash  = "us-east"
    hil  = "us-west"
    sin  = "ap-southeast"
  }
  everywhere = ["0.0.0.0/0", "::/0"]
}

resource "hcloud_ssh_key" "admin" {
  name       = "${var.name}-admin"
  public_key = file(pathexpand(var.ssh_public_key_file))
  labels     = local.labels
}

resource "hcloud_firewall" "web" {
  name   = "${var.name}-web"
  labels = local.labels

  rule {
    description = "SSH from the allow-list only"
    direction   = "in"
    protocol    = "tcp"
    port        = "22"
    source_ips  = var.ssh_allowed_cidrs
  }

  # Caddy answers on 80 (ACME HTTP-01 challenges, redirect to HTTPS) and 443.
  rule {
    description = "HTTP from anywhere"
    direction   = "in"
    protocol    = "tcp"
    port        = "80"
    source_ips  = local.everywhere
  }

  rule {
    description = "HTTPS from anywhere"
    direction   = "in"
    protocol    = "tcp"
    port        = "443"
    source_ips  = local.everywhere
  }

  rule {
    description = "HTTP/3 from anywhere"
    direction   = "in"
    protocol    = "udp"
    port        = "443"
    source_ips  = local.everywhere
  }

  rule {
    description = "Ping, for diagnosis"
    direction   = "in"
    protocol    = "icmp"
    source_ips  = local.everywhere
  }
}

resource "hcloud_network" "private" {
  name     = "${var.name}-net"
  ip_range = var.private_network_cidr
  labels   = local.labels
}

resource "hcloud_network_subnet" "nodes" {
  network_id   = hcloud_network.private.id
  type         = "cloud"
  network_zone = local.network_zones[var.location]
  ip_range     = cidrsubnet(var.private_network_cidr, 8, 1)
}

resource "hcloud_server" "node" {
  name         = var.name
  image        = var.image
  server_type  = var.server_type
  location     = var.location
  ssh_keys     = [hcloud_ssh_key.admin.id]
  firewall_ids = [hcloud_firewall.web.id]
  labels       = local.labels

  public_net {
    ipv4_enabled = true
    ipv6_enabled = true
  }

  network {
    network_id = hcloud_network.private.id
    ip         = cidrhost(hcloud_network_subnet.nodes.ip_range, 10)
  }

  # The server must not be created before its subnet exists.
  depends_on = [hcloud_network_subnet.nodes]

  lifecycle {
    # Not every type is offered everywhere (cx and cax: Europe only); the API
    # would refuse only after the firewall, network and key were created.
    precondition {
      condition     = contains(try(local.catalogue[var.server_type].locations, []), var.location)
      error_message = "server_type ${var.server_type} is not offered in ${var.location} (or not in infra/prices.json): pick a location from its entry there, or add the type with its price."
    }
  }
}

resource "hcloud_volume" "data" {
  count    = var.volume_size > 0 ? 1 : 0
  name     = "${var.name}-data"
  size     = var.volume_size
  location = var.location
  format   = "ext4"
  labels   = local.labels
  # The volume holds the cluster's volumes, MongoDB's data among them: the API
  # refuses to delete it until `make destroy-cloud DELETE_DATA=1` lifts this.
  delete_protection = var.protect_data_volume
}

# Attached but not automounted: Ansible mounts it at Docker's data directory
# before Docker starts, by its stable device path.
resource "hcloud_volume_attachment" "data" {
  count     = var.volume_size > 0 ? 1 : 0
  volume_id = hcloud_volume.data[0].id
  server_id = hcloud_server.node.id
  automount = false
}

resource "local_file" "inventory" {
  filename        = "${path.module}/../../ansible/inventory/hosts.yml"
  file_permission = "0644"
  content = templatefile("${path.module}/../inventory.yml.tftpl", {
    cloud            = "hetzner"
    name             = hcloud_server.node.name
    ipv4             = hcloud_server.node.ipv4_address
    ssh_user         = "root"
    private_key_file = trimsuffix(pathexpand(var.ssh_public_key_file), ".pub")
    volume_device    = local.volume_device
  })
}
