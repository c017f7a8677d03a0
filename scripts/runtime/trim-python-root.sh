#!/bin/sh
# Delete from a Debian root filesystem with Python 3.11 what Taskapp's images never
# read at run time. Used twice, so both bases lose the same files:
#   scripts/runtime/base-image.sh ROOT      the local debootstrap base (kept: what
#                                           the builder stage needs for a venv)
#   the Dockerfile's runtime stage: --runtime /   also pip and ensurepip, on whatever
#                                           PYTHON_IMAGE is (the official
#                                           python:3.11-slim, or the local base)
# Python lives in /usr/lib (Debian's) or /usr/local/lib (the official image); the
# paths of both are listed, a missing one is no error. docs/performance.md, "Images".
set -eu

runtime=no
if [ "${1:-}" = "--runtime" ]; then runtime=yes; shift; fi
root=${1:?usage: trim-python-root.sh [--runtime] ROOT}
root=${root%/}

# Package caches and lists, docs, man pages, logs, locales (but the alias table).
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
  "$root"/var/log/* "$root"/var/cache/debconf/*-old
if [ -d "$root/usr/share/locale" ]; then
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
fi
# What only package management needs (the images install nothing with apt or dpkg):
# apt, Perl (dpkg's maintainer scripts and debconf), glibc's iconv modules (Python
# has its own codecs), Python's 2to3, pydoc topics, IDLE and tkinter (no Tk here).
# Kept: dpkg's database (scanners such as trivy list the packages from it) and
# tzdata's zoneinfo (Django's time zones).
rm -rf "$root"/usr/bin/apt* "$root"/usr/lib/apt "$root"/usr/lib/*-linux-gnu/libapt-* \
  "$root"/usr/bin/perl* "$root"/usr/lib/*-linux-gnu/perl-base "$root"/usr/share/perl5 \
  "$root"/usr/share/debconf "$root"/usr/lib/*-linux-gnu/gconv \
  "$root"/usr/share/common-licenses "$root"/var/cache/* "$root"/etc/apt
for lib in "$root"/usr/lib/python3.11 "$root"/usr/local/lib/python3.11; do
  rm -rf "$lib"/lib2to3 "$lib"/pydoc_data "$lib"/idlelib "$lib"/tkinter "$lib"/turtledemo
done
rm -rf "$root"/usr/local/bin/2to3* "$root"/usr/local/bin/idle* "$root"/usr/local/bin/pydoc*

if [ "$runtime" = yes ]; then
  # The images run a venv made in the builder stage: no pip, no ensurepip, no wheels.
  for lib in "$root"/usr/lib/python3.11 "$root"/usr/local/lib/python3.11; do
    rm -rf "$lib"/ensurepip "$lib"/site-packages/pip "$lib"/site-packages/pip-* \
      "$lib"/site-packages/setuptools "$lib"/site-packages/setuptools-* \
      "$lib"/site-packages/_distutils_hack "$lib"/site-packages/distutils-precedence.pth \
      "$lib"/site-packages/pkg_resources "$lib"/site-packages/wheel "$lib"/site-packages/wheel-*
  done
  rm -rf "$root"/usr/share/python-wheels "$root"/usr/local/bin/pip*
fi
