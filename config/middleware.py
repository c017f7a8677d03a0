"""Request ids, trusted proxies, and one answer for "the database is unavailable".

RequestIdMiddleware: takes ``X-Request-ID`` from the client or proxy when it is
short and made of safe characters (so it cannot forge log lines), otherwise
makes one; it is echoed in the response and attached to every log line of the
request (config.logging).

TrustedProxyMiddleware: X-Forwarded-For / -Proto only from TASKAPP_TRUSTED_PROXIES.

DatabaseUnavailableMiddleware: a view that fails because the database cannot be
reached answers 503 (JSON ``database_unavailable`` under the API, the
``errors/503.html`` page elsewhere) instead of a 500 with a traceback in the
log. A database that is up but busy (SQLite: another writer held the lock past
the busy timeout) answers 503 ``database_busy`` with a shorter Retry-After and
is not counted as an outage. Nothing is cached: Django drops the broken connection at the end of the
request (SQLite) and pymongo reconnects by itself, so the next request after
the database returns succeeds.
"""

import ipaddress
import logging
import re
import uuid
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from api.errors import error_response, is_api_request
from config import metrics
from config.logging import request_id_var
from config.outage import (
    is_database_busy,
    is_database_unavailable,
    mark_logged,
    outage_reason,
)

logger = logging.getLogger("taskapp.database")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
RETRY_AFTER_SECONDS = 5
# A busy database (another writer holds the lock) frees up in moments, not seconds.
BUSY_RETRY_AFTER_SECONDS = 1


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


def database_unavailable_response(request, busy: bool = False) -> HttpResponse:
    if is_api_request(request):
        response = error_response("database_busy" if busy else "database_unavailable")
    else:
        response = HttpResponse(_error_page(busy), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS if busy else RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _error_page(busy: bool = False) -> str:
    # Rendered without the request: context processors would query the database
    # (the current user) and fail again.
    try:
        return render_to_string("errors/503.html", {"busy": busy})
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
        if is_database_busy(exception):
            # Busy is not down: not counted as an outage (/readyz stays 200).
            metrics.database_was_busy()
            logger.info(
                "database busy: %s",
                outage_reason(exception),
                extra={"method": request.method, "path": request.path},
            )
            return mark_logged(database_unavailable_response(request, busy=True))
        metrics.database_error("request")
        # One line, no traceback: an outage is an operational event, not a bug.
        logger.warning(
            "database unavailable: %s",
            outage_reason(exception),
            extra={"method": request.method, "path": request.path},
        )
        return mark_logged(database_unavailable_response(request))
