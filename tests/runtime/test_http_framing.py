"""HTTP as gunicorn frames it (issue 10), against a real gunicorn on loopback:
chunked request bodies are read (they used to read as empty), up to the byte cap;
`POST /api` answers JSON; the request-head limits are gunicorn's own answers."""

import http.client
import json
import socket
from contextlib import closing
from urllib.parse import urlsplit

import pytest

from bench import loopback

PORTS = range(18360, 18380)  # this file's share of the runtime port range
CAP = 64 * 1024


@pytest.fixture(scope="module")
def api():
    env = {"TASKAPP_MAX_BODY_BYTES": str(CAP)}
    with loopback.serve(ports=PORTS, tasks=1, workers=1, threads=2, **env) as served:
        yield served


def _chunked_post(api, path, pieces, content_type="application/json"):
    with closing(http.client.HTTPConnection(urlsplit(api.url).netloc, timeout=30)) as conn:
        conn.request(
            "POST",
            path,
            body=iter(pieces),
            headers={"Authorization": f"Bearer {api.token}", "Content-Type": content_type},
            encode_chunked=True,
        )
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()


def test_a_chunked_body_is_read(api):
    status, _, body = _chunked_post(api, "/api/v1/tasks", [b'{"title": ', b'"chunked"}'])
    assert status == 201, body
    assert json.loads(body)["title"] == "chunked"


def test_a_chunked_import_is_read(api):
    pieces = [b"title\n"] + [b"row %d\n" % n for n in range(50)]
    status, _, body = _chunked_post(api, "/api/v1/tasks/import", pieces, "text/csv")
    assert status == 201, body
    assert json.loads(body)["imported"] == 50


def test_a_chunked_body_over_the_cap_answers_413_in_the_error_shape(api):
    pieces = [b'{"title": "', *([b"x" * 16384] * 10), b'"}']  # 160 KiB > 64 KiB + margin
    status, content_type, body = _chunked_post(api, "/api/v1/tasks", pieces)
    assert status == 413
    assert content_type == "application/json"
    assert json.loads(body)["error"]["code"] == "payload_too_large"


def test_a_post_to_api_without_the_slash_answers_json(api):
    status, content_type, body = _chunked_post(api, "/api", [b"{}"])
    assert status == 405 and content_type == "application/json"
    assert json.loads(body)["error"]["code"] == "method_not_allowed"


def _raw(api, request: bytes) -> bytes:
    with socket.create_connection(urlsplit(api.url).netloc.split(":"), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_line_past_the_limit_is_gunicorns_own_414(api):
    # Documented (docs/api.md, "Limits"): gunicorn answers before Taskapp runs.
    answer = _raw(api, b"GET /api/v1/tasks?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414 ")
