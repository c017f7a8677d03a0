"""POST /api/v1/tasks."""

from unittest.mock import ANY

import pytest

from taskapp.tasks.models import Task
from tests.api.helpers import error, expected_task, snapshot

pytestmark = pytest.mark.django_db


def post(client, body):
    return client.post("/api/v1/tasks", body, content_type="application/json")


def test_it_creates_a_task_with_every_field(api_client, user):
    body = {
        "title": "  Plan   trip ",
        "description": "Book trains",
        "status": "done",
        "priority": "urgent",
        "due_date": "2030-05-01",
        "tags": ["Travel", "summer fun", "travel"],
    }
    response = post(api_client, body)
    assert response.status_code == 201
    task = Task.objects.get(owner=user)
    assert response["Location"] == f"http://testserver/api/v1/tasks/{task.id}"
    assert response["ETag"] == task.etag
    timestamps = {"created_at": ANY, "updated_at": ANY, "completed_at": ANY}
    assert response.json() == expected_task(task.id, **timestamps)
    assert (task.title, task.priority, task.tag_names) == ("Plan trip", 4, ["travel", "summer-fun"])
    assert task.status == "done" and task.completed_at is not None


def test_it_creates_a_task_from_a_title_alone(api_client, user):
    response = post(api_client, {"title": "Milk"})
    assert response.status_code == 201
    assert response.json() | {"id": None, "url": None, "etag": None} == {
        "id": None,
        "url": None,
        "etag": None,
        "title": "Milk",
        "description": "",
        "status": "open",
        "priority": "normal",
        "due_date": None,
        "due_time": None,
        "tags": [],
        "list": str(Task.objects.get(owner=user).task_list_id),
        "updated_by": "ann",
        "overdue": False,
        "in_trash": False,
        "created_at": ANY,
        "updated_at": ANY,
        "completed_at": None,
        "deleted_at": None,
    }


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": "   "}, {"title": ["Title is required."]}),
        ({"title": "x" * 201}, {"title": [ANY]}),
        ({"title": "x", "description": "d" * 10_001}, {"description": [ANY]}),
        ({"title": "x", "tags": [f"t{n}" for n in range(21)]}, {"tags": [ANY]}),
        ({"title": "x", "tags": ["t" * 40]}, {"tags": [ANY]}),
        ({"description": "no title"}, {"title": ["This field is required."]}),
    ],
)
def test_it_rejects_invalid_fields(api_client, user, body, fields):
    response = post(api_client, body)
    assert response.status_code == 422
    assert response.json() == error("validation_error", ANY, fields)
    assert snapshot(user) == []
