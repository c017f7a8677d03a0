"""A database outage answers 503 (JSON under the API, a page in the UI), without a
stack trace, and both recover by themselves when the database is back."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

UNAVAILABLE = {
    "error": {
        "code": "database_unavailable",
        "message": "The database is unavailable. Try again in a few seconds.",
    }
}


def test_it_answers_the_api_with_a_json_503_and_recovers(api_client, database_down):
    response = api_client.get("/api/v1/tasks")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == UNAVAILABLE
    assert response["Retry-After"] == "5"

    database_down.end()
    assert api_client.get("/api/v1/tasks").status_code == 200


def test_it_answers_api_writes_with_a_json_503(api_client, database_down):
    response = api_client.post(
        "/api/v1/tasks", {"title": "Call the plumber"}, content_type="application/json"
    )
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE


def test_it_answers_the_ui_with_an_error_page_and_recovers(logged_in_client, database_down):
    response = logged_in_client.get("/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Traceback" not in body
    assert "OperationalError" not in body and "ServerSelectionTimeoutError" not in body

    database_down.end()
    assert logged_in_client.get("/").status_code == 200


def test_it_logs_one_line_without_a_traceback(api_client, database_down, json_logs):
    api_client.get("/api/v1/tasks")

    lines = [line for line in json_logs.getvalue().splitlines() if "database unavailable" in line]
    assert len(lines) == 1
    assert "Traceback" not in json_logs.getvalue()


def test_it_logs_the_outage_once_as_a_warning_naming_the_cause(
    api_client, database_down, json_logs
):
    api_client.get("/api/v1/tasks")

    records = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    # Django's own "Service Unavailable" line at ERROR is not added.
    assert [(r["level"], r["logger"]) for r in records] == [("WARNING", "taskapp.database")]
    assert records[0]["message"] in (
        "database unavailable: OperationalError: unable to open database file",
        "database unavailable: ServerSelectionTimeoutError: "
        "mongo:27017: [Errno 111] Connection refused",
    )


def test_it_names_the_cause_of_a_wrapped_pymongo_error():
    from django.db import DatabaseError
    from pymongo.errors import ServerSelectionTimeoutError

    from config.outage import outage_reason

    cause = ServerSelectionTimeoutError(
        "mongo:27017: [Errno 111] Connection refused (configured timeouts: socketTimeoutMS:"
        " 20000.0ms), Timeout: 5.0s, Topology Description: <TopologyDescription ...>"
    )
    try:
        try:
            raise cause
        except ServerSelectionTimeoutError as exc:
            raise DatabaseError from exc
    except DatabaseError as wrapped:
        assert outage_reason(wrapped) == (
            "ServerSelectionTimeoutError: mongo:27017: [Errno 111] Connection refused"
        )


def test_it_leaves_other_errors_alone(db):
    # A bug (not an outage) still goes to the 500 handler.
    from django.db import IntegrityError

    from config.outage import is_database_unavailable

    assert not is_database_unavailable(IntegrityError("duplicate key"))
    assert not is_database_unavailable(ValueError("bad"))


def test_it_recognises_outages_wrapped_by_the_mongodb_backend():
    from django.db import DatabaseError
    from pymongo.errors import AutoReconnect

    from config.outage import is_database_unavailable

    try:
        try:
            raise AutoReconnect("connection reset")
        except AutoReconnect as exc:
            raise DatabaseError from exc
    except DatabaseError as wrapped:
        assert is_database_unavailable(wrapped)


def test_it_shows_the_ui_page_to_anonymous_visitors_too(database_down):
    response = Client().get("/accounts/login/")
    # The login page itself needs no database; it must render or be a 503, never a 500.
    assert response.status_code in (200, 503)
