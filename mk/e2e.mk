# End-to-end on a real cluster, and the suite on a real MongoDB (docs/testing.md).
#   make e2e              scripts/e2e/run.sh against the current kubeconfig; one
#                         "skipped" line and exit 0 when no cluster answers
#   make e2e-kind         a kind cluster with Traefik for it (scripts/e2e/kind-up.sh)
#   make test-mongo-real  the fast suite against the MongoDB server at MONGODB_URI
# helm and kubectl come from $(CACHE_DIR)/deploy-tools when `make deploy-tools` ran
# (the versions the chart is checked with), else from PATH.

E2E_ENV := PATH="$(CACHE_DIR)/deploy-tools/bin:$$PATH"

.PHONY: e2e e2e-kind test-mongo-real require-mongodb-uri

e2e: ## End-to-end on the current kubeconfig's cluster (skips without one)
	@$(E2E_ENV) scripts/e2e/run.sh

e2e-kind: ## Create a kind cluster with Traefik for `make e2e`
	@$(E2E_ENV) scripts/e2e/kind-up.sh

# The guard comes first, so a missing URI fails before anything installs.
test-mongo-real: require-mongodb-uri $(VENV)/.installed ## The fast suite on the real MongoDB at MONGODB_URI (e.g. mongodb://127.0.0.1:27017/taskapp)
	env -u TASKAPP_TEST_DB $(PYTEST) $(FAST_TESTS)

require-mongodb-uri:
	@if [ -z "$${MONGODB_URI:-}" ]; then \
		echo "error: MONGODB_URI is not set: point it at a MongoDB server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/taskapp make test-mongo-real" >&2; \
		exit 2; \
	fi
