#!/usr/bin/env bash
# A stand-in for kubectl, helm, kind, minikube, docker and curl (linked under those
# names): records each call as one line "NAME ARGS..." in $E2E_FAKE_LOG and answers
# what scripts/e2e/run.sh reads back. Knobs (environment):
#   E2E_FAKE_FAIL=TEXT        a call whose line contains TEXT fails (exit 1)
#   E2E_FAKE_CLUSTER_DOWN=1   `kubectl version` fails: no reachable cluster
#   E2E_FAKE_FOREIGN_NS=NS    namespace NS exists without the e2e label
#   E2E_FAKE_API_STATUS=CODE  what GET /api/v1/tasks answers (default 200)
set -uo pipefail
name=$(basename "$0")
line="$name $*"
printf '%s\n' "$line" >>"$E2E_FAKE_LOG"
if [[ -n ${E2E_FAKE_FAIL:-} && $line == *"$E2E_FAKE_FAIL"* ]]; then
  echo "fake $name: failing as told" >&2
  exit 1
fi

# Namespaces made by `kubectl create namespace` exist (labelled, as the script
# labels them); E2E_FAKE_FOREIGN_NS exists without the label.
fake_namespace() {
  local ns=${line#kubectl get namespace }
  ns=${ns%% *}
  if grep -qx "$ns" "$E2E_FAKE_LOG.namespaces" 2>/dev/null; then
    [[ $line == *" -l "* ]] && echo "namespace/$ns"
    return 0
  fi
  [[ $ns == "${E2E_FAKE_FOREIGN_NS:-}" ]]
}

fake_kubectl() {
  case $line in
    "kubectl version"*) [[ -z ${E2E_FAKE_CLUSTER_DOWN:-} ]] ;;
    "kubectl config current-context") echo kind-e2e ;;
    "kubectl create namespace "*) echo "${line##* }" >>"$E2E_FAKE_LOG.namespaces" ;;
    "kubectl get namespace "*) fake_namespace ;;
    *"get secret"*) return 1 ;; # create-secrets.sh then creates every Secret
    *create_api_token*) echo tsk_fake ;;
    *"exec mongo-shell -- sh -c ls"*) echo /backup/taskapp-20261202T031700Z.archive.gz ;;
    *"get jobs -l"*component=migrate*) printf 'taskapp-migrate-1\ntaskapp-migrate-2\n' ;;
    *"get statefulset"*image*) echo mongo:7.0.14 ;;
    *"get statefulset"*eplicas*) echo 3 ;;
    *"get deploy/taskapp-api"*image*) echo taskapp-api:e2e-2 ;;
    "kubectl kustomize"*) printf '        image: taskapp-api:0.1.0\n        image: "taskapp-ui:0.1.0"\n' ;;
  esac
}

fake_curl() { # writes the body to -o FILE, prints the status as -w does
  local out=/dev/null method=GET data="" url="" previous=""
  for arg in "$@"; do
    case $previous in -o) out=$arg ;; -X) method=$arg ;; --data) data=$arg ;; esac
    previous=$arg
    url=$arg
  done
  local path=/${url#http://*/} gone=$E2E_FAKE_LOG.gone
  case "$method $path" in
    "POST /api/v1/tasks")
      local id=round-trip
      [[ $data == *marker* ]] && id=marker
      printf '{"id": "%s", "title": "e2e %s"}' "$id" "$id" >"$out"
      printf 201 ;;
    DELETE*/permanent) echo "${path%/permanent}" >>"$gone"; : >"$out"; printf 204 ;;
    DELETE*) : >"$out"; printf 204 ;;
    "GET /api/v1/tasks") echo '{"items": []}' >"$out"; printf '%s' "${E2E_FAKE_API_STATUS:-200}" ;;
    "GET /api/v1/tasks/"*)
      if grep -qx "$path" "$gone" 2>/dev/null; then echo '{}' >"$out"; printf 404; return; fi
      printf '{"id": "%s", "title": "e2e marker"}' "${path##*/}" >"$out"
      printf 200 ;;
    "GET /healthz") echo '{"status": "ok"}' >"$out"; printf 200 ;;
    "GET /accounts/login/") echo '<form><input name="csrfmiddlewaretoken"></form>' >"$out"; printf 200 ;;
    *) printf 404 ;;
  esac
}

case $name in
  kubectl) fake_kubectl ;;
  helm) [[ $line == *"status"*"-o json"* ]] && echo '{"version": 2}'; true ;;
  minikube) [[ $line == *" ip"* ]] && echo 192.168.49.2; true ;;
  curl) fake_curl "$@" ;;
  *) true ;;
esac
