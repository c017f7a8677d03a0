"""Request ids, probes, and one answer for "the database is unavailable".

RequestIdMiddleware: takes ``X-Request-ID`` from the client or proxy when it is
short and made of safe characters (so it cannot forge log lines), otherwise
makes one; it is echoed in the response and attached to every log line of the
request (taskapp.logging).

ProbeMiddleware: /healthz and /readyz answer whatever the Host header says.

DatabaseUnavailableMiddleware: a view that fails because the database cannot be
reached answers 503 (JSON ``database_unavailable`` under the API, the
``errors/503.html`` page elsewhere) instead of a 500 with a traceback in the
log. Nothing is cached: Django drops the broken connection at the end of the
request (SQLite) and pymongo reconnects by itself, so the next request after
the database returns succeeds.
"""

import ipaddress
import logging
import re
import uuid
from functools import lru_cache

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from pymongo.errors import ConnectionFailure

from taskapp import metrics
from taskapp.errors import error_body, is_api_request
from taskapp.logging import request_id_var

logger = logging.getLogger("taskapp.database")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
RETRY_AFTER_SECONDS = 5


@lru_cache(maxsize=1)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def forwarded_client(header: str) -> str | None:
    """The nearest X-Forwarded-For hop that is not a trusted proxy; None when a hop
    is not an IP address (a garbled header proves nothing)."""
    for hop in reversed([hop.strip() for hop in header.split(",") if hop.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return None
        if not is_trusted_proxy(hop):
            return hop
    return None


class TrustedProxyMiddleware:
    """Believe X-Forwarded-For / X-Forwarded-Proto only from TASKAPP_TRUSTED_PROXIES.

    From a trusted proxy, REMOTE_ADDR becomes the nearest address in
    X-Forwarded-For that is not itself a trusted proxy (the real client; rate
    limits and logs use it). From anyone else both headers are dropped, so
    SECURE_PROXY_SSL_HEADER cannot be spoofed by a client talking to us directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if is_trusted_proxy(meta.get("REMOTE_ADDR", "")):
            client = forwarded_client(meta.get("HTTP_X_FORWARDED_FOR", ""))
            if client:
                meta["REMOTE_ADDR"] = client
        else:
            meta.pop("HTTP_X_FORWARDED_FOR", None)
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


def request_id_from(value: str | None) -> str:
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def is_database_unavailable(exc: BaseException) -> bool:
    """True for errors that mean "cannot reach the database", not "bad query".

    django-mongodb-backend wraps pymongo errors in django.db.DatabaseError, so
    the chain of causes is searched for pymongo's ConnectionFailure family
    (ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout, ...).
    """
    return isinstance(
        _connection_failure(exc), OperationalError | InterfaceError | ConnectionFailure
    )


def _connection_failure(exc: BaseException) -> BaseException:
    """The error in exc's chain of causes that says why; exc itself if none does."""
    seen = set()
    current = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OperationalError | InterfaceError | ConnectionFailure):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return exc


# pymongo appends its timeouts and a description of the whole topology.
_PYMONGO_DETAILS = re.compile(r" \(configured timeouts:.*|, Timeout: .*")


def outage_reason(exc: BaseException) -> str:
    """One short line naming the cause, e.g. ``ServerSelectionTimeoutError:
    mongo:27017: [Errno 111] Connection refused``; django-mongodb-backend's
    DatabaseError wrapper alone says nothing."""
    cause = _connection_failure(exc)
    message = _PYMONGO_DETAILS.sub("", " ".join(str(cause).split()))
    return f"{type(cause).__name__}: {message}"[:200] if message else type(cause).__name__


def database_unavailable_response(request) -> HttpResponse:
    if is_api_request(request):
        response = JsonResponse(
            error_body(
                "database_unavailable",
                "The database is unavailable. Try again in a few seconds.",
            ),
            status=503,
        )
    else:
        response = HttpResponse(_error_page(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _error_page() -> str:
    # Rendered without the request: context processors would query the database
    # (the current user) and fail again.
    try:
        return render_to_string("errors/503.html")
    except TemplateDoesNotExist:
        return (
            "<!doctype html><title>Service unavailable</title>"
            "<h1>Taskapp is briefly unavailable</h1>"
            "<p>The database cannot be reached. Please try again in a few seconds.</p>"
        )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        metrics.database_error("request")
        # One line, no traceback: an outage is an operational event, not a bug.
        logger.warning(
            "database unavailable: %s",
            outage_reason(exception),
            extra={"method": request.method, "path": request.path},
        )
        return mark_logged(database_unavailable_response(request))


def mark_logged(response: HttpResponse) -> HttpResponse:
    """Keep Django from logging this 5xx again (django.request, at ERROR): it has
    been logged as what it is, once. The attribute is django.utils.log's own."""
    response._has_been_logged = True
    return response


PROBE_PATHS = frozenset({"/healthz", "/readyz"})


class ProbeMiddleware:
    """Answer ``GET``/``HEAD /healthz`` and ``/readyz`` before any middleware
    validates the Host header.

    Probes come from the kubelet or Docker's HEALTHCHECK with the pod's address
    or 127.0.0.1 as Host, which ALLOWED_HOSTS (the public names) refuses: 400 and
    a DisallowedHost traceback on every check. Placed before SecurityMiddleware
    and CommonMiddleware (the first to read the host); after the request id and
    django-prometheus' first counters, so probes still get both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path_info in PROBE_PATHS:
            from taskapp import health

            return health.PROBES[request.path_info](request)
        return self.get_response(request)
