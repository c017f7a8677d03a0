"""GET /api/v1/tasks/export and POST /api/v1/tasks/import."""

import csv
import io
import json
from unittest.mock import ANY

import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.api.helpers import error, snapshot
from tests.streaming import body, json_body

pytestmark = pytest.mark.django_db


def import_(client, body, content_type="application/json"):
    if not isinstance(body, str):
        body = json.dumps(body)
    return client.post("/api/v1/tasks/import", body, content_type=content_type)


# --- Export -----------------------------------------------------------------------


def test_it_exports_json(api_client, task, other_task):
    response = api_client.get("/api/v1/tasks/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="taskapp-')
    assert response["Content-Disposition"].endswith('.json"')
    stored = Task.objects.get(pk=task.pk)
    assert response.streaming
    assert json_body(response) == [
        {
            "id": str(task.id),
            "title": "Buy milk",
            "description": "Oat, 2 litres",
            "status": "open",
            "priority": "high",
            "due_date": None,
            "due_time": None,
            "tags": ["home"],
            "list": "Inbox",
            "created_at": stored.created_at.isoformat(),
            "updated_at": stored.updated_at.isoformat(),
            "completed_at": None,
            "subtasks": [],
            "recurrence": None,
        }
    ]


def test_it_exports_csv(api_client, user):
    services.task_create(owner=user, title="A, with comma", tags=["x", "y"], priority="low")
    response = api_client.get("/api/v1/tasks/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert [(row["title"], row["tags"], row["priority"]) for row in rows] == [
        ("A, with comma", "x,y", "low")
    ]


def test_it_exports_with_the_list_filters(api_client, user):
    services.task_create(owner=user, title="Home", tags=["home"])
    services.task_create(owner=user, title="Work", tags=["work"])
    response = api_client.get("/api/v1/tasks/export?tag=work")
    assert [item["title"] for item in json_body(response)] == ["Work"]


def test_it_rejects_an_unknown_export_format(api_client):
    response = api_client.get("/api/v1/tasks/export?format=xml")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["format"]


def test_an_export_imports_again(api_client, user, task):
    exported = body(api_client.get("/api/v1/tasks/export?format=csv")).decode()
    response = import_(api_client, exported, "text/csv")
    assert response.status_code == 201
    assert Task.objects.filter(owner=user, title="Buy milk").count() == 2


# --- Import -----------------------------------------------------------------------


def test_it_imports_a_json_array(api_client, user):
    rows = [
        {"title": "One", "tags": ["a"]},
        {"title": "Two", "priority": "high", "due_date": "2030-02-03"},
    ]
    response = import_(api_client, rows)
    assert response.status_code == 201
    tasks = {task.title: task for task in Task.objects.filter(owner=user)}
    assert response.json() == {"imported": 2, "ids": ANY}
    assert sorted(response.json()["ids"]) == sorted(str(task.id) for task in tasks.values())
    assert tasks["Two"].priority == 3
    assert tasks["One"].tag_names == ["a"]


def test_it_imports_a_csv_file(api_client, user):
    body = 'title,description,priority,tags\nOne,first,urgent,"a,b"\nTwo,,,\n'
    response = import_(api_client, body, "text/csv")
    assert response.status_code == 201
    assert response.json()["imported"] == 2
    one = Task.objects.get(owner=user, title="One")
    assert (one.description, one.priority, one.tag_names) == ("first", 4, ["a", "b"])


def test_it_imports_nothing_when_one_json_row_is_bad(api_client, user, task):
    before = snapshot(user)
    rows = [{"title": "Good"}, {"title": "Fine"}, {"title": "", "priority": "huge"}]
    response = import_(api_client, rows)
    assert response.status_code == 422
    assert response.json() == error(
        "validation_error",
        "1 row(s) are invalid; nothing was imported.",
        {"rows": {"3": {"title": ["Title is required."], "priority": [ANY]}}},
    )
    assert snapshot(user) == before


def test_it_imports_nothing_when_one_csv_row_is_bad(api_client, user):
    body = "title,status\nGood,open\nBad,sleeping\n,done\n"
    response = import_(api_client, body, "text/csv")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "rows": {
            "3": {"status": ["Status must be open or done."]},
            "4": {"title": ["Title is required."]},
        }
    }
    assert snapshot(user) == []


def test_it_answers_400_for_broken_json(api_client, user):
    response = import_(api_client, "[{", "application/json")
    assert response.status_code == 400
    assert response.json() == error("invalid_json")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"title": "not a list"}', "application/json"),
        ("[1, 2]", "application/json"),
        ("name,colour\nx,y\n", "text/csv"),
    ],
)
def test_it_rejects_a_file_it_cannot_read(api_client, user, body, content_type):
    response = import_(api_client, body, content_type)
    assert response.status_code == 422
    assert response.json() == error("validation_error", ANY, {"file": [ANY]})
    assert snapshot(user) == []


def test_it_answers_415_for_another_content_type(api_client, user):
    response = import_(api_client, "title\nx\n", "text/plain")
    assert response.status_code == 415
    assert response.json() == error(
        "unsupported_media_type", "Send the body with Content-Type: application/json or text/csv."
    )


def test_it_imports_into_the_callers_account_only(api_client, user, other_user):
    import_(api_client, [{"title": "Mine"}])
    assert Task.objects.filter(owner=other_user).count() == 0
