# Versions of Terraform and of the providers this configuration is written for.
# .terraform.lock.hcl pins the exact provider builds (docs/infra.md, "Provider lock").
terraform {
  # Preconditions reading the dated price table need 1.5.
  required_version = ">= 1.5.0"

  required_providers {
    hcloud = {
      source = "hetznercloud/hcloud"
      # 1.58: DNS zones and RRSets in the Cloud API, volume delete protection.
      version = "~> 1.58"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}
