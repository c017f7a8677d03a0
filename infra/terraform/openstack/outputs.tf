output "server_ipv4" {
  description = "Floating IPv4 address of the VM: point the DNS A records of the UI and API hosts here."
  value       = openstack_networking_floatingip_v2.node.address
}

output "server_ipv6" {
  description = "IPv6 address of the VM (empty: the private network is IPv4 only; no AAAA records)."
  value       = ""
}

output "ssh_command" {
  description = "How to log in to the VM."
  value       = "ssh -i ${trimsuffix(pathexpand(var.ssh_public_key_file), ".pub")} ${var.ssh_user}@${openstack_networking_floatingip_v2.node.address}"
}

output "inventory_file" {
  description = "Ansible inventory generated from the server (used by `make deploy-cloud CLOUD=openstack`)."
  value       = abspath(local_file.inventory.filename)
}

output "volume_device" {
  description = "Device path of the data volume on the VM (empty without a volume)."
  value       = local.volume_device
}
