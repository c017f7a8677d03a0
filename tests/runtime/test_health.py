"""/healthz never needs the database; /readyz needs a real round trip and no drain."""

import json
from types import SimpleNamespace

import pytest
from django.db import connection
from pymongo import _csot
from pymongo.errors import ServerSelectionTimeoutError

from config import outage as health

pytestmark = pytest.mark.django_db


def test_it_answers_liveness(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_liveness_is_never_cached_like_readiness(client):
    """/healthz writes never_cache's headers itself (built once, it is asked the most)."""
    health, ready = client.get("/healthz"), client.get("/readyz")
    assert health["Cache-Control"] == ready["Cache-Control"]
    assert health["Expires"] and "no-store" in health["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probe_answers_say_their_length(client, path):
    """Not sent chunked: the probes come before CommonMiddleware, which sets it."""
    response = client.get(path)
    assert response["Content-Length"] == str(len(response.content))


def test_it_answers_liveness_while_the_database_is_down(client, database_down):
    assert client.get("/healthz").status_code == 200


def test_it_is_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_is_not_ready_while_the_database_is_down_and_recovers(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "database_unavailable"}

    database_down.end()
    assert client.get("/readyz").status_code == 200


def test_it_is_not_ready_while_draining(client, tmp_path, monkeypatch):
    drain_file = tmp_path / "draining"
    monkeypatch.setenv("TASKAPP_DRAIN_FILE", str(drain_file))
    assert client.get("/readyz").status_code == 200

    drain_file.touch()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "draining"}


# --- Whatever the Host header says (probes use 127.0.0.1 or the pod address) ----


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("method", ["get", "head"])
def test_it_answers_probes_for_hosts_outside_allowed_hosts(
    client, settings, json_logs, path, method
):
    settings.ALLOWED_HOSTS = ["taskapp.example.com"]

    response = getattr(client, method)(path, HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200
    assert "DisallowedHost" not in json_logs.getvalue()


def test_it_still_refuses_other_hosts_everywhere_else(client, settings):
    settings.ALLOWED_HOSTS = ["taskapp.example.com"]
    assert client.get("/api/v1/tasks", HTTP_HOST="10.1.2.3").status_code == 400
    assert client.post("/healthz", HTTP_HOST="10.1.2.3").status_code == 400
    assert client.get("/healthz", HTTP_HOST="taskapp.example.com").status_code == 200


# --- Readiness answers within the probe's 3 s ------------------------------------


class _FakeMongoConnection:
    """django.db.connection as the MongoDB backend has it, with ping as given."""

    vendor = "mongodb"

    def __init__(self, ping):
        self.connection = SimpleNamespace(admin=SimpleNamespace(command=ping))

    def ensure_connection(self):
        pass


def test_it_gives_the_mongodb_ping_2_seconds_not_the_5_of_server_selection(client, monkeypatch):
    timeouts = []

    def ping(*args, **kwargs):
        timeouts.append(_csot.get_timeout())  # the deadline pymongo.timeout() set
        raise ServerSelectionTimeoutError("mongo:27017: timed out")

    if connection.vendor == "mongodb":  # the connection's own client: real server or stand-in
        connection.ensure_connection()
        monkeypatch.setattr(type(connection.connection.admin), "command", ping)
    else:
        monkeypatch.setattr(health, "connection", _FakeMongoConnection(ping))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert timeouts == [health.PING_TIMEOUT_SECONDS] == [2]


# --- Logs: one warning naming the cause, no ERROR from Django ---------------------


def test_it_logs_a_failed_readiness_check_once_as_a_warning(client, database_down, json_logs):
    client.get("/readyz")

    records = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    assert [(r["level"], r["logger"]) for r in records] == [("WARNING", "taskapp.health")]
    assert records[0]["message"].startswith("readiness: database unavailable: ")
    assert records[0]["message"].split(": ", 2)[2].split(":")[0] in (
        "OperationalError",
        "ServerSelectionTimeoutError",
    )
    assert "exc_info" not in records[0]


def test_it_does_not_log_the_draining_answers(client, tmp_path, monkeypatch, json_logs):
    drain_file = tmp_path / "draining"
    drain_file.touch()
    monkeypatch.setenv("TASKAPP_DRAIN_FILE", str(drain_file))

    assert client.get("/readyz").status_code == 503
    assert json_logs.getvalue() == ""
