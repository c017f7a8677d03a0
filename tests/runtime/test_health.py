"""/healthz never needs the database; /readyz needs a real round trip and no drain."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_answers_liveness(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


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
