#!/usr/bin/env bash
# Create the Secrets the Kustomize manifests expect, once per cluster, with random
# values. (The Helm chart generates these itself; a `kubectl apply -k` cannot.)
#   deploy/kustomize/create-secrets.sh minikube|production
# Existing Secrets are left alone, so running it again never changes a password
# that the MongoDB volume already uses.
set -euo pipefail
overlay=${1:?usage: create-secrets.sh minikube|production}
ns=taskapp
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"

random() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"; }
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }

exists taskapp-secret-key || kubectl -n "$ns" create secret generic taskapp-secret-key \
  --from-literal=secret-key="$(random 64)"

if ! exists taskapp-mongodb; then
  password=$(random 32)
  if [[ $overlay == production ]]; then # a replica set of three (values-production.yaml)
    hosts=$(for i in 0 1 2; do printf 'taskapp-mongodb-%d.taskapp-mongodb-headless.%s.svc:27017,' "$i" "$ns"; done)
    uri="mongodb://root:$password@${hosts%,}/taskapp?authSource=admin&replicaSet=rs0"
  else
    uri="mongodb://root:$password@taskapp-mongodb.$ns.svc:27017/taskapp?authSource=admin"
  fi
  kubectl -n "$ns" create secret generic taskapp-mongodb \
    --from-literal=mongodb-root-password="$password" \
    --from-literal=mongodb-uri="$uri" \
    --from-literal=mongodb-replica-set-key="$(random 756)"
fi

if [[ $overlay == minikube ]] && ! exists taskapp-grafana; then
  kubectl -n "$ns" create secret generic taskapp-grafana --from-literal=admin-password="$(random 24)"
fi
echo "Secrets ready in namespace $ns. Next: kubectl apply -k deploy/kustomize/overlays/$overlay"
