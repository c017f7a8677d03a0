#!/usr/bin/env bash
# Build local/python311-slim: Debian bookworm + its Python 3.11, made with
# debootstrap because Docker Hub (python:3.11-slim) is not reachable here.
# The Dockerfile's PYTHON_IMAGE build argument points at it for local builds.
# Skipped when the image exists already (delete it to rebuild).
set -euo pipefail

CACHE_DIR=${CACHE_DIR:-$HOME/.cache/taskapp}
IMAGE=${BASE_IMAGE:-local/python311-slim}
DOCKER=${DOCKER:-/usr/bin/docker}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE exists"
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
    --no-install-recommends debootstrap
fi

ROOTFS=$(mktemp -d "$CACHE_DIR/base-rootfs.XXXXXX")
trap 'rm -rf "$ROOTFS"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  bookworm "$ROOTFS" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 \
  || { tail -20 "$CACHE_DIR/debootstrap.log" >&2; exit 1; }

# What no image reads at run time (the same list the Dockerfile's runtime stage uses).
"$(dirname "$0")"/trim-python-root.sh "$ROOTFS"

tar -C "$ROOTFS" -c . | "$DOCKER" import \
  -c 'ENV LANG=C.UTF-8' -c 'CMD ["python3"]' - "$IMAGE" >/dev/null
echo "built $IMAGE"
