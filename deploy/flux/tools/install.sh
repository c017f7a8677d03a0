#!/usr/bin/env bash
# Install Flux's CRD schemas (npm @kubernetes-models/flux-cd) into $1/node, for
# validate.mjs (make infra-tools; idempotent, a warm run is one stat()).
set -euo pipefail

FLUX_MODELS_VERSION=4.0.0   # Flux 2.7 APIs: source v1 OCIRepository, helm v2 HelmRelease, kustomize v1

DEST=${1:?usage: install.sh DIR}
stamp="$DEST/.flux-models"
if [[ -f $stamp && "$(cat "$stamp")" == "$FLUX_MODELS_VERSION" && -d "$DEST/node/node_modules/@kubernetes-models/flux-cd" ]]; then
  exit 0
fi
echo "infra-tools: @kubernetes-models/flux-cd@$FLUX_MODELS_VERSION"
mkdir -p "$DEST/node"
# The package declares Node >= 22 but runs on Node 20 (plain ES modules and ajv).
npm install --silent --no-audit --no-fund --engine-strict=false --prefix "$DEST/node" \
  "@kubernetes-models/flux-cd@$FLUX_MODELS_VERSION" >/dev/null
echo "$FLUX_MODELS_VERSION" >"$stamp"
