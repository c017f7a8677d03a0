"""Liveness and readiness probes.

/healthz answers as long as the process serves requests: it never touches the
database, so an outage does not make Kubernetes restart healthy pods.
/readyz answers 200 only after a real round trip to the database, and 503 while
the database is unreachable or while the server is draining for shutdown (the
gunicorn master creates the file named by TASKAPP_DRAIN_FILE on SIGTERM; see
taskapp/gunicorn.conf.py), so load balancers stop sending traffic first.
"""

import logging
import os

import pymongo
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from taskapp import metrics
from taskapp.middleware import mark_logged, outage_reason

logger = logging.getLogger("taskapp.health")

# Kubernetes gives the probe 3 s (timeoutSeconds): the check must answer before
# that, so it never waits for pymongo's server selection (TASKAPP_MONGODB_TIMEOUT_MS,
# 5 s) to give up.
PING_TIMEOUT_SECONDS = 2


def is_draining() -> bool:
    drain_file = os.environ.get("TASKAPP_DRAIN_FILE")
    return bool(drain_file) and os.path.exists(drain_file)


def ping_database(timeout: float = PING_TIMEOUT_SECONDS) -> None:
    """One cheap round trip: MongoDB's ``ping`` command, or ``SELECT 1``.

    With MongoDB, pymongo.timeout() caps server selection and the command
    together at ``timeout`` seconds. SQLite's ``SELECT 1`` takes no lock, so
    its busy timeout never applies; opening the file is all it can fail on.
    """
    if connection.vendor == "mongodb":
        with pymongo.timeout(timeout):
            connection.ensure_connection()
            connection.connection.admin.command("ping")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    if is_draining():
        # Expected during every shutdown: no log line (gunicorn logs the SIGTERM).
        return mark_logged(JsonResponse({"status": "draining"}, status=503))
    try:
        ping_database()
    except Exception as exc:  # any failure (down, auth refused, ...) means "not ready"
        metrics.database_error("readiness")
        # One warning per failed probe, without a traceback (the kubelet asks
        # every few seconds); Django's own ERROR line for the 503 is skipped.
        logger.warning("readiness: database unavailable: %s", outage_reason(exc))
        return mark_logged(JsonResponse({"status": "database_unavailable"}, status=503))
    return JsonResponse({"status": "ok"})


# Served by taskapp.middleware.ProbeMiddleware, whatever the Host header says;
# the URL routes (taskapp/urls.py) point at the same views.
PROBES = {"/healthz": healthz, "/readyz": readyz}
