#!/usr/bin/env bash
# End-to-end on a real cluster: the path a user takes, from source to a running,
# upgraded, backed-up, restored and reinstalled Taskapp (docs/testing.md).
#
#   scripts/e2e/run.sh            all steps against the current kubeconfig
#   E2E_STEPS="build load install" scripts/e2e/run.sh   a subset, in the given order
#
# Without a reachable cluster it prints one "skipped" line and exits 0, unless
# E2E_REQUIRE_CLUSTER=1 (CI), where that is a failure. On a failing step it
# collects logs, `kubectl describe` and events into $ARTIFACTS/e2e and exits 1.
#
# Settings (environment):
#   E2E_LOADER          kind | minikube | none (default: from the kubeconfig context)
#   E2E_KIND_CLUSTER    kind cluster name (default: the context without "kind-")
#   E2E_MINIKUBE_PROFILE minikube profile (default: minikube)
#   E2E_INGRESS_CLASS   IngressClass of the controller (default: traefik; nginx on minikube)
#   E2E_INGRESS_ADDRESS ip:port of the ingress controller (default: 127.0.0.1:8080,
#                       the port scripts/e2e/kind-up.sh maps; minikube: `minikube ip`:80)
#   E2E_NAMESPACE       namespace of the release under test (default: taskapp-e2e)
#   E2E_TIMEOUT         timeout of each wait (default: 10m)
#   ARTIFACTS           where failure reports go (default: ./test-artifacts)
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHART=$ROOT/deploy/helm/taskapp
VALUES=$ROOT/scripts/e2e/values.yaml
OVERLAY=$ROOT/deploy/kustomize/overlays/minikube
DOCKER=${DOCKER:-docker}

RELEASE=taskapp # the chart's names below (taskapp-api, taskapp-mongodb-backup) follow from it
NS=${E2E_NAMESPACE:-taskapp-e2e}
RESTORE_NS=${E2E_RESTORE_NAMESPACE:-$NS-restore}
KUSTOMIZE_NS=taskapp # fixed by deploy/kustomize/base/namespace.yaml
TIMEOUT=${E2E_TIMEOUT:-10m}
POLL=${E2E_POLL_SECONDS:-0.2}
MIN_REQUESTS=${E2E_MIN_REQUESTS:-20}
TAG_OLD=${E2E_TAG:-e2e-1}
TAG_NEW=${E2E_TAG_NEXT:-e2e-2}
UI_HOST=taskapp.e2e.test
API_HOST=api.taskapp.e2e.test
RESTORE_UI_HOST=taskapp.restore.e2e.test
RESTORE_API_HOST=api.taskapp.restore.e2e.test
E2E_LABEL=taskapp.acme.com/e2e=true # marks namespaces this script may delete or reuse

ART=${ARTIFACTS:-$ROOT/test-artifacts}/e2e
WORK=$(mktemp -d)
ALL_STEPS="build load install helm_test round_trip upgrade replica_set backup_restore reinstall kustomize"
STEP=preflight
EXTRA_SETS=() # values added on the way (the replica set), kept for every later install
LOOP_PID=""

log() { printf '==> %s\n' "$*"; }
die() { printf 'e2e: %s\n' "$*" >&2; return 1; }

# --- Preflight: a cluster, or a clean skip ---------------------------------------

cluster_reachable() {
  command -v kubectl >/dev/null 2>&1 && kubectl version --request-timeout=5s >/dev/null 2>&1
}

skip_or_fail_without_cluster() {
  cluster_reachable && return 0
  local why
  why="no reachable Kubernetes cluster (kubectl version failed for context '$(current_context)'; start kind or minikube, or set KUBECONFIG)"
  if [[ ${E2E_REQUIRE_CLUSTER:-0} == 1 ]]; then
    echo "e2e: FAILED: $why" >&2
    exit 1
  fi
  echo "e2e: skipped: $why"
  exit 0
}

current_context() { kubectl config current-context 2>/dev/null || echo none; }

require_tools() {
  local tool
  for tool in helm "$DOCKER" curl python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (needed with a reachable cluster)"
  done
}

