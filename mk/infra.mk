# Cloud host and development loop (docs/infra.md).
#   make deploy-cloud     VM (Terraform) + Docker, Minikube, Taskapp, Caddy/TLS (Ansible);
#                         prints the monthly cost first and asks (YES=1 does not ask)
#   make destroy-cloud    lists what it deletes and asks; DELETE_DATA=1 to delete the data volume
#   make cloud-status     what runs, its monthly cost and the cost so far
#   make deploy-minikube  local minikube: build, load and install the chart (scripts/minikube-start)
#   make test-infra       offline checks of infra/, deploy/flux, scripts/minikube-start and the Tiltfile
#   make infra-tools      ansible, ansible-lint, python-hcl2, starlark-pyo3 (cached venv) + Flux schemas
# CLOUD=hetzner (default) or CLOUD=openstack picks infra/terraform/$(CLOUD).
# Terraform cannot be installed from the registries this project uses: it must be
# on PATH (or TERRAFORM=/path/to/terraform) for the cloud targets; test-infra
# skips only `terraform fmt` without it. The price logic is infra/tools/cost.py.

INFRA_TOOLS := $(CACHE_DIR)/infra-tools
INFRA_BIN := $(INFRA_TOOLS)/bin
INFRA_ANSIBLE_DIR := infra/ansible
TERRAFORM ?= terraform
ANSIBLE_PLAYBOOK ?= $(INFRA_BIN)/ansible-playbook
INFRA_PYTHON ?= python3

# Settings of deploy-cloud (all optional but the credentials; see docs/infra.md).
CLOUD ?= hetzner
SSH_PUBLIC_KEY ?= $(HOME)/.ssh/id_ed25519.pub
SSH_ALLOWED_CIDRS ?=
AUTO_APPROVE ?=
YES ?= $(AUTO_APPROVE)
DELETE_DATA ?=
DNS_ZONE ?=
TASKAPP_UI_HOST ?=
TASKAPP_API_HOST ?=
TASKAPP_ACME_EMAIL ?=
TASKAPP_TLS ?=
INFRA_PRICES ?= infra/prices.json

INFRA_TF_DIR := infra/terraform/$(CLOUD)
INFRA_LEDGER := $(INFRA_TF_DIR)/cost-ledger.json
# A saved plan holds the variables' values, the token among them: never kept.
INFRA_PLAN_FILES := $(INFRA_TF_DIR)/tfplan $(INFRA_TF_DIR)/tfplan.json
INFRA_COST := $(INFRA_PYTHON) infra/tools/cost.py --prices $(INFRA_PRICES) --ledger $(INFRA_LEDGER) $(if $(YES),--yes)

infra_comma := ,
infra_empty :=
infra_space := $(infra_empty) $(infra_empty)
infra_cidrs := $(subst $(infra_space),,$(SSH_ALLOWED_CIDRS))
infra_json_list = '["$(subst $(infra_comma),"$(infra_comma)",$(1))"]'
infra_dns_hosts := $(subst $(infra_space),$(infra_comma),$(strip $(TASKAPP_UI_HOST) $(TASKAPP_API_HOST)))
# Terraform reads TF_VAR_* (below terraform.tfvars in precedence, so a tfvars
# file still wins). Credentials go through the environment only, never argv.
INFRA_TF_ENV_hetzner := TF_VAR_hcloud_token="$$HCLOUD_TOKEN" \
	$(if $(DNS_ZONE),TF_VAR_dns_zone="$(DNS_ZONE)" TF_VAR_dns_hosts=$(call infra_json_list,$(infra_dns_hosts)))
INFRA_TF_ENV_openstack := TF_VAR_cloud="$${OS_CLOUD:-}"
INFRA_TF_ENV := TF_IN_AUTOMATION=1 TF_INPUT=0 $(INFRA_TF_ENV_$(CLOUD)) \
	TF_VAR_ssh_public_key_file="$(SSH_PUBLIC_KEY)" \
	$(if $(infra_cidrs),TF_VAR_ssh_allowed_cidrs=$(call infra_json_list,$(infra_cidrs)))
