"""POST /api/v1/tasks/bulk."""

import uuid
from unittest.mock import ANY

import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.api.helpers import error, snapshot

pytestmark = pytest.mark.django_db


def bulk(client, action, ids):
    body = {"action": action, "ids": [str(pk) for pk in ids]}
    return client.post("/api/v1/tasks/bulk", body, content_type="application/json")


@pytest.fixture
def tasks(user):
    first = services.task_create(owner=user, title="One")
    second = services.task_create(owner=user, title="Two", status="done")
    return first, second


def test_it_marks_tasks_done_and_reports_each_id(api_client, tasks, other_task):
    first, second = tasks
    unknown = uuid.uuid4()
    response = bulk(api_client, "done", [first.id, second.id, other_task.id, unknown])
    assert response.status_code == 200
    assert response.json() == {
        "action": "done",
        "touched": [str(first.id)],
        "unchanged": [str(second.id)],
        "not_found": [str(other_task.id), str(unknown)],
    }
    assert Task.objects.get(pk=first.pk).status == "done"
    assert Task.objects.get(pk=other_task.pk).status == "open"


def test_it_reopens_tasks(api_client, tasks):
    first, second = tasks
    response = bulk(api_client, "reopen", [first.id, second.id])
    assert response.json()["touched"] == [str(second.id)]
    assert Task.objects.get(pk=second.pk).completed_at is None


def test_it_moves_tasks_to_the_trash_and_restores_them(api_client, tasks):
    ids = [task.id for task in tasks]
    assert bulk(api_client, "delete", ids).json()["touched"] == [str(pk) for pk in ids]
    assert Task.objects.trashed().count() == 2
    assert bulk(api_client, "restore", ids).json()["touched"] == [str(pk) for pk in ids]
    assert Task.objects.trashed().count() == 0


def test_it_purges_tasks(api_client, user, tasks, other_task):
    response = bulk(api_client, "purge", [tasks[0].id, other_task.id])
    assert response.json()["touched"] == [str(tasks[0].id)]
    assert list(Task.objects.values_list("title", flat=True).order_by("title")) == [
        "Bob's task",
        "Two",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "explode", "ids": []}, "action"),
        ({"action": "done", "ids": []}, "ids"),
        ({"action": "done", "ids": ["nope"]}, "ids.0"),
        ({"action": "done"}, "ids"),
        ({"action": "done", "ids": [], "force": True}, "force"),
    ],
)
def test_it_rejects_a_bad_request_and_changes_nothing(api_client, user, tasks, body, field):
    before = snapshot(user)
    response = api_client.post("/api/v1/tasks/bulk", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == error("validation_error", ANY, ANY)
    assert field in response.json()["error"]["fields"]
    assert snapshot(user) == before


def test_it_rejects_more_than_1000_ids(api_client):
    response = bulk(api_client, "done", [uuid.uuid4() for _ in range(1001)])
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["ids"]
