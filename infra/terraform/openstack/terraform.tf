# Versions of Terraform and of the providers this configuration is written for.
# .terraform.lock.hcl pins the exact provider builds (docs/infra.md, "Provider lock").
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "~> 3.3"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}
