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

# Trim what a runtime never reads: package caches and lists, docs, man pages, locales.
rm -rf "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/* \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
  "$ROOTFS"/var/log/* "$ROOTFS"/var/cache/debconf/*-old
find "$ROOTFS"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
# What only package management needs (the images install nothing with apt/dpkg:
# the builder stage uses `python3 -m venv` and pip, the runtime Python alone):
# apt, Perl (dpkg's maintainer scripts and debconf), glibc's iconv modules
# (Python has its own codecs), Python's 2to3 and pydoc topics. Kept: dpkg's
# database (scanners such as trivy read it to list the packages), ensurepip and
# its wheels (`python3 -m venv`), tzdata's zoneinfo (Django's time zones).
rm -rf "$ROOTFS"/usr/bin/apt* "$ROOTFS"/usr/lib/apt "$ROOTFS"/usr/lib/*-linux-gnu/libapt-* \
  "$ROOTFS"/usr/bin/perl* "$ROOTFS"/usr/lib/*-linux-gnu/perl-base "$ROOTFS"/usr/share/perl5 \
  "$ROOTFS"/usr/share/debconf "$ROOTFS"/usr/lib/*-linux-gnu/gconv \
  "$ROOTFS"/usr/lib/python3.11/lib2to3 "$ROOTFS"/usr/lib/python3.11/pydoc_data \
  "$ROOTFS"/usr/share/common-licenses "$ROOTFS"/var/cache/* "$ROOTFS"/etc/apt

tar -C "$ROOTFS" -c . | "$DOCKER" import \
  -c 'ENV LANG=C.UTF-8' -c 'CMD ["python3"]' - "$IMAGE" >/dev/null
echo "built $IMAGE"
