#!/usr/bin/env bash
# A kind cluster for scripts/e2e/run.sh, with an ingress controller: Traefik
# (maintained; ingress-nginx was retired in March 2026) from its Helm chart,
# serving the IngressClass "traefik" on NodePort 30080 = 127.0.0.1:8080.
#   scripts/e2e/kind-up.sh [CLUSTER_NAME]     (default: taskapp-e2e)
# Idempotent: an existing cluster of that name is reused.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER=${1:-taskapp-e2e}
TRAEFIK_CHART_VERSION=${TRAEFIK_CHART_VERSION:-39.0.9}

create_cluster() {
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    echo "kind cluster $CLUSTER exists; reusing it"
    kind export kubeconfig --name "$CLUSTER"
    return
  fi
  kind create cluster --name "$CLUSTER" --config "$ROOT/scripts/e2e/kind-config.yaml" --wait 5m
}

install_traefik() {
  helm repo add traefik https://traefik.github.io/charts --force-update >/dev/null
  helm upgrade --install traefik traefik/traefik --version "$TRAEFIK_CHART_VERSION" \
    --namespace traefik --create-namespace \
    --set service.type=NodePort --set ports.web.nodePort=30080 \
    --set ingressClass.enabled=true --set ingressClass.isDefaultClass=false \
    --wait --timeout 5m
}

create_cluster
install_traefik
echo "kind cluster $CLUSTER ready (context kind-$CLUSTER); Traefik on 127.0.0.1:8080"
