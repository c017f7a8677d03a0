variable "cloud" {
  type        = string
  description = "Name of the cloud in clouds.yaml (OS_CLOUD); empty: the OS_* variables of a sourced openrc file."
  default     = ""
}

variable "name" {
  type        = string
  description = "Name of the server; also the prefix of every other resource's name."
  default     = "taskapp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}[a-z0-9]$", var.name))
    error_message = "name must be 2-42 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "flavor" {
  type        = string
  description = "Flavor of the server (`openstack flavor list`). Minikube with the whole chart wants 4 vCPUs and 8 GB; price it in infra/prices.json."
  default     = "m1.large"

  validation {
    condition     = length(var.flavor) > 0
    error_message = "flavor must name a flavor of the cloud (openstack flavor list)."
  }
}

variable "image" {
  type        = string
  description = "Name of an Ubuntu 24.04 image in the cloud (`openstack image list`); the Ansible roles are written for it."
  default     = "Ubuntu 24.04"

  validation {
    condition     = can(regex("(?i)ubuntu.*24\\.04", var.image))
    error_message = "image must be an Ubuntu 24.04 image: the Ansible roles install Ubuntu 24.04 packages."
  }
}

variable "external_network" {
  type        = string
  description = "External (provider) network the router connects to and floating IPs come from (`openstack network list --external`)."
  default     = "public"
}

variable "ssh_user" {
  type        = string
  description = "Login user of the image (ubuntu on Ubuntu cloud images); Ansible becomes root through sudo."
  default     = "ubuntu"
}

variable "ssh_public_key_file" {
  type        = string
  description = "Path of the SSH public key installed for the login user (its private key must sit beside it without .pub)."
  default     = "~/.ssh/id_ed25519.pub"

  validation {
    condition     = endswith(var.ssh_public_key_file, ".pub") && fileexists(pathexpand(var.ssh_public_key_file))
    error_message = "ssh_public_key_file must name an existing public key file ending in .pub (create one with ssh-keygen -t ed25519)."
  }
}

variable "ssh_allowed_cidrs" {
  type        = list(string)
  description = "Networks allowed to reach SSH (port 22), e.g. [\"203.0.113.7/32\"]. Ports 80 and 443 are open to everyone."

  validation {
    condition     = length(var.ssh_allowed_cidrs) > 0 && alltrue([for cidr in var.ssh_allowed_cidrs : can(cidrhost(cidr, 0))])
    error_message = "ssh_allowed_cidrs must be a non-empty list of CIDRs such as 203.0.113.7/32."
  }
}

variable "volume_size" {
  type        = number
  description = "Size in GB of an extra volume mounted at Docker's data directory (cluster volumes and images); 0 for none."
  default     = 20

  validation {
    condition     = var.volume_size == 0 || (var.volume_size >= 10 && var.volume_size <= 10240)
    error_message = "volume_size must be 0 (no volume) or between 10 and 10240 GB."
  }
}

variable "private_network_cidr" {
  type        = string
  description = "IP range of the private network; the VM's subnet is its first /24 above .0 (10.0.1.0/24), as on Hetzner."
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.private_network_cidr, 0)) && startswith(var.private_network_cidr, "10.")
    error_message = "private_network_cidr must be a CIDR inside 10.0.0.0/8, e.g. 10.0.0.0/16."
  }
}

variable "dns_nameservers" {
  type        = list(string)
  description = "Resolvers handed to the VM by DHCP; empty: the cloud's default."
  default     = []
}

variable "labels" {
  type        = map(string)
  description = "Extra metadata on the server (keys and values are free text)."
  default     = {}
}
