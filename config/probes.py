"""Liveness and readiness probes, and the middleware that answers them first.

/healthz answers as long as the process serves requests: it never touches the
database, so an outage does not make Kubernetes restart healthy pods.
/readyz answers 200 only after a real round trip to the database, and 503 while
the database is unreachable, while migrations are unapplied (every request would
fail on a missing table or column; checked until it passes once per process), or
while the server is draining for shutdown (the
gunicorn master creates the file named by TASKAPP_DRAIN_FILE on SIGTERM; see
config/gunicorn.py), so load balancers stop sending traffic first.
"""

import logging
import os

from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date
from django.views.decorators.cache import never_cache

from config import metrics
from config.outage import mark_logged, outage_reason, ping_database, unapplied_migrations

logger = logging.getLogger("taskapp.health")


def is_draining() -> bool:
    drain_file = os.environ.get("TASKAPP_DRAIN_FILE")
    return bool(drain_file) and os.path.exists(drain_file)


# What django.views.decorators.cache.never_cache sends, written once: /healthz is
# asked every few seconds by every prober, so its answer is built from constants.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
HEALTHY = b'{"status": "ok"}'


def healthz(request):
    response = HttpResponse(HEALTHY, content_type="application/json")
    response.headers["Cache-Control"] = NEVER_CACHE
    response.headers["Expires"] = http_date()
    return response


class Migrations:
    """Whether this process has seen the database fully migrated. Migrations only
    ever get applied, so once seen, it is not asked again (loading the migration
    graph on every probe would cost more than the probe itself)."""

    applied = False

    @classmethod
    def pending(cls) -> list[str]:
        if cls.applied:
            return []
        pending = unapplied_migrations()
        cls.applied = not pending
        return pending


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
    try:
        pending = Migrations.pending()
    except Exception as exc:  # the database went away between the two round trips
        metrics.database_error("readiness")
        logger.warning("readiness: database unavailable: %s", outage_reason(exc))
        return mark_logged(JsonResponse({"status": "database_unavailable"}, status=503))
    if pending:
        logger.warning(
            "readiness: %d unapplied migrations (%s); run `manage.py migrate`",
            len(pending),
            ", ".join(pending[:3]),
        )
        return mark_logged(JsonResponse({"status": "migrations_pending"}, status=503))
    return JsonResponse({"status": "ok"})


# Served by ProbeMiddleware, whatever the Host header says; the URL routes
# (config/urls.py) point at the same views.
PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answer ``GET``/``HEAD /healthz`` and ``/readyz`` before any other middleware.

    Probes come from the kubelet or Docker's HEALTHCHECK with the pod's address
    or 127.0.0.1 as Host, which ALLOWED_HOSTS (the public names) refuses: 400 and
    a DisallowedHost traceback on every check; SecurityMiddleware and
    CommonMiddleware are the first to read the host. First of all, too, because
    a probe needs nothing the others give (a request id, the client address
    behind proxies, request metrics): each pod is asked every few seconds, and
    /healthz is the floor of what any request costs (docs/performance.md). The
    access log leaves out probes answered 200 for the same reason
    (config.logging.GunicornLogger); failed ones are logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path_info in PROBES:
            response = PROBES[request.path_info](request)
            # CommonMiddleware, which sets it for other answers, comes later: without
            # it gunicorn would send the body chunked, one more write per probe.
            response.headers["Content-Length"] = str(len(response.content))
            return response
        return self.get_response(request)
