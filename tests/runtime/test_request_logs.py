"""Request ids and structured, redacted logs."""

import json
import logging
import re

import pytest

pytestmark = pytest.mark.django_db


def _records(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_it_echoes_a_valid_request_id(client):
    response = client.get("/api/v1/", HTTP_X_REQUEST_ID="edge-4f2a.17:9")
    assert response["X-Request-ID"] == "edge-4f2a.17:9"


@pytest.mark.parametrize("bad", ["x" * 65, "a b", "id\ninjected", "<script>", ""])
def test_it_replaces_an_unsafe_request_id(client, bad):
    response = client.get("/api/v1/", HTTP_X_REQUEST_ID=bad)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_it_generates_a_request_id_per_request(client):
    first = client.get("/api/v1/")["X-Request-ID"]
    second = client.get("/api/v1/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_it_puts_the_request_id_on_every_log_line_of_the_request(api_client, json_logs):
    api_client.get("/api/v1/tasks/not-a-task", HTTP_X_REQUEST_ID="req-123")
    logging.getLogger("taskapp.test").info("outside any request")

    records = _records(json_logs)
    inside = [r for r in records if r["logger"] != "taskapp.test"]
    assert inside and all(r["request_id"] == "req-123" for r in inside)
    assert records[-1]["request_id"] is None


def test_it_writes_one_json_object_per_line_with_the_documented_fields(json_logs):
    logging.getLogger("taskapp.test").warning("two\nlines", extra={"task_count": 3})

    (record,) = _records(json_logs)
    assert set(record) == {"time", "level", "logger", "message", "request_id", "task_count"}
    assert record["level"] == "WARNING" and record["message"] == "two\nlines"


def test_it_never_logs_tokens_passwords_or_cookies(client, token, json_logs):
    client.get(
        "/api/v1/tasks/nope",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_COOKIE="sessionid=cookie-secret-1",
    )
    client.get("/api/v1/tasks", HTTP_AUTHORIZATION="Bearer wrong-token-secret-2")
    client.post("/accounts/login/", {"username": "ann", "password": "password-secret-3"})
    logger = logging.getLogger("taskapp.test")
    logger.info(
        "headers", extra={"headers": {"Authorization": f"Bearer {token}", "Accept": "json"}}
    )
    logger.info("calling with Bearer %s and password=%s", token, "password-secret-4")
    logger.info("connecting to mongodb://taskapp:db-secret-5@mongo:27017/taskapp")

    output = json_logs.getvalue()
    assert output  # something was logged
    for secret in (token, "cookie-secret-1", "wrong-token-secret-2", "password-secret-3",
                   "password-secret-4", "db-secret-5"):  # fmt: skip
        assert secret not in output
    assert '"Accept": "json"' in output  # other fields stay


def test_it_reduces_djangos_request_object_to_method_and_path(client, json_logs):
    client.get("/api/v1/tasks/nope?token=query-secret")

    records = [r for r in _records(json_logs) if r["logger"] == "django.request"]
    assert records and all("request" not in r for r in records)
    assert "query-secret" not in json_logs.getvalue()
