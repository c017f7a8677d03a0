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

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from taskapp import metrics

logger = logging.getLogger("taskapp.health")


def is_draining() -> bool:
    drain_file = os.environ.get("TASKAPP_DRAIN_FILE")
    return bool(drain_file) and os.path.exists(drain_file)


def ping_database() -> None:
    """One cheap round trip: MongoDB's ``ping`` command, or ``SELECT 1``."""
    if connection.vendor == "mongodb":
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
        return JsonResponse({"status": "draining"}, status=503)
    try:
        ping_database()
    except Exception as exc:  # any failure (down, auth refused, ...) means "not ready"
        metrics.database_error("readiness")
        logger.warning("readiness: database unavailable: %s", type(exc).__name__)
        return JsonResponse({"status": "database_unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
