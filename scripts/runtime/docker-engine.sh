#!/usr/bin/env bash
# Start or stop a private Docker engine for `make images` / `make smoke`.
#
#   docker-engine.sh start   prints "started" (we started it) or "running" (it was up)
#   docker-engine.sh stop    stops the engine we started (by the pid in its pidfile)
#   docker-engine.sh env     prints DOCKER_HOST=... for the engine's socket
#
# Everything lives under $CACHE_DIR/docker (data, exec root, socket, pidfile), so
# it never touches a system engine. No bridge and no iptables: the build machines
# cannot change the firewall, so builds and containers use --network host.
set -euo pipefail

CACHE_DIR=${CACHE_DIR:-$HOME/.cache/taskapp}
ROOT=$CACHE_DIR/docker
SOCK=$ROOT/docker.sock
PIDFILE=$ROOT/dockerd.pid
LOG=$ROOT/dockerd.log
DOCKER=/usr/bin/docker # the client from the same package as the daemon

install_engine() {
  command -v dockerd >/dev/null && [ -x "$DOCKER" ] && return 0
  echo "Installing docker.io (apt)..." >&2
  # Another helper may hold the dpkg lock (e.g. installing Chromium): wait for it.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
    --no-install-recommends docker.io >&2
}

is_up() {
  [ -S "$SOCK" ] && "$DOCKER" -H "unix://$SOCK" version >/dev/null 2>&1
}

start() {
  if is_up; then
    echo running
    return 0
  fi
  install_engine
  mkdir -p "$ROOT/data" "$ROOT/exec"
  # A stale pidfile from a killed run makes dockerd refuse to start.
  if [ -f "$PIDFILE" ] && ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    rm -f "$PIDFILE"
  fi
  setsid dockerd --iptables=false --ip6tables=false --bridge=none \
    --data-root "$ROOT/data" --exec-root "$ROOT/exec" \
    -H "unix://$SOCK" --pidfile "$PIDFILE" >"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    if is_up; then
      echo started
      return 0
    fi
    sleep 0.5
  done
  echo "dockerd did not come up; see $LOG" >&2
  tail -20 "$LOG" >&2
  return 1
}

stop() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid=$(cat "$PIDFILE")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { echo stopped; return 0; }
    sleep 0.5
  done
  echo "dockerd ($pid) did not stop in 30 s" >&2
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "DOCKER_HOST=unix://$SOCK" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
