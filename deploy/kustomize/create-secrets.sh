#!/usr/bin/env bash
# Create the Secrets the Kustomize manifests expect, once per cluster, with random
# values. (The Helm chart generates these itself; a `kubectl apply -k` cannot.)
#   deploy/kustomize/create-secrets.sh minikube|production
# Existing Secrets are left alone, so running it again never changes a password
# that the MongoDB volume already uses. Names and keys match what the chart
# generates (deploy/helm/taskapp/templates/secrets.yaml).
set -euo pipefail
overlay=${1:-}
case $overlay in
  minikube | production) ;;
  *)
    echo "create-secrets.sh: unknown overlay '$overlay' (use minikube or production)" >&2
    exit 2
    ;;
esac
ns=taskapp
app_user=taskapp # mongodb.auth.appUsername
database=taskapp # mongodb.database
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"

# N random letters and digits. `tr </dev/urandom | head -c N` would end with tr
# killed by SIGPIPE (status 141), which `set -o pipefail` turns into a failed
# assignment: here every reader takes all of a finite input instead.
random() {
  local out=""
  while ((${#out} < $1)); do
    out+=$(head -c 1024 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  done
  printf '%s' "${out:0:$1}"
}
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }

if ! exists taskapp-secret-key; then
  secret_key=$(random 64)
  kubectl -n "$ns" create secret generic taskapp-secret-key --from-literal=secret-key="$secret_key"
fi

if ! exists taskapp-mongodb; then
  root_password=$(random 32)
  app_password=$(random 32)
  replica_set_key=$(random 756)
  if [[ $overlay == production ]]; then # a replica set of three (values-production.yaml)
    hosts=$(for i in 0 1 2; do printf 'taskapp-mongodb-%d.taskapp-mongodb-headless.%s.svc:27017,' "$i" "$ns"; done)
    options="authSource=$database&replicaSet=rs0"
  else
    hosts="taskapp-mongodb.$ns.svc:27017,"
    options="authSource=$database"
  fi
  # The app logs in as its own readWrite user (created by the chart's initdb script
  # and mongodb-users Job); root stays for backups and administration.
  kubectl -n "$ns" create secret generic taskapp-mongodb \
    --from-literal=mongodb-root-password="$root_password" \
    --from-literal=mongodb-app-password="$app_password" \
    --from-literal=mongodb-uri="mongodb://$app_user:$app_password@${hosts%,}/$database?$options" \
    --from-literal=mongodb-replica-set-key="$replica_set_key"
fi

if [[ $overlay == minikube ]] && ! exists taskapp-grafana; then
  grafana_password=$(random 24)
  kubectl -n "$ns" create secret generic taskapp-grafana --from-literal=admin-password="$grafana_password"
fi
echo "Secrets ready in namespace $ns. Next: kubectl apply -k deploy/kustomize/overlays/$overlay"