INFRA_TF = $(INFRA_TF_ENV) "$(TERRAFORM)" -chdir=$(INFRA_TF_DIR)
INFRA_PLAYBOOK_VARS := $(if $(TASKAPP_UI_HOST),-e taskapp_ui_host=$(TASKAPP_UI_HOST)) \
	$(if $(TASKAPP_API_HOST),-e taskapp_api_host=$(TASKAPP_API_HOST)) \
	$(if $(TASKAPP_ACME_EMAIL),-e taskapp_acme_email=$(TASKAPP_ACME_EMAIL)) \
	$(if $(TASKAPP_TLS),-e '{"taskapp_tls": $(TASKAPP_TLS)}')

.PHONY: infra-tools infra-preflight-common infra-preflight infra-init deploy-cloud destroy-cloud cloud-status \
	cloud-lock deploy-minikube test-infra

$(INFRA_TOOLS)/.installed: infra/tools/requirements.txt
	@echo "Installing the infra checkers into $(INFRA_TOOLS)"
	@rm -rf $(INFRA_TOOLS)
	$(PYTHON) -m venv $(INFRA_TOOLS)
	$(INFRA_BIN)/python -m pip install --quiet --upgrade pip
	$(INFRA_BIN)/python -m pip install --quiet -r infra/tools/requirements.txt
	@touch $@

infra-tools: $(INFRA_TOOLS)/.installed ## Install ansible, ansible-lint, python-hcl2, starlark-pyo3 and Flux's schemas (cached)
	@bash deploy/flux/tools/install.sh "$(INFRA_TOOLS)"

# One line per missing prerequisite, before anything is created.
infra-preflight-common:
	@case "$(CLOUD)" in hetzner|openstack) ;; *) echo "error: CLOUD=$(CLOUD) is not supported: use CLOUD=hetzner or CLOUD=openstack"; exit 1;; esac
	@command -v "$(TERRAFORM)" >/dev/null 2>&1 || { echo "error: terraform is not on PATH: install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install) or set TERRAFORM=/path/to/terraform"; exit 1; }

infra-preflight: infra-preflight-common
	@if [ "$(CLOUD)" = hetzner ]; then test -n "$${HCLOUD_TOKEN:-}" || { echo "error: HCLOUD_TOKEN is not set: create a read/write API token in the Hetzner Cloud console (project > Security > API tokens) and export HCLOUD_TOKEN=..."; exit 1; }; fi
	@if [ "$(CLOUD)" = openstack ]; then test -n "$${OS_CLOUD:-}$${OS_AUTH_URL:-}" || { echo "error: no OpenStack credentials: export OS_CLOUD=<name in clouds.yaml> or source your openrc file (OS_AUTH_URL, ...)"; exit 1; }; fi
	@test -f "$(SSH_PUBLIC_KEY)" || { echo "error: SSH public key $(SSH_PUBLIC_KEY) not found: create one with ssh-keygen -t ed25519 or set SSH_PUBLIC_KEY=/path/to/key.pub"; exit 1; }
	@test -n "$(infra_cidrs)" || grep -qs '^ *ssh_allowed_cidrs' $(INFRA_TF_DIR)/terraform.tfvars || { echo "error: say who may reach SSH: SSH_ALLOWED_CIDRS=203.0.113.7/32 (your address; several comma-separated) or ssh_allowed_cidrs in $(INFRA_TF_DIR)/terraform.tfvars"; exit 1; }

infra-init:
	$(INFRA_TF) init -input=false