detect_loader() {
  local context
  context=$(current_context)
  case ${E2E_LOADER:-} in
    kind | minikube | none) echo "$E2E_LOADER" ;;
    "") case $context in kind-*) echo kind ;; minikube) echo minikube ;; *) echo none ;; esac ;;
    *) die "E2E_LOADER must be kind, minikube or none, not '$E2E_LOADER'" ;;
  esac
}

# A namespace this run may use: absent, or made by an earlier run (labelled).
claim_namespace() {
  local ns=$1
  if kubectl get namespace "$ns" >/dev/null 2>&1; then
    [[ -n $(kubectl get namespace "$ns" -l "$E2E_LABEL" -o name) ]] ||
      die "namespace $ns exists and was not made by this script; refusing to touch it (set E2E_NAMESPACE or delete it)"
    return 0
  fi
  kubectl create namespace "$ns" >/dev/null
  kubectl label namespace "$ns" "$E2E_LABEL" >/dev/null
}

# --- Failure report ---------------------------------------------------------------

collect_namespace() {
  local ns=$1 dir=$ART/$1 pod
  kubectl get namespace "$ns" >/dev/null 2>&1 || return 0
  mkdir -p "$dir/logs"
  kubectl -n "$ns" get all,pvc,jobs,cronjobs,ingress,secrets,networkpolicies -o wide >"$dir/resources.txt" 2>&1 || true
  kubectl -n "$ns" describe pods,jobs,statefulsets,deployments,pvc >"$dir/describe.txt" 2>&1 || true
  kubectl -n "$ns" get events --sort-by=.lastTimestamp >"$dir/events.txt" 2>&1 || true
  for pod in $(kubectl -n "$ns" get pods -o name 2>/dev/null); do
    kubectl -n "$ns" logs "$pod" --all-containers --prefix --tail=500 >"$dir/logs/${pod#pod/}.log" 2>&1 || true
    kubectl -n "$ns" logs "$pod" --all-containers --prefix --previous >"$dir/logs/${pod#pod/}.previous.log" 2>/dev/null || true
  done
  helm -n "$ns" history "$RELEASE" >"$dir/helm-history.txt" 2>&1 || true
  helm -n "$ns" status "$RELEASE" --show-resources >"$dir/helm-status.txt" 2>&1 || true
}

