"""What the API accepts as input, and how strictly: the same rules as import and UI."""

import json

import pytest

from taskapp.tasks.models import Task
from tests.api.helpers import error, snapshot
from tests.streaming import body

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("path", ["/api/v1/tasks", "/api/v1/tasks/export"])
def test_it_refuses_unknown_query_parameters(api_client, task, path):
    response = api_client.get(path, {"stauts": "open", "sort": "due"})
    assert response.status_code == 422
    assert response.json() == error(
        "validation_error",
        "Unknown query parameter(s): stauts.",
        {"stauts": ["Unknown query parameter."]},
    )


def test_it_keeps_the_documented_query_parameters(api_client, task):
    listing = api_client.get(
        "/api/v1/tasks",
        {"status": "open", "tag": "x", "priority": "low", "q": "a", "due_before": "2030-01-01"}
        | {"due_after": "2020-01-01", "overdue": "false", "trash": "false", "sort": "due"}
        | {"limit": 5, "offset": 0},
    )
    assert listing.status_code == 200, listing.json()
    assert (listing.json()["total"], listing.json()["limit"]) == (0, 5)  # no task tagged x
    export = api_client.get("/api/v1/tasks/export", {"format": "csv", "status": "open"})
    assert export.status_code == 200
    assert body(export).decode().splitlines()[1].startswith(f"{task.id},Buy milk,")
    refused = api_client.get("/api/v1/tasks/export", {"limit": 5})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"limit": ["Unknown query parameter."]}


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_it_reads_null_tags_and_description_as_none(api_client, task, method):
    task.tag_names = ["old"]
    task.save()
    body = {"title": "t", "tags": None, "description": None, "due_date": None}
    path = "/api/v1/tasks" if method == "post" else f"/api/v1/tasks/{task.id}"
    response = getattr(api_client, method)(path, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), response.json()
    stored = Task.objects.get(pk=response.json()["id"])
    assert (stored.tag_names, stored.description, stored.due_date) == ([], "", None)


def test_it_accepts_status_and_priority_in_any_case(api_client, user):
    response = post(
        api_client, "/api/v1/tasks", {"title": "t", "status": "Done", "priority": " HIGH"}
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["status"], response.json()["priority"]) == ("done", "high")
    listing = api_client.get("/api/v1/tasks", {"status": "DONE", "priority": "High"})
    assert listing.json()["total"] == 1


@pytest.mark.parametrize("path", ["/api/v1/tasks", "/api/v1/tasks/bulk", "/api/task/"])
def test_it_names_the_body_when_it_is_missing(api_client, user, path):
    response = api_client.post(path, "", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == error(
        "validation_error",
        "Some fields are invalid.",
        {"body": ["The request body is empty; send a JSON object."]},
    )


def test_it_names_the_body_when_it_is_not_an_object(api_client, user):
    response = api_client.post("/api/v1/tasks", "null", content_type="application/json")
    assert response.json()["error"]["fields"] == {
        "body": ["The request body must be a JSON object."]
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "a\u0000b"}, "title"),
        ({"title": "t", "description": "x\u001b[31m"}, "description"),
        ({"title": "t", "tags": ["a\u0007"]}, "tags"),
    ],
)
def test_it_refuses_control_characters(api_client, user, task, body, field):
    before = snapshot(user)
    for response in (
        post(api_client, "/api/v1/tasks", body),
        api_client.patch(
            f"/api/v1/tasks/{task.id}", json.dumps(body), content_type="application/json"
        ),
        post(api_client, "/api/v1/tasks/import", [body]),
    ):
        assert response.status_code == 422
        assert "must not contain control characters" in json.dumps(response.json())
        assert field in json.dumps(response.json()["error"]["fields"])
    assert snapshot(user) == before
