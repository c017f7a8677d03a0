output "server_ipv4" {
  description = "Public IPv4 address of the VM: point the DNS A records of the UI and API hosts here."
  value       = hcloud_server.node.ipv4_address
}

output "server_ipv6" {
  description = "Public IPv6 address of the VM (for AAAA records)."
  value       = hcloud_server.node.ipv6_address
}

output "ssh_command" {
  description = "How to log in to the VM."
  value       = "ssh -i ${trimsuffix(pathexpand(var.ssh_public_key_file), ".pub")} root@${hcloud_server.node.ipv4_address}"
}

output "inventory_file" {
  description = "Ansible inventory generated from the server (used by `make deploy-cloud`)."
  value       = abspath(local_file.inventory.filename)
}

output "volume_device" {
  description = "Device path of the data volume on the VM (empty without a volume)."
  value       = local.volume_device
}

output "dns_records" {
  description = "DNS records created in dns_zone (empty when Terraform does not manage DNS)."
  value       = sort(keys(hcloud_zone_rrset.hosts))
}
