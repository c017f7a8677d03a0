# Cloud host and development loop (docs/infra.md).
#   make deploy-cloud    Hetzner VM (Terraform) + Docker, Minikube, Taskapp, Caddy/TLS (Ansible)
#   make destroy-cloud   delete the VM, its volume, network, firewall and SSH key
#   make test-infra      offline checks of infra/ and the Tiltfile
#   make infra-tools     ansible, ansible-lint, python-hcl2, starlark-pyo3 (cached venv)
# Terraform cannot be installed from the registries this project uses: it must be
# on PATH (or TERRAFORM=/path/to/terraform) for deploy-cloud and destroy-cloud;
# test-infra skips only `terraform fmt` without it.

INFRA_TOOLS := $(CACHE_DIR)/infra-tools
INFRA_BIN := $(INFRA_TOOLS)/bin
INFRA_TF_DIR := infra/terraform
INFRA_ANSIBLE_DIR := infra/ansible
TERRAFORM ?= terraform
ANSIBLE_PLAYBOOK ?= $(INFRA_BIN)/ansible-playbook

# Settings of deploy-cloud (all optional but the token; see docs/infra.md).
SSH_PUBLIC_KEY ?= $(HOME)/.ssh/id_ed25519.pub
SSH_ALLOWED_CIDRS ?=
AUTO_APPROVE ?=
TASKAPP_UI_HOST ?=
TASKAPP_API_HOST ?=
TASKAPP_ACME_EMAIL ?=
TASKAPP_TLS ?=

infra_comma := ,
infra_empty :=
infra_space := $(infra_empty) $(infra_empty)
infra_cidrs := $(subst $(infra_space),,$(SSH_ALLOWED_CIDRS))
# Terraform reads TF_VAR_* (below terraform.tfvars in precedence, so a tfvars
# file still wins). The token goes through the environment only, never argv.
INFRA_TF_ENV := TF_IN_AUTOMATION=1 TF_VAR_hcloud_token="$$HCLOUD_TOKEN" \
	TF_VAR_ssh_public_key_file="$(SSH_PUBLIC_KEY)" \
	$(if $(infra_cidrs),TF_VAR_ssh_allowed_cidrs='["$(subst $(infra_comma),"$(infra_comma)",$(infra_cidrs))"]')
INFRA_PLAYBOOK_VARS := $(if $(TASKAPP_UI_HOST),-e taskapp_ui_host=$(TASKAPP_UI_HOST)) \
	$(if $(TASKAPP_API_HOST),-e taskapp_api_host=$(TASKAPP_API_HOST)) \
	$(if $(TASKAPP_ACME_EMAIL),-e taskapp_acme_email=$(TASKAPP_ACME_EMAIL)) \
	$(if $(TASKAPP_TLS),-e '{"taskapp_tls": $(TASKAPP_TLS)}')

.PHONY: infra-tools infra-preflight deploy-cloud destroy-cloud test-infra

$(INFRA_TOOLS)/.installed: infra/tools/requirements.txt
	@echo "Installing the infra checkers into $(INFRA_TOOLS)"
	@rm -rf $(INFRA_TOOLS)
	$(PYTHON) -m venv $(INFRA_TOOLS)
	$(INFRA_BIN)/python -m pip install --quiet --upgrade pip
	$(INFRA_BIN)/python -m pip install --quiet -r infra/tools/requirements.txt
	@touch $@

infra-tools: $(INFRA_TOOLS)/.installed ## Install ansible, ansible-lint, python-hcl2, starlark-pyo3 (cached)

# One line per missing prerequisite, before anything is created.
infra-preflight:
	@command -v "$(TERRAFORM)" >/dev/null 2>&1 || { echo "error: terraform is not on PATH: install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install) or set TERRAFORM=/path/to/terraform"; exit 1; }
	@test -n "$${HCLOUD_TOKEN:-}" || { echo "error: HCLOUD_TOKEN is not set: create a read/write API token in the Hetzner Cloud console (project > Security > API tokens) and export HCLOUD_TOKEN=..."; exit 1; }
	@test -f "$(SSH_PUBLIC_KEY)" || { echo "error: SSH public key $(SSH_PUBLIC_KEY) not found: create one with ssh-keygen -t ed25519 or set SSH_PUBLIC_KEY=/path/to/key.pub"; exit 1; }
	@test -n "$(infra_cidrs)" || grep -qs '^ *ssh_allowed_cidrs' $(INFRA_TF_DIR)/terraform.tfvars || { echo "error: say who may reach SSH: SSH_ALLOWED_CIDRS=203.0.113.7/32 (your address; several comma-separated) or ssh_allowed_cidrs in $(INFRA_TF_DIR)/terraform.tfvars"; exit 1; }

deploy-cloud: infra-preflight ## Create the Hetzner VM and deploy Taskapp on it with TLS (needs HCLOUD_TOKEN)
	@$(MAKE) --no-print-directory infra-tools
	@test -x "$(ANSIBLE_PLAYBOOK)" || { echo "error: ansible-playbook not found at $(ANSIBLE_PLAYBOOK) (make infra-tools)"; exit 1; }
	$(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR) init -input=false
	$(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR) apply $(if $(AUTO_APPROVE),-input=false -auto-approve)
	cd $(INFRA_ANSIBLE_DIR) && ANSIBLE_CONFIG=ansible.cfg "$(ANSIBLE_PLAYBOOK)" -i inventory/hosts.yml site.yml $(INFRA_PLAYBOOK_VARS)
	@echo ""
	@echo "  Deployed. Point the DNS records of the two hosts at the VM:"
	@$(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR) output -raw server_ipv4 | sed 's/^/    A     /'; echo
	@$(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR) output -raw server_ipv6 | sed 's/^/    AAAA  /'; echo
	@echo "  Log in: $$($(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR) output -raw ssh_command)"

destroy-cloud: infra-preflight ## Delete the VM and everything Terraform made for it (the app's data too)
	$(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR) init -input=false
	$(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR) destroy $(if $(AUTO_APPROVE),-input=false -auto-approve)

test-infra: $(VENV)/.installed infra-tools deploy-tools ## Offline checks: terraform fmt, HCL parse, ansible-lint, Tiltfile evaluation
	@if command -v "$(TERRAFORM)" >/dev/null 2>&1; then \
		"$(TERRAFORM)" fmt -check -recursive -diff $(INFRA_TF_DIR) && echo "terraform fmt: ok"; \
	else \
		echo "skipped: terraform not installed (terraform fmt -check); the .tf files are still parsed with python-hcl2"; \
	fi
	INFRA_TOOLS="$(INFRA_TOOLS)" DEPLOY_TOOLS="$(DEPLOY_TOOLS)" $(PYTEST) -m deploy tests/infra -q
