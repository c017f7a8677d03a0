"""Structured logs: one JSON object per line, with the request id, never a secret.

- ``request_id_var`` holds the id of the request being served (set by
  ``config.middleware.RequestIdMiddleware``); ``RequestIdFilter`` copies it onto
  every record logged while that request runs.
- ``JsonFormatter`` writes ``time``, ``level``, ``logger``, ``message``,
  ``request_id`` and any ``extra`` fields, and redacts secrets on the way out:
  values under secret-looking keys (authorization, cookie, password, token, ...)
  and ``Bearer ...`` / ``password=...`` patterns inside messages. Django's
  ``request`` object (attached to django.request records) is reduced to method and
  path, because its repr carries the query string.
- ``GunicornLogger`` makes gunicorn's own and access logs use the same format.

docs/operations.md ("Logs") lists the fields.
"""

import logging
import re
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("taskapp_request_id", default=None)

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"authorization|cookie|password|passwd|secret|token|api[_-]?key|session|csrf",
    re.IGNORECASE,
)
_SECRET_IN_TEXT = re.compile(
    r"(?P<prefix>\b(?:bearer|token|basic)\s+)[^\s,;\"']+"
    r"|(?P<key>\b(?:password|passwd|secret|token|api_key|apikey|sessionid|csrftoken|"
    r"csrfmiddlewaretoken)\b[\"']?\s*[=:]\s*[\"']?)[^\s&,;\"']+",
    re.IGNORECASE,
)


_URI_PASSWORD = re.compile(r"(?P<user>\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.IGNORECASE)


def redact_text(text: str) -> str:
    """Blank out credentials that appear inside free text."""

    def _replace(match: re.Match) -> str:
        return (match.group("prefix") or match.group("key")) + REDACTED

    text = _URI_PASSWORD.sub(lambda match: match.group("user") + REDACTED + "@", text)
    return _SECRET_IN_TEXT.sub(_replace, text)


def redact(value, key: str = ""):
    """Redact a logged value: everything under a secret-looking key, and
    credentials inside strings; dicts and lists are walked."""
    if key and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


class RequestIdFilter(logging.Filter):
    """Attach the current request id (or None outside a request) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id(record)
        return True


def current_request_id(record: logging.LogRecord) -> str | None:
    # Django logs 4xx/5xx responses (django.request) after the middleware has
    # returned, so the request the record carries is asked first.
    request = getattr(record, "request", None)
    return getattr(request, "request_id", None) or request_id_var.get()


class JsonFormatter(_BaseJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        if log_data.get("request_id") is None:
            log_data["request_id"] = current_request_id(record)
        request = log_data.pop("request", None)
        if request is not None:
            # Only what identifies the request: its repr would add the query string.
            log_data.setdefault("method", getattr(request, "method", None))
            log_data.setdefault("path", getattr(request, "path", None))
        log_data.pop("color_message", None)

    def process_log_record(self, log_data):
        return {key: redact(value, key) for key, value in log_data.items()}

    def formatException(self, ei) -> str:
        # Tracebacks quote local source lines, which may hold secrets.
        return redact_text(super().formatException(ei))


class PlainFormatter(logging.Formatter):
    """Human-readable lines for local runs (TASKAPP_LOG_FORMAT=text), still redacted."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id(record)
        return redact_text(super().format(record))


# Asked by the kubelet every few seconds per pod: an answer of 200 is not worth a
# line (two per pod every ten seconds, and ~0.08 ms of CPU each); others are logged.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})


def _gunicorn_logger_base():
    from gunicorn.glogging import Logger

    return Logger


class GunicornLogger(_gunicorn_logger_base()):
    """gunicorn's error and access logs as JSON lines (logger_class in config/gunicorn.py).

    The access line carries method, path (no query string: it may hold filters
    typed by users, and never needs to be in logs), status, duration, size,
    client address (already corrected for trusted proxies), user agent and the
    request id the app echoed. Request headers are never logged. Probes answered
    200 are not logged (QUIET_PATHS).
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        if environ.get("PATH_INFO") in QUIET_PATHS and int(status) < 300:
            return
        headers = dict((name.lower(), value) for name, value in resp.headers)
        duration_ms = request_time.seconds * 1000 + request_time.microseconds / 1000
        self.access_log.info(
            "%s %s %s",
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
            status,
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": int(status),
                "duration_ms": round(duration_ms, 2),
                "bytes": getattr(resp, "sent", None),
                "remote_addr": environ.get("REMOTE_ADDR"),
                "user_agent": environ.get("HTTP_USER_AGENT"),
                "request_id": headers.get("x-request-id"),
            },
        )
