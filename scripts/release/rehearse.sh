#!/usr/bin/env bash
# Rehearse the release workflow's publishing offline (make test-release):
#   build both images (make images: private dockerd, debootstrap base)
#   -> push them to a registry on loopback (Debian's docker-registry, a free port)
#   -> pull them back by digest
#   -> stamp the chart as the workflow does (the version push-new-tag would set next,
#      the registry, the digests), helm package + helm push to the same registry
#   -> helm template from the oci:// reference: the app images must be exactly the
#      pushed image@digest references.
# Everything lives under $CACHE_DIR/release-rehearsal and is made afresh each run;
# the registry and (when this script started it) the Docker engine are stopped
# by pid at the end, whatever happens.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE_DIR=${CACHE_DIR:-$HOME/.cache/taskapp}
HELM=${HELM:-$CACHE_DIR/deploy-tools/bin/helm}
DOCKER=/usr/bin/docker
export DOCKER_HOST=unix://$CACHE_DIR/docker/docker.sock
WORK=$CACHE_DIR/release-rehearsal
ENGINE="$ROOT/scripts/runtime/docker-engine.sh"
REGISTRY_PID=""
REGISTRY=""
ENGINE_STARTED=""

say() { printf 'rehearsal: %s\n' "$*"; }
fail() { printf 'rehearsal: FAILED: %s\n' "$*" >&2; exit 1; }

cleanup() {
  if [ -n "$REGISTRY_PID" ]; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
  fi
  # The pushed copies: the registry's storage and the engine's names for them (the
  # port differs each run, so they would pile up).
  rm -rf "$WORK/storage"
  if [ -n "$REGISTRY" ]; then
    "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$REGISTRY/" \
      | xargs -r "$DOCKER" image rm >/dev/null 2>&1 || true
    "$DOCKER" image ls --digests --format '{{.Repository}}@{{.Digest}}' | grep "^$REGISTRY/" \
      | xargs -r "$DOCKER" image rm >/dev/null 2>&1 || true
  fi
  if [ "$ENGINE_STARTED" = started ]; then
    CACHE_DIR=$CACHE_DIR "$ENGINE" stop >/dev/null || true
  fi
}
trap cleanup EXIT

install_registry() {
  command -v docker-registry >/dev/null && return 0
  say "installing Debian's docker-registry (apt)"
  local apt=(apt-get -o DPkg::Lock::Timeout=600)
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends docker-registry \
    >/dev/null || { "${apt[@]}" update >/dev/null \
    && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends docker-registry >/dev/null; }
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_registry() {
  local port=$1
  cat >"$WORK/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
  REGISTRY_PID=$!
  for _ in $(seq 1 50); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "http://127.0.0.1:$port/v2/" 2>/dev/null && return 0
    kill -0 "$REGISTRY_PID" 2>/dev/null || break
    sleep 0.2
  done
  cat "$WORK/registry.log" >&2
  fail "the registry did not start on 127.0.0.1:$port"
}

# The version scripts/push-new-tag would give the next joint release (vX.Y.Z).
next_version() {
  (cd "$ROOT" && git tag --list) | python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from releaselib import chart_app_version, next_release
tags = sys.stdin.read().split()
print(next_release("both", "patch", tags, chart_app_version(Path(sys.argv[2]))).version)
' "$ROOT/scripts/release" "$ROOT/deploy/helm/taskapp"
}

push_image() {
  local component=$1 repo=$2 version=$3 digest
  "$DOCKER" tag "taskapp-$component:latest" "$repo:$version"
  "$DOCKER" push --quiet "$repo:$version" >/dev/null
  digest=$("$DOCKER" image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$repo:$version" \
    | sed -n "s|^$repo@||p" | head -1)
  [[ $digest =~ ^sha256:[a-f0-9]{64}$ ]] || fail "no digest for $repo:$version"
  echo "$digest"
}

pull_by_digest() {
  local component=$1 ref=$2 built pulled
  built=$("$DOCKER" image inspect --format '{{.Id}}' "taskapp-$component:latest")
  "$DOCKER" image rm "${ref%@*}:$VERSION" >/dev/null
  "$DOCKER" pull --quiet "$ref" >/dev/null
  pulled=$("$DOCKER" image inspect --format '{{.Id}}' "$ref")
  [ "$built" = "$pulled" ] || fail "$ref is $pulled, not the image built ($built)"
}

main() {
  local started_at=$SECONDS port registry chart rendered expected
  rm -rf "$WORK" && mkdir -p "$WORK/storage"
  install_registry
  ENGINE_STARTED=$(CACHE_DIR=$CACHE_DIR "$ENGINE" start)
  port=$(free_port)
  start_registry "$port"
  registry=127.0.0.1:$port/rehearsal
  REGISTRY=$registry
  VERSION=$(next_version)
  say "registry on 127.0.0.1:$port (pid $REGISTRY_PID); release $VERSION"

  say "building both images (make images)"
  make -C "$ROOT" --no-print-directory images >/dev/null

  declare -A DIGEST
  for component in api ui; do
    DIGEST[$component]=$(push_image "$component" "$registry/taskapp-$component" "$VERSION")
    pull_by_digest "$component" "$registry/taskapp-$component@${DIGEST[$component]}"
    say "pushed and pulled back $registry/taskapp-$component@${DIGEST[$component]}"
  done

  chart=$WORK/chart/taskapp
  mkdir -p "$WORK/chart" && cp -r "$ROOT/deploy/helm/taskapp" "$chart"
  "$ROOT/scripts/release/stamp-chart" "$chart" --version "$VERSION" --registry "$registry" \
    --api-digest "${DIGEST[api]}" --ui-digest "${DIGEST[ui]}"
  "$HELM" package "$chart" --destination "$WORK/dist" >/dev/null
  "$HELM" push "$WORK/dist/taskapp-$VERSION.tgz" "oci://$registry/charts" --plain-http >/dev/null 2>&1 \
    || fail "helm push to oci://$registry/charts"
  say "pushed oci://$registry/charts/taskapp --version $VERSION"

  rendered=$("$HELM" template taskapp "oci://$registry/charts/taskapp" --version "$VERSION" \
    --plain-http 2>/dev/null | sed -n 's/^ *image: "\{0,1\}\([^"]*taskapp-\(api\|ui\)[^"]*\)"\{0,1\}$/\1/p' | sort -u)
  expected=$(printf '%s\n' "$registry/taskapp-api@${DIGEST[api]}" "$registry/taskapp-ui@${DIGEST[ui]}")
  if [ "$rendered" != "$expected" ]; then
    printf 'expected:\n%s\nrendered:\n%s\n' "$expected" "$rendered" >&2
    fail "the chart from oci:// does not name the pushed digests"
  fi
  "$HELM" show chart "oci://$registry/charts/taskapp" --version "$VERSION" --plain-http 2>/dev/null \
    | grep -qx "appVersion: \"\{0,1\}$VERSION\"\{0,1\}" || fail "the pushed chart's appVersion is not $VERSION"
  say "helm template oci://$registry/charts/taskapp renders exactly:"
  printf '  %s\n' $rendered
  say "ok in $((SECONDS - started_at)) s"
}

main "$@"
