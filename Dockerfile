# Taskapp's two images from one code base: `--target api` (taskapp-api) and
# `--target ui` (taskapp-ui). docs/operations.md describes how they run.
#
# PYTHON_IMAGE is the official Python 3.11 slim image, pinned by digest. Where
# Docker Hub is out of reach, `make images` builds a Debian bookworm base with
# debootstrap (its python3 is 3.11 too) and passes it here instead.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:2e32f7d302adc1c37428355c1e646897c0c53f4fd60b6a551245fb90ee129f91

FROM ${PYTHON_IMAGE} AS python
ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# --- Dependencies in a virtualenv: the only thing the final stages take from here --
FROM python AS builder
WORKDIR /build
COPY requirements/runtime.txt ./requirements.txt
# The lock (exact versions and hashes, written by `make lock` from the ranges in
# pyproject.toml) alone decides this layer, so two builds of one commit install
# the same files. A CA bundle (for networks that intercept TLS) arrives as
# the BuildKit secret `ca`: pip uses it, no layer keeps it. pip and setuptools
# leave the venv afterwards (the image installs nothing at run time), and so do
# translations other than Taskapp's languages (English, German).
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
    && python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-compile --require-hashes -r requirements.txt \
    && /opt/venv/bin/pip uninstall --yes --quiet pip setuptools \
    && find /opt/venv -type d -path '*/locale/*' -prune \
       ! -name 'en' ! -name 'en_*' ! -name 'de' ! -name 'de_*' -exec rm -rf {} + \
    && find /opt/venv -type d -name tests -path '*/site-packages/*' -prune -exec rm -rf {} + \
    && python3 -m compileall -q --invalidation-mode unchecked-hash /opt/venv

# --- The venv the images run: the packages' static folders (ninja's Swagger UI and
# ReDoc, the admin's, django-htmx's: 11 MB) are collected per image below and
# served from /app/staticfiles, so the images do not carry them twice.
FROM builder AS venv
RUN find /opt/venv/lib -type d -name static -prune -exec rm -rf {} +

# --- Taskapp's own package metadata: config.settings.VERSION reads the version with
# importlib.metadata, so pyproject.toml stays the one place it is written. The image
# runs Taskapp from /app rather than installing it, so its dist-info (name and
# version, all importlib.metadata needs) is written here from pyproject.toml.
FROM python AS metadata
WORKDIR /src
COPY pyproject.toml ./
RUN python3 -c 'import pathlib, tomllib; \
project = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
info = pathlib.Path("/metadata/taskapp-%s.dist-info" % project["version"]); \
info.mkdir(parents=True); \
info.joinpath("METADATA").write_text("Metadata-Version: 2.1\nName: %(name)s\nVersion: %(version)s\n" % project)'

# --- What the images run on: PYTHON_IMAGE less what they never read at run time
# (apt, Perl, docs, locales, pip, ensurepip: scripts/runtime/trim-python-root.sh),
# flattened, so the deleted files take no layer (docs/performance.md, "Images").
FROM python AS runtime-root
RUN --mount=type=bind,source=scripts/runtime/trim-python-root.sh,target=/trim.sh \
    sh /trim.sh --runtime /

FROM scratch AS runtime
# The whole filesystem on purpose: one layer without the deleted files (DL3067
# warns against exactly this, for stages that would carry build leftovers).
# hadolint ignore=DL3067
COPY --from=runtime-root / /
# FROM scratch starts with no environment: the base's, as the stages above have it.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# --- The application, shared by both images ----------------------------------------
FROM runtime AS app
RUN groupadd --system --gid 10001 taskapp \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent \
       --no-create-home --shell /usr/sbin/nologin taskapp

COPY --from=venv /opt/venv /opt/venv
COPY --from=metadata /metadata/ /opt/venv/lib/python3.11/site-packages/
WORKDIR /app
COPY manage.py ./
COPY config ./config
COPY taskapp ./taskapp
COPY api ./api
COPY ui ./ui

# Only /tmp is writable at run time (mount a tmpfs or emptyDir there): SQLite data
# when no MongoDB is configured, and gunicorn's per-worker metrics files.
ENV PATH=/opt/venv/bin:$PATH \
    PORT=8000 \
    TASKAPP_METRICS_PORT=9100 \
    TASKAPP_DATA_DIR=/tmp/data

# Bytecode is made now, as the root filesystem is read-only later.
RUN python -m compileall -q --invalidation-mode unchecked-hash /app

USER 10001:10001
EXPOSE 8000 9100
# Asking 127.0.0.1 works whatever TASKAPP_ALLOWED_HOSTS says: /healthz and /readyz
# are answered before the Host header is checked (config.probes.ProbeMiddleware).
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]
CMD ["gunicorn", "-c", "config/gunicorn_conf.py"]

# --- Static files, collected per image (from the venv that still has the packages'
# static folders). Each image gets only what its role serves: the API its Swagger
# UI (not ReDoc, which it does not mount; its error answers are JSON, so no page
# links the UI's files), the UI its own files and the admin's. django-htmx's
# copies of htmx are not used (the UI vendors its own); source maps (13 MB, only for debugging vendored JS) are
# deleted once collected (CSS files name them, so collectstatic needs them). Pages link the hashed names ({% static %} reads the manifest), so the
# unhashed copies and their .gz go too; whitenoise serves the rest, each with its
# .gz (no brotli module is installed, so there are no .br files).
FROM python AS static
COPY --from=builder /opt/venv /opt/venv
COPY --from=metadata /metadata/ /opt/venv/lib/python3.11/site-packages/
WORKDIR /app
COPY manage.py ./
COPY config ./config
COPY taskapp ./taskapp
COPY api ./api
COPY ui ./ui
ENV PATH=/opt/venv/bin:$PATH \
    COLLECT="env TASKAPP_SECRET_KEY=collectstatic-only TASKAPP_ALLOWED_HOSTS=build \
TASKAPP_DATA_DIR=/tmp/build-data python manage.py collectstatic --noinput -v0 \
--ignore django_htmx" \
    PRUNE="import json, pathlib; root = pathlib.Path('staticfiles'); \
[(root / n).unlink() or (root / (n + '.gz')).unlink(missing_ok=True) \
 for n, h in json.load(open(root / 'staticfiles.json'))['paths'].items() if n != h]; \
[p.unlink() for p in list(root.rglob('*.map')) + list(root.rglob('*.map.gz'))]"

FROM static AS static-api
RUN $COLLECT --ignore admin --ignore ui --ignore 'redoc.*' && python -c "$PRUNE"

FROM static AS static-ui
RUN $COLLECT --ignore ninja && python -c "$PRUNE"

# Labels last: build arguments change on every commit, and everything after
# their declaration would be rebuilt.
FROM app AS release
ARG VERSION=unknown
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/acme/taskapp
LABEL org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.vendor="Taskapp"

FROM release AS api
LABEL org.opencontainers.image.title="taskapp-api" \
      org.opencontainers.image.description="Taskapp JSON API (TASKAPP_ROLE=api)"
ENV TASKAPP_ROLE=api
COPY --from=static-api /app/staticfiles ./staticfiles

FROM release AS ui
LABEL org.opencontainers.image.title="taskapp-ui" \
      org.opencontainers.image.description="Taskapp web UI and admin (TASKAPP_ROLE=ui)"
ENV TASKAPP_ROLE=ui
COPY --from=static-ui /app/staticfiles ./staticfiles
