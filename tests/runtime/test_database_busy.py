"""A busy database is not a down database (issue 10): when SQLite's write lock is
held past the busy timeout, requests answer 503 ``database_busy`` with a short
Retry-After, and nothing counts it as an outage."""

import sqlite3

import pytest
from django.db import OperationalError
from prometheus_client import REGISTRY

from config.outage import is_database_busy, is_database_unavailable

pytestmark = pytest.mark.django_db

BUSY = {
    "error": {
        "code": "database_busy",
        "message": "The database is busy with other writes. Retry in a moment.",
    }
}


def _locked(*args, **kwargs):
    # What Django raises: its OperationalError wrapping sqlite3's.
    try:
        raise sqlite3.OperationalError("database is locked")
    except sqlite3.OperationalError as exc:
        raise OperationalError("database is locked") from exc


def _sample(name, labels=None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


@pytest.fixture
def locked(monkeypatch):
    monkeypatch.setattr("api.v1.selectors.task_list", _locked)
    monkeypatch.setattr("ui.views.selectors.task_list", _locked)


@pytest.mark.usefixtures("locked")
def test_the_api_answers_database_busy(api_client):
    outages = _sample("taskapp_database_errors_total", {"source": "request"})
    busy = _sample("taskapp_database_busy_total")
    response = api_client.get("/api/v1/tasks")
    assert response.status_code == 503
    assert response.json() == BUSY
    assert response["Retry-After"] == "1"
    assert response["Cache-Control"] == "no-store"
    assert _sample("taskapp_database_errors_total", {"source": "request"}) == outages
    assert _sample("taskapp_database_busy_total") == busy + 1


@pytest.mark.usefixtures("locked")
def test_the_ui_says_busy_not_unreachable(logged_in_client):
    response = logged_in_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    body = response.content.decode()
    assert "Taskapp is busy right now." in body
    assert "cannot reach its database" not in body


@pytest.mark.usefixtures("locked")
def test_readiness_stays_ok(client):
    assert client.get("/readyz").status_code == 200


def test_it_tells_a_lock_held_too_long_by_a_real_sqlite(tmp_path):
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        waiter.close()
        holder.close()
    assert is_database_busy(raised.value)
    assert is_database_busy(OperationalError(str(raised.value)))


def test_an_unreachable_database_is_not_busy():
    unreachable = OperationalError("unable to open database file")
    assert is_database_unavailable(unreachable) and not is_database_busy(unreachable)