on_failure() {
  local status=$?
  trap - ERR
  # A failure inside $(...) or the request loop is reported once, by the main shell.
  ((BASH_SUBSHELL == 0)) || exit "$status"
  stop_request_loop
  mkdir -p "$ART"
  echo "$STEP" >"$ART/failed-step.txt"
  cp "$WORK"/*.log "$ART/" 2>/dev/null || true
  local ns
  for ns in "$NS" "$RESTORE_NS" "$KUSTOMIZE_NS"; do collect_namespace "$ns"; done
  kubectl get nodes -o wide >"$ART/nodes.txt" 2>&1 || true
  kubectl get events -A --sort-by=.lastTimestamp >"$ART/events-all.txt" 2>&1 || true
  echo "e2e: FAILED at step '$STEP' (exit $status); logs, describe and events in $ART" >&2
  exit 1
}

cleanup() {
  stop_request_loop
  rm -rf "$WORK"
}

# --- Helpers: Helm, kubectl, HTTP through the ingress ------------------------------

# Every install and upgrade of the release under test goes through here, so the
# values stay the same between steps (only the tag and EXTRA_SETS change).
helm_install() {
  local ns=$1 tag=$2 ui_host=$3 api_host=$4
  helm upgrade --install "$RELEASE" "$CHART" --namespace "$ns" \
    -f "$VALUES" --set image.tag="$tag" \
    --set ingress.className="$INGRESS_CLASS" \
    --set ingress.uiHost="$ui_host" --set ingress.apiHost="$api_host" \
    "${EXTRA_SETS[@]}" --wait --timeout "$TIMEOUT"
}

helm_revision() { helm -n "$1" status "$RELEASE" -o json | json_get version "helm status"; }

manage() { # manage.py inside the running API pod of namespace $1
  local ns=$1
  shift
  kubectl -n "$ns" exec "deploy/$RELEASE-api" -c api -- python manage.py "$@"
}

# curl through the ingress controller: the Host names resolve to its address.
http() { # http METHOD HOST PATH [BODY]: prints the status, body in $WORK/body
  local method=$1 host=$2 path=$3 body=${4:-}
  local args=(-sS -o "$WORK/body" -w '%{http_code}' --max-time 10 -X "$method"
    --resolve "$host:$INGRESS_PORT:$INGRESS_IP" -H "Authorization: Bearer ${TOKEN:-}")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  curl "${args[@]}" "http://$host:$INGRESS_PORT$path"
}

expect_status() { # expect_status WANT METHOD HOST PATH [BODY]
  local want=$1 got
  shift
  got=$(http "$@") || got=000
  [[ $got == "$want" ]] || die "$1 $2$3 answered $got, expected $want: $(head -c 300 "$WORK/body" 2>/dev/null)"
}

# The controller picks up a new Ingress a moment after Helm returns: wait until
# the host routes (/healthz answers 200 without the database), up to 2 minutes.
wait_for_ingress() { # wait_for_ingress HOST
  local tries=0
  until [[ $(http GET "$1" /healthz || true) == 200 ]]; do
    ((++tries < 120)) || die "http://$1/ is not routed by the ingress controller at $INGRESS_IP:$INGRESS_PORT after 2 minutes"
    sleep 1
  done
}

# One field of a JSON document on stdin; a one-line error when it is not there.
json_get() {
  python3 -c '
import json, sys
try:
    print(json.load(sys.stdin)[sys.argv[1]])
except (ValueError, KeyError, TypeError) as exc:
    sys.exit(f"e2e: no {sys.argv[1]!r} in {sys.argv[2]}: {type(exc).__name__}: {exc}")' "$@"
}

json_field() { json_get "$1" "the answer" <"$WORK/body"; }

job_succeeded() { # job_succeeded NS NAME
  kubectl -n "$1" wait --for=condition=complete "job/$2" --timeout="$TIMEOUT" >/dev/null
}

# The migration Job of a Helm revision (the chart names them per revision).
check_migrate_job() {
  local ns=$1 revision=$2 name
  name=$(kubectl -n "$ns" get jobs -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=migrate" \
    -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | grep -E -- "-$revision\$" | head -1) || true
  [[ -n $name ]] || die "no migration Job for revision $revision in $ns (jobs: $(kubectl -n "$ns" get jobs -o name | tr '\n' ' '))"
  job_succeeded "$ns" "$name"
  log "migrations ran: job/$name completed (revision $revision)"
}

# The task made in round_trip must survive every later step.
check_marker() { # check_marker API_HOST
  expect_status 200 GET "$1" "/api/v1/tasks/$MARKER_ID"
  grep -q '"e2e marker"' "$WORK/body" || die "task $MARKER_ID on $1 lost its title: $(head -c 300 "$WORK/body")"
  log "the marker task is there on $1"
}

# A pod with the mongo tools, the release's MongoDB Secret and (optionally) the
# backup volume; labelled as a MongoDB client so the NetworkPolicy lets it in.
start_mongo_shell() { # start_mongo_shell NS [PVC]
  local ns=$1 pvc=${2:-} image volume
  image=$(kubectl -n "$ns" get statefulset "$RELEASE-mongodb" -o jsonpath='{.spec.template.spec.containers[0].image}')
  volume='{"name": "backup", "emptyDir": {}}'
  [[ -n $pvc ]] && volume="{\"name\": \"backup\", \"persistentVolumeClaim\": {\"claimName\": \"$pvc\"}}"
  kubectl -n "$ns" delete pod mongo-shell --ignore-not-found --wait=true >/dev/null
  kubectl -n "$ns" apply -f - >/dev/null <<EOF
{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "mongo-shell", "labels": {"app.kubernetes.io/instance": "$RELEASE", "taskapp.acme.com/mongodb-client": "true"}},
 "spec": {"restartPolicy": "Never", "securityContext": {"runAsUser": 999, "runAsGroup": 999, "fsGroup": 999, "runAsNonRoot": true},
  "containers": [{"name": "shell", "image": "$image", "command": ["sleep", "3600"],
   "volumeMounts": [{"name": "backup", "mountPath": "/backup"}, {"name": "secrets", "mountPath": "/run/secrets/mongodb", "readOnly": true}]}],
  "volumes": [$volume, {"name": "secrets", "secret": {"secretName": "$RELEASE-mongodb"}}]}}
EOF
  kubectl -n "$ns" wait --for=condition=Ready pod/mongo-shell --timeout="$TIMEOUT" >/dev/null
}

stop_mongo_shell() { kubectl -n "$1" delete pod mongo-shell --ignore-not-found --wait=false >/dev/null; }

newest_archive() { # newest_archive NS: the newest backup on the volume, via mongo-shell
  kubectl -n "$1" exec mongo-shell -- sh -c 'ls -1t /backup/*.archive.gz | head -1' | xargs -r basename
}

# --- The request loop of the upgrade: one status per line, until told to stop ------

request_loop() { # request_loop OUT STOPFILE
  local out=$1 stop=$2 code
  while :; do
    code=$(http GET "$API_HOST" /api/v1/tasks) || code=000
    echo "api $code" >>"$out"
    code=$(http GET "$UI_HOST" /accounts/login/) || code=000
    echo "ui $code" >>"$out"
    [[ -e $stop ]] && return 0
    sleep "$POLL"
  done
}

wait_for_file() { # wait_for_file PATH: up to 60 s
  local tries=0
  until [[ -s $1 ]]; do
    ((++tries < 600)) || die "$1 never appeared"
    sleep 0.1
  done
}

stop_request_loop() {
  [[ -n $LOOP_PID ]] || return 0
  touch "$WORK/stop"
  wait "$LOOP_PID" 2>/dev/null || true
  LOOP_PID=""
}

check_request_log() { # 0 failures, and enough requests to mean something
  local file=$1 total failed
  total=$(wc -l <"$file")
  failed=$(grep -cv ' 200$' "$file") || true
  log "requests during the upgrade: $total, failed: $failed"
  ((failed == 0)) || die "$failed of $total requests failed during the upgrade: $(grep -v ' 200$' "$file" | sort | uniq -c | tr '\n' ' ')"
  ((total >= MIN_REQUESTS)) || die "only $total requests ran during the upgrade (want >= $MIN_REQUESTS)"
}

# --- Steps -------------------------------------------------------------------------

build_image() { # build_image COMPONENT TAG
  "$DOCKER" build --quiet --target "$1" --build-arg VERSION="$2" --build-arg REVISION="$2" \
    -t "taskapp-$1:$2" "$ROOT" >/dev/null
}

step_build() {
  # Two builds differing only in their labels: the upgrade then really changes the image.
  local component tag
  for tag in "$TAG_OLD" "$TAG_NEW"; do
    for component in api ui; do build_image "$component" "$tag"; done
  done
}

load_images() {
  case $LOADER in
    kind) kind load docker-image --name "$KIND_CLUSTER" "$@" ;;
    minikube) local image; for image in "$@"; do minikube -p "$MINIKUBE_PROFILE" image load "$image"; done ;;
    none) log "E2E_LOADER=none: the cluster must pull $* itself" ;;
  esac
}

step_load() {
  load_images "taskapp-api:$TAG_OLD" "taskapp-ui:$TAG_OLD" "taskapp-api:$TAG_NEW" "taskapp-ui:$TAG_NEW"
}

step_install() {
  claim_namespace "$NS"
  helm_install "$NS" "$TAG_OLD" "$UI_HOST" "$API_HOST"
  check_migrate_job "$NS" "$(helm_revision "$NS")"
}

step_helm_test() {
  helm -n "$NS" test "$RELEASE" --timeout "$TIMEOUT" --logs
}

create_user_and_token() { # sets TOKEN: an e2e user (made once) and a fresh token
  manage "$NS" shell -c "from django.contrib.auth import get_user_model as m; U = m(); U.objects.filter(username='e2e').exists() or U.objects.create_user('e2e', password='e2e-$RANDOM$RANDOM')"
  TOKEN=$(manage "$NS" create_api_token e2e "e2e run $(date -u +%H%M%S)" 2>/dev/null | tail -1)
  [[ $TOKEN == tsk_* ]] || die "create_api_token printed no token"
}

step_round_trip() {
  wait_for_ingress "$API_HOST"
  wait_for_ingress "$UI_HOST"
  create_user_and_token
  expect_status 201 POST "$API_HOST" /api/v1/tasks '{"title": "e2e round trip"}'
  local id
  id=$(json_field id)
  expect_status 200 GET "$API_HOST" "/api/v1/tasks/$id"
  expect_status 204 DELETE "$API_HOST" "/api/v1/tasks/$id" # to the trash
  expect_status 204 DELETE "$API_HOST" "/api/v1/tasks/$id/permanent"
  expect_status 404 GET "$API_HOST" "/api/v1/tasks/$id"
  expect_status 201 POST "$API_HOST" /api/v1/tasks '{"title": "e2e marker"}'
  MARKER_ID=$(json_field id)
  expect_status 200 GET "$UI_HOST" /accounts/login/
  grep -q 'csrfmiddlewaretoken' "$WORK/body" || die "the UI login page through the ingress has no form"
  log "API round trip and UI page through the ingress: ok"
}

step_upgrade() {
  rm -f "$WORK/stop"
  request_loop "$WORK/requests.log" "$WORK/stop" &
  LOOP_PID=$!
  wait_for_file "$WORK/requests.log" # the loop runs before the upgrade starts
  helm_install "$NS" "$TAG_NEW" "$UI_HOST" "$API_HOST"
  stop_request_loop
  check_request_log "$WORK/requests.log"
  check_migrate_job "$NS" "$(helm_revision "$NS")"
  local image
  image=$(kubectl -n "$NS" get "deploy/$RELEASE-api" -o jsonpath='{.spec.template.spec.containers[0].image}')
  [[ $image == *":$TAG_NEW" ]] || die "the API runs $image after the upgrade, not tag $TAG_NEW"
}

backup_now() { # backup_now NS NAME: one run of the backup CronJob
  kubectl -n "$1" create job --from="cronjob/$RELEASE-mongodb-backup" "$2" >/dev/null
  job_succeeded "$1" "$2"
}

# The replica set is up: the revision's rs-init Job ran and every member is ready.
check_replica_set() { # check_replica_set NS REVISION
  local ns=$1 revision=$2 want ready
  job_succeeded "$ns" "$RELEASE-mongodb-rs-init-$revision"
  want=$(kubectl -n "$ns" get "statefulset/$RELEASE-mongodb" -o jsonpath='{.spec.replicas}')
  ready=$(kubectl -n "$ns" get "statefulset/$RELEASE-mongodb" -o jsonpath='{.status.readyReplicas}')
  ((want >= 3 && ready == want)) || die "replica set: $ready of $want members ready"
  log "replica set of $want members, initiated by revision $revision"
}

# docs/deploy.md, switching a standalone server to a replica set: a backup
# first, the upgrade, then the app pods restart to read the new URI.
step_replica_set() {
  backup_now "$NS" e2e-before-rs
  EXTRA_SETS+=(--set mongodb.replicaSet.enabled=true)
  helm_install "$NS" "$TAG_NEW" "$UI_HOST" "$API_HOST"
  kubectl -n "$NS" rollout status "statefulset/$RELEASE-mongodb" --timeout="$TIMEOUT"
  check_replica_set "$NS" "$(helm_revision "$NS")"
  kubectl -n "$NS" rollout restart "deploy/$RELEASE-api" "deploy/$RELEASE-ui"
  kubectl -n "$NS" rollout status "deploy/$RELEASE-api" --timeout="$TIMEOUT"
  kubectl -n "$NS" rollout status "deploy/$RELEASE-ui" --timeout="$TIMEOUT"
  check_marker "$API_HOST"
}

# A backup of the release under test, restored into a fresh install elsewhere.
step_backup_restore() {
  backup_now "$NS" e2e-backup
  start_mongo_shell "$NS" "$RELEASE-mongodb-backup"
  ARCHIVE=$(newest_archive "$NS")
  [[ -n $ARCHIVE ]] || die "the backup Job wrote no archive"
  kubectl -n "$NS" cp "mongo-shell:/backup/$ARCHIVE" "$WORK/$ARCHIVE"
  stop_mongo_shell "$NS"

  claim_namespace "$RESTORE_NS"
  helm_install "$RESTORE_NS" "$TAG_NEW" "$RESTORE_UI_HOST" "$RESTORE_API_HOST"
  start_mongo_shell "$RESTORE_NS"
  kubectl -n "$RESTORE_NS" cp "$WORK/$ARCHIVE" "mongo-shell:/backup/$ARCHIVE"
  # The restore command of docs/deploy.md, "Back up and restore".
  kubectl -n "$RESTORE_NS" exec mongo-shell -- sh -c \
    "mongorestore --uri=\"\$(cat /run/secrets/mongodb/mongodb-uri)\" --drop --gzip --archive=/backup/$ARCHIVE"
  stop_mongo_shell "$RESTORE_NS"
  wait_for_ingress "$RESTORE_API_HOST"
  check_marker "$RESTORE_API_HOST" # the token came along with the data
  helm -n "$RESTORE_NS" uninstall "$RELEASE" --wait
  kubectl delete namespace "$RESTORE_NS" --wait=false
}

step_reinstall() {
  helm -n "$NS" uninstall "$RELEASE" --wait
  kubectl -n "$NS" get pvc "data-$RELEASE-mongodb-0" "$RELEASE-mongodb-backup" >/dev/null ||
    die "uninstall deleted a data or backup volume"
  helm_install "$NS" "$TAG_NEW" "$UI_HOST" "$API_HOST"
  check_migrate_job "$NS" "$(helm_revision "$NS")"
  wait_for_ingress "$API_HOST"
  check_marker "$API_HOST"
  start_mongo_shell "$NS" "$RELEASE-mongodb-backup"
  kubectl -n "$NS" exec mongo-shell -- test -s "/backup/$ARCHIVE" ||
    die "the backup $ARCHIVE did not survive the reinstall"
  stop_mongo_shell "$NS"
  log "reinstall kept the data and the backup $ARCHIVE"
}

overlay_images() { kubectl kustomize "$OVERLAY" | sed -n 's/^ *image: *"\{0,1\}\(taskapp-[a-z]*:[^"]*\)"\{0,1\}$/\1/p' | sort -u; }

step_kustomize() {
  claim_namespace "$KUSTOMIZE_NS"
  local image images=()
  for image in $(overlay_images); do
    "$DOCKER" tag "${image%%:*}:$TAG_NEW" "$image"
    images+=("$image")
  done
  ((${#images[@]} > 0)) || die "the minikube overlay names no taskapp image"
  load_images "${images[@]}"
  (cd "$ROOT" && deploy/kustomize/create-secrets.sh minikube)
  kubectl apply -k "$OVERLAY"
  kubectl -n "$KUSTOMIZE_NS" wait --for=condition=complete job -l app.kubernetes.io/component=migrate --timeout="$TIMEOUT"
  kubectl -n "$KUSTOMIZE_NS" wait --for=condition=Available deployment --all --timeout="$TIMEOUT"
}

# --- Main --------------------------------------------------------------------------

run_step() {
  STEP=$1
  [[ " $ALL_STEPS " == *" $STEP "* ]] || die "unknown step '$STEP' (steps: $ALL_STEPS)"
  log "step $STEP"
  "step_$STEP"
  echo "$STEP" >>"$WORK/steps-done.log"
}

main() {
  trap cleanup EXIT
  skip_or_fail_without_cluster
  trap on_failure ERR
  require_tools
  LOADER=$(detect_loader)
  KIND_CLUSTER=${E2E_KIND_CLUSTER:-$(current_context | sed 's/^kind-//')}
  MINIKUBE_PROFILE=${E2E_MINIKUBE_PROFILE:-minikube}
  local default_address=127.0.0.1:8080 default_class=traefik
  if [[ $LOADER == minikube ]]; then
    default_address="$(minikube -p "$MINIKUBE_PROFILE" ip):80"
    default_class=nginx
  fi
  local address=${E2E_INGRESS_ADDRESS:-$default_address}
  INGRESS_IP=${address%:*}
  INGRESS_PORT=${address##*:}
  INGRESS_CLASS=${E2E_INGRESS_CLASS:-$default_class}
  rm -rf "$ART"
  log "cluster: $(current_context), loader: $LOADER, ingress: $INGRESS_CLASS at $address"
  local step
  for step in ${E2E_STEPS:-$ALL_STEPS}; do run_step "$step"; done
  echo "e2e: passed ($(tr '\n' ' ' <"$WORK/steps-done.log"))"
}

main "$@"
