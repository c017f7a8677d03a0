"""One error shape under /api, whatever went wrong; nothing changes on an error."""

import json
from unittest.mock import ANY

import pytest
from django.test import Client

from tests.api.helpers import error, snapshot

pytestmark = pytest.mark.django_db


def test_it_answers_404_json_for_an_unknown_api_path(api_client):
    response = api_client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == error("not_found")


def test_it_answers_404_json_for_an_unknown_path_without_a_token(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.json() == error("not_found")


def test_it_answers_404_for_a_malformed_task_id(api_client):
    response = api_client.get("/api/v1/tasks/not-a-uuid")
    assert response.status_code == 404
    assert response.json() == error("not_found", "No task with this id.")


def test_it_answers_405_with_allow(api_client, task):
    response = api_client.post(f"/api/v1/tasks/{task.id}", {}, content_type="application/json")
    assert response.status_code == 405
    allowed = response["Allow"]
    assert set(allowed.split(", ")) == {"GET", "PUT", "PATCH", "DELETE"}
    assert response.json() == error(
        "method_not_allowed", f"This method is not allowed here; allowed: {allowed}."
    )


def test_it_answers_400_for_malformed_json(api_client, user, task):
    before = snapshot(user)
    response = api_client.patch(
        f"/api/v1/tasks/{task.id}", "{oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == error("invalid_json")
    assert "line 1 column 2" in response.json()["error"]["message"]
    assert snapshot(user) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_it_answers_415_for_a_body_that_is_not_json(api_client, user, content_type):
    response = api_client.post("/api/v1/tasks", "title=x", content_type=content_type)
    assert response.status_code == 415
    assert response.json() == error(
        "unsupported_media_type", "Send the body with Content-Type: application/json."
    )
    assert snapshot(user) == []


def test_it_accepts_json_with_a_charset(api_client):
    response = api_client.post(
        "/api/v1/tasks",
        '{"title": "Café"}'.encode(),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201
    assert response.json()["title"] == "Café"


def test_it_answers_413_for_an_oversized_body(api_client, user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"title": "x", "description": "d" * 2000})
    response = api_client.post("/api/v1/tasks", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == error(
        "payload_too_large", "The request body is larger than 1024 bytes."
    )
    assert snapshot(user) == []


def test_it_answers_413_before_checking_csrf(token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/task/", "x" * 2000, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == error(
        "payload_too_large", "The request body is larger than 1024 bytes."
    )


def test_it_names_unknown_fields(api_client, user):
    response = api_client.post(
        "/api/v1/tasks", {"title": "x", "colour": "red"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == error(
        "validation_error", "Some fields are invalid.", {"colour": ["Unknown field."]}
    )
    assert snapshot(user) == []


def test_it_names_fields_of_the_wrong_type(api_client, user):
    body = {"title": 7, "tags": ["ok", 3], "due_date": "soon", "priority": "huge"}
    response = api_client.post("/api/v1/tasks", body, content_type="application/json")
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert sorted(fields) == ["due_date", "priority", "tags.1", "title"]
    assert fields["title"] == ["Input should be a valid string"]
    assert snapshot(user) == []


def test_it_answers_422_for_a_json_body_that_is_not_an_object(api_client, user):
    response = api_client.post("/api/v1/tasks", "[1, 2]", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_it_answers_422_for_a_missing_body(api_client, user):
    response = api_client.post("/api/v1/tasks", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == error("validation_error", ANY, {"title": ["This field is required."]})


def test_it_answers_500_as_json_without_a_trace(api_client, monkeypatch):
    from taskapp.tasks import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "owner_tags", broken)
    api_client.raise_request_exception = False
    response = api_client.get("/api/v1/tags")
    assert response.status_code == 500
    assert response.json() == error("server_error")
    assert b"secret internals" not in response.content


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/tasks"),
        ("put", "/api/v1/tasks/{id}"),
        ("patch", "/api/v1/tasks/{id}"),
        ("post", "/api/v1/tasks/bulk"),
        ("post", "/api/v1/tasks/import"),
        ("post", "/api/task/"),
    ],
)
@pytest.mark.parametrize("body", ["{oops", DEEP], ids=["broken", "nested-too-deeply"])
def test_it_answers_invalid_json_on_every_json_body_route(
    api_client, user, task, method, path, body
):
    before = snapshot(user)
    response = getattr(api_client, method)(
        path.format(id=task.id), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == error("invalid_json")
    assert response.json()["error"]["message"].startswith("The request body is not valid JSON")
    assert snapshot(user) == before
