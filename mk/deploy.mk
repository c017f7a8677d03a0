# Deployment: the Helm chart in deploy/helm/taskapp and the Kustomize tree rendered
# from it. All checks run offline with tools installed into $(CACHE_DIR)/deploy-tools.

DEPLOY_TOOLS := $(CACHE_DIR)/deploy-tools
DEPLOY_ENV := PATH="$(DEPLOY_TOOLS)/bin:$$PATH" DEPLOY_TOOLS="$(DEPLOY_TOOLS)" HELM="$(DEPLOY_TOOLS)/bin/helm"

.PHONY: deploy-tools manifests manifests-check test-deploy

deploy-tools: ## Install helm, kubectl, kubernetes-validate, checkov and the CRD schemas for validate-crds.mjs (cached)
	@bash deploy/tools/install.sh "$(DEPLOY_TOOLS)"

manifests: $(VENV)/.installed deploy-tools ## Render deploy/kustomize (base + overlays) from the Helm chart
	$(DEPLOY_ENV) $(BIN)/python deploy/tools/render_manifests.py
	$(BIN)/python deploy/tools/values_doc.py

manifests-check: $(VENV)/.installed deploy-tools ## Fail if deploy/kustomize or the chart README is out of date
	$(DEPLOY_ENV) $(BIN)/python deploy/tools/render_manifests.py --check
	$(BIN)/python deploy/tools/values_doc.py --check

test-deploy: $(VENV)/.installed deploy-tools ## helm lint, schema validation, checkov and rendering tests of the chart
	$(MAKE) --no-print-directory manifests-check
	$(DEPLOY_ENV) $(PYTEST) -m deploy tests/deploy
