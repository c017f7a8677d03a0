# Optional A and AAAA records for the UI and API hosts in a DNS zone the same
# Hetzner project hosts (Hetzner DNS, part of the Cloud API since provider 1.54),
# so that Caddy can get its certificates without a manual step. Off while
# dns_zone is empty: point the records at the server yourself then.

locals {
  # "tasks.example.com" in zone "example.com" -> "tasks"; the apex -> "@".
  dns_names = {
    for host in var.dns_hosts :
    host => host == var.dns_zone ? "@" : trimsuffix(host, ".${var.dns_zone}")
  }
  dns_records = var.dns_zone == "" ? {} : merge(
    { for host, name in local.dns_names : "${host}/A" => { name = name, type = "A", value = hcloud_server.node.ipv4_address } },
    { for host, name in local.dns_names : "${host}/AAAA" => { name = name, type = "AAAA", value = hcloud_server.node.ipv6_address } },
  )
}

resource "hcloud_zone_rrset" "hosts" {
  for_each = local.dns_records

  zone    = var.dns_zone
  name    = each.value.name
  type    = each.value.type
  ttl     = var.dns_ttl
  records = [{ value = each.value.value }]
  labels  = local.labels
}