# plan -> price and confirm -> apply exactly that plan -> note what now runs -> Ansible.
deploy-cloud: infra-preflight ## Create the VM (CLOUD=hetzner|openstack) after showing its monthly cost, then deploy Taskapp with TLS
	@$(MAKE) --no-print-directory infra-tools
	@test -x "$(ANSIBLE_PLAYBOOK)" || { echo "error: ansible-playbook not found at $(ANSIBLE_PLAYBOOK) (make infra-tools)"; exit 1; }
	@$(MAKE) --no-print-directory infra-init
	$(INFRA_TF) plan -input=false -out=tfplan
	$(INFRA_TF) show -json tfplan > $(INFRA_TF_DIR)/tfplan.json
	@$(INFRA_COST) plan $(INFRA_TF_DIR)/tfplan.json || { rm -f $(INFRA_PLAN_FILES); exit 1; }
	$(INFRA_TF) apply -input=false tfplan
	@rm -f $(INFRA_PLAN_FILES)
	@$(INFRA_TF) show -json > $(INFRA_TF_DIR)/state.json && $(INFRA_COST) record $(INFRA_TF_DIR)/state.json
	cd $(INFRA_ANSIBLE_DIR) && ANSIBLE_CONFIG=ansible.cfg "$(ANSIBLE_PLAYBOOK)" -i inventory/hosts.yml site.yml $(INFRA_PLAYBOOK_VARS)
	@echo ""
	@echo "  Deployed.$(if $(DNS_ZONE), DNS records in $(DNS_ZONE) point at the VM., Point the DNS records of the two hosts at the VM:)"
	@$(if $(DNS_ZONE),true,$(INFRA_TF) output -raw server_ipv4 | sed 's/^/    A     /'; echo)
	@$(if $(DNS_ZONE),true,$(INFRA_TF) output -raw server_ipv6 | sed 's/^/    AAAA  /'; echo)
	@echo "  Log in: $$($(INFRA_TF) output -raw ssh_command)"
	@echo "  What it costs: make cloud-status$(if $(filter-out hetzner,$(CLOUD)), CLOUD=$(CLOUD))"

# The list comes from the state (what destroy deletes). The data volume's delete
# protection is lifted only after the answer, and only with DELETE_DATA=1.
destroy-cloud: infra-preflight ## List what the VM's deletion removes, ask, delete (DELETE_DATA=1 to include the data volume)
	@$(MAKE) --no-print-directory infra-init
	$(INFRA_TF) show -json > $(INFRA_TF_DIR)/state.json
	@$(INFRA_COST) $(if $(DELETE_DATA),--delete-data) destroy $(INFRA_TF_DIR)/state.json
	$(if $(and $(DELETE_DATA),$(filter hetzner,$(CLOUD))),TF_VAR_protect_data_volume=false $(INFRA_TF) apply -input=false -auto-approve -target=hcloud_volume.data)
	$(if $(DELETE_DATA),TF_VAR_protect_data_volume=false) $(INFRA_TF) destroy -input=false -auto-approve
	@rm -f $(INFRA_LEDGER) $(INFRA_TF_DIR)/state.json $(INFRA_PLAN_FILES)

cloud-status: infra-preflight-common ## What the VM setup runs now, per month and so far (from Terraform's state and infra/prices.json)
	@$(MAKE) --no-print-directory infra-init >/dev/null
	@$(INFRA_TF) show -json > $(INFRA_TF_DIR)/state.json
	@$(INFRA_COST) status $(INFRA_TF_DIR)/state.json

# Needs the terraform registry: run where it is reachable, then commit the files.
cloud-lock: infra-preflight-common ## Write .terraform.lock.hcl of both clouds for Linux and macOS (needs the terraform registry)
	for dir in infra/terraform/hetzner infra/terraform/openstack; do \
		"$(TERRAFORM)" -chdir=$$dir init -backend=false -input=false && \
		"$(TERRAFORM)" -chdir=$$dir providers lock -platform=linux_amd64 -platform=linux_arm64 \
			-platform=darwin_amd64 -platform=darwin_arm64; \
	done

MINIKUBE_START_FLAGS ?=
deploy-minikube: ## Start minikube, build and load both images, install the chart, write /etc/hosts (scripts/minikube-start)
	scripts/minikube-start $(MINIKUBE_START_FLAGS)

test-infra: $(VENV)/.installed infra-tools deploy-tools ## Offline checks: terraform fmt, HCL parse, cost, ansible-lint, minikube-start, Flux, Tiltfile
	@if command -v "$(TERRAFORM)" >/dev/null 2>&1; then \
		"$(TERRAFORM)" fmt -check -recursive -diff infra/terraform && echo "terraform fmt: ok"; \
	else \
		echo "skipped: terraform not installed (terraform fmt -check); the .tf files are still parsed with python-hcl2"; \
	fi
	INFRA_TOOLS="$(INFRA_TOOLS)" DEPLOY_TOOLS="$(DEPLOY_TOOLS)" $(PYTEST) -m deploy tests/infra -q
