# The Hetzner setup on an OpenStack cloud (the original's second target, a
# university's internal cloud): one VM for Minikube, reachable on 80/443 from
# anywhere and on 22 from an allow-list (security group), an optional volume for
# Docker's data, a private network routed to the external one, and a floating IP.
# The Ansible inventory comes from the template the Hetzner configuration uses.

locals {
  everywhere = { IPv4 = "0.0.0.0/0", IPv6 = "::/0" }
  # Caddy answers on 80 (ACME challenges, redirect) and 443 (TCP, and UDP for HTTP/3).
  public_ports = { "tcp-80" = ["tcp", 80], "tcp-443" = ["tcp", 443], "udp-443" = ["udp", 443] }
  public_rules = merge([
    for key, port in local.public_ports : {
      for family, cidr in local.everywhere : "${key}-${family}" => {
        protocol = port[0], port = port[1], ethertype = family, cidr = cidr
      }
    }
  ]...)
  # Virtio disks show up under their volume id's first 20 characters.
  volume_device = var.volume_size > 0 ? "/dev/disk/by-id/virtio-${substr(openstack_blockstorage_volume_v3.data[0].id, 0, 20)}" : ""
}

resource "openstack_compute_keypair_v2" "admin" {
  name       = "${var.name}-admin"
  public_key = file(pathexpand(var.ssh_public_key_file))
}

resource "openstack_networking_secgroup_v2" "web" {
  name        = "${var.name}-web"
  description = "Taskapp: SSH from the allow-list, HTTP/HTTPS from anywhere"
}

resource "openstack_networking_secgroup_rule_v2" "ssh" {
  for_each = toset(var.ssh_allowed_cidrs)

  security_group_id = openstack_networking_secgroup_v2.web.id
  description       = "SSH from the allow-list only"
  direction         = "ingress"
  ethertype         = strcontains(each.value, ":") ? "IPv6" : "IPv4"
  protocol          = "tcp"
  port_range_min    = 22
  port_range_max    = 22
  remote_ip_prefix  = each.value
}

resource "openstack_networking_secgroup_rule_v2" "public" {
  for_each = local.public_rules

  security_group_id = openstack_networking_secgroup_v2.web.id
  description       = "${upper(each.value.protocol)} ${each.value.port} from anywhere"
  direction         = "ingress"
  ethertype         = each.value.ethertype
  protocol          = each.value.protocol
  port_range_min    = each.value.port
  port_range_max    = each.value.port
  remote_ip_prefix  = each.value.cidr
}

resource "openstack_networking_secgroup_rule_v2" "ping" {
  security_group_id = openstack_networking_secgroup_v2.web.id
  description       = "Ping, for diagnosis"
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "icmp"
  remote_ip_prefix  = local.everywhere.IPv4
}

resource "openstack_networking_network_v2" "private" {
  name           = "${var.name}-net"
  admin_state_up = true
}

resource "openstack_networking_subnet_v2" "nodes" {
  name            = "${var.name}-nodes"
  network_id      = openstack_networking_network_v2.private.id
  cidr            = cidrsubnet(var.private_network_cidr, 8, 1)
  ip_version      = 4
  dns_nameservers = var.dns_nameservers
}

data "openstack_networking_network_v2" "external" {
  name     = var.external_network
  external = true
}

resource "openstack_networking_router_v2" "edge" {
  name                = "${var.name}-router"
  external_network_id = data.openstack_networking_network_v2.external.id
}

resource "openstack_networking_router_interface_v2" "nodes" {
  router_id = openstack_networking_router_v2.edge.id
  subnet_id = openstack_networking_subnet_v2.nodes.id
}

# A port of its own, so the security group and the fixed address (10.0.1.10, as
# on Hetzner) belong to the network side and the floating IP can follow it.
resource "openstack_networking_port_v2" "node" {
  name               = "${var.name}-port"
  network_id         = openstack_networking_network_v2.private.id
  security_group_ids = [openstack_networking_secgroup_v2.web.id]

  fixed_ip {
    subnet_id  = openstack_networking_subnet_v2.nodes.id
    ip_address = cidrhost(openstack_networking_subnet_v2.nodes.cidr, 10)
  }
}

resource "openstack_compute_instance_v2" "node" {
  name        = var.name
  image_name  = var.image
  flavor_name = var.flavor
  key_pair    = openstack_compute_keypair_v2.admin.name

  network {
    port = openstack_networking_port_v2.node.id
  }

  metadata = merge(var.labels, { app = "taskapp", managed-by = "terraform" })
}

resource "openstack_networking_floatingip_v2" "node" {
  pool        = var.external_network
  description = "${var.name}: public address of the Taskapp VM"
}

# Associated only once the router connects the subnet to the external network.
resource "openstack_networking_floatingip_associate_v2" "node" {
  floating_ip = openstack_networking_floatingip_v2.node.address
  port_id     = openstack_networking_port_v2.node.id
  depends_on  = [openstack_networking_router_interface_v2.nodes]
}

resource "openstack_blockstorage_volume_v3" "data" {
  count       = var.volume_size > 0 ? 1 : 0
  name        = "${var.name}-data"
  size        = var.volume_size
  description = "Docker's data on the Taskapp VM: the cluster's volumes (MongoDB) live here"
  metadata    = { app = "taskapp", managed-by = "terraform" }
}

# Attached unformatted: Ansible makes the filesystem and mounts it at Docker's
# data directory before Docker starts, by its stable device path.
resource "openstack_compute_volume_attach_v2" "data" {
  count       = var.volume_size > 0 ? 1 : 0
  instance_id = openstack_compute_instance_v2.node.id
  volume_id   = openstack_blockstorage_volume_v3.data[0].id
}

resource "local_file" "inventory" {
  filename        = "${path.module}/../../ansible/inventory/hosts.yml"
  file_permission = "0644"
  content = templatefile("${path.module}/../inventory.yml.tftpl", {
    cloud            = "openstack"
    name             = openstack_compute_instance_v2.node.name
    ipv4             = openstack_networking_floatingip_v2.node.address
    ssh_user         = var.ssh_user
    private_key_file = trimsuffix(pathexpand(var.ssh_public_key_file), ".pub")
    volume_device    = local.volume_device
  })
}
