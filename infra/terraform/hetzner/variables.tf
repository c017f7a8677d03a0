variable "hcloud_token" {
  type        = string
  description = "Hetzner Cloud API token (read/write) of the project the VM is created in."
  sensitive   = true

  validation {
    condition     = length(var.hcloud_token) == 64
    error_message = "hcloud_token must be a 64-character Hetzner Cloud API token (Console > Security > API tokens)."
  }
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

variable "server_type" {
  type        = string
  description = "Hetzner server type, one of infra/prices.json (its price and locations). Minikube with the whole chart wants 4 vCPUs and 8 GB (cx33; cax21 on Arm)."
  default     = "cx33"

  validation {
    condition     = can(regex("^(cx|cpx|cax|ccx)[0-9]{2}$", var.server_type))
    error_message = "server_type must be a Hetzner server type such as cx33, cpx31, cax21 or ccx23."
  }
}

variable "location" {
  type        = string
  description = "Hetzner location of the server and the volume (nbg1 = Nuremberg, as in the original); it must offer server_type (infra/prices.json)."
  default     = "nbg1"

  validation {
    condition     = contains(["nbg1", "fsn1", "hel1", "ash", "hil", "sin"], var.location)
    error_message = "location must be one of nbg1, fsn1, hel1, ash, hil, sin."
  }
}

variable "image" {
  type        = string
  description = "Operating system image of the server; the Ansible roles are written for Ubuntu 24.04."
  default     = "ubuntu-24.04"

  validation {
    condition     = startswith(var.image, "ubuntu-24.04")
    error_message = "image must be ubuntu-24.04: the Ansible roles install Ubuntu 24.04 packages."
  }
}

variable "ssh_public_key_file" {
  type        = string
  description = "Path of the SSH public key installed for root (its private key must sit beside it without .pub)."
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
  description = "IP range of the private network the server joins (a later second node would join it too)."
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.private_network_cidr, 0)) && startswith(var.private_network_cidr, "10.")
    error_message = "private_network_cidr must be a CIDR inside 10.0.0.0/8, e.g. 10.0.0.0/16."
  }
}

variable "labels" {
  type        = map(string)
  description = "Extra labels on every resource (Hetzner labels: keys and values of letters, digits, '-', '_' and '.')."
  default     = {}
}

variable "protect_data_volume" {
  type        = bool
  description = "Delete protection on the data volume (it holds MongoDB's data). `make destroy-cloud DELETE_DATA=1` turns it off just before deleting."
  default     = true
}

variable "dns_zone" {
  type        = string
  description = "A DNS zone in this Hetzner project (e.g. example.com) to create the hosts' A/AAAA records in; empty: manage DNS yourself."
  default     = ""

  validation {
    condition     = var.dns_zone == "" || can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.dns_zone))
    error_message = "dns_zone must be empty or a zone name such as example.com (no trailing dot)."
  }
}

variable "dns_hosts" {
  type        = list(string)
  description = "Host names to point at the server in dns_zone (the UI and API hosts; `make deploy-cloud` passes TASKAPP_UI_HOST and TASKAPP_API_HOST)."
  default     = []

  validation {
    condition     = alltrue([for host in var.dns_hosts : host == var.dns_zone || endswith(host, ".${var.dns_zone}")])
    error_message = "every name in dns_hosts must lie inside dns_zone (tasks.example.com in example.com)."
  }
}

variable "dns_ttl" {
  type        = number
  description = "TTL in seconds of the created DNS records; short, so a recreated server is found again quickly."
  default     = 300

  validation {
    condition     = var.dns_ttl >= 60 && var.dns_ttl <= 86400
    error_message = "dns_ttl must be between 60 and 86400 seconds."
  }
}
