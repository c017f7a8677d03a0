"""Request bodies sent with ``Transfer-Encoding: chunked`` (no Content-Length).

gunicorn decodes chunked bodies and says so (``wsgi.input_terminated``), but
Django reads CONTENT_LENGTH bytes of the input, and without that header none:
such a body read as empty ("request body is empty"). This WSGI wrapper reads it
up to the byte cap plus a margin for multipart framing, hands Django the bytes
with their length, and answers 413 itself, before Django, for anything longer
(in the API's error shape under /api, as text elsewhere). Memory: at most the cap.
"""

import io
import json

from django.conf import settings

# Room for a form's multipart framing and small fields beside a file at the cap.
FRAMING_MARGIN = 64 * 1024
READ_SIZE = 64 * 1024


def _is_chunked(environ) -> bool:
    return bool(environ.get("wsgi.input_terminated")) and not environ.get("CONTENT_LENGTH")


def _read_at_most(stream, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of a terminated stream (one more tells it is too long)."""
    pieces, size = [], 0
    while size <= limit:
        piece = stream.read(min(READ_SIZE, limit + 1 - size))
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)


def _too_large(environ, start_response, limit: int):
    path = environ.get("PATH_INFO", "")
    if path == "/api" or path.startswith("/api/") or settings.ROLE == "api":
        body = json.dumps(
            {
                "error": {
                    "code": "payload_too_large",
                    "message": f"The request body is larger than {limit} bytes.",
                }
            }
        ).encode()
        content_type = "application/json"
    else:
        body, content_type = b"The request body is too large.\n", "text/plain; charset=utf-8"
    start_response(
        "413 Content Too Large",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]


class ChunkedBodies:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if _is_chunked(environ):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FRAMING_MARGIN
            body = _read_at_most(environ["wsgi.input"], limit)
            if len(body) > limit:
                return _too_large(environ, start_response, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)
