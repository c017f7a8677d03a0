"""Export and import carry the checklist and the repeat rule; old exports import."""

import json

import pytest

from taskapp.planning import services as planning
from taskapp.planning.models import Recurrence, Subtask
from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.streaming import body as streamed_body

pytestmark = pytest.mark.django_db


def _planned_task(user):
    task = services.task_create(owner=user, title="Rent", due_date="2030-01-31", tags="home")
    done = planning.subtask_add(task=task, title="Transfer, now")
    planning.subtask_update(subtask=done, done=True)
    planning.subtask_add(task=task, title='Say "paid"')
    planning.recurrence_set(task=task, recurrence={"frequency": "month", "last_day": True})
    return task


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_imports_back_with_its_plan(api_client, user, fmt):
    _planned_task(user)
    exported = api_client.get(f"/api/v1/tasks/export?format={fmt}")
    body = streamed_body(exported).decode()
    if fmt == "json":
        assert json.loads(body)[0]["recurrence"] == {
            "frequency": "month",
            "interval": 1,
            "weekdays": [],
            "last_day": True,
        }
    Task.objects.all().delete()
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = api_client.post("/api/v1/tasks/import", body, content_type=content_type)
    assert response.status_code == 201, response.content
    task = Task.objects.get()
    assert [(s.title, s.done) for s in planning.subtasks_of(task)] == [
        ("Transfer, now", True),
        ('Say "paid"', False),
    ]
    assert Recurrence.objects.get(task=task).last_day is True


def test_an_old_export_without_plan_columns_still_imports(api_client):
    old_csv = "title,status,priority,due_date,tags\nPay,open,high,2030-01-01,home\n"
    response = api_client.post("/api/v1/tasks/import", old_csv, content_type="text/csv")
    assert response.status_code == 201
    old_json = [{"title": "Call", "tags": ["x"]}]
    response = api_client.post("/api/v1/tasks/import", old_json, content_type="application/json")
    assert response.status_code == 201
    assert Task.objects.count() == 2 and not Subtask.objects.exists()


def test_steps_may_be_plain_titles(api_client):
    body = [{"title": "Trip", "subtasks": ["Pack", {"title": "Go", "done": True}]}]
    assert (
        api_client.post("/api/v1/tasks/import", body, content_type="application/json").status_code
        == 201
    )
    assert [(s.title, s.done) for s in Subtask.objects.order_by("position")] == [
        ("Pack", False),
        ("Go", True),
    ]


def test_a_bad_plan_rejects_the_whole_import_naming_the_row(api_client):
    body = [
        {"title": "Fine", "subtasks": ["ok"]},
        {"title": "", "recurrence": {"frequency": "fortnight"}},
        {"title": "Steps", "subtasks": [{"title": ""}]},
    ]
    response = api_client.post("/api/v1/tasks/import", body, content_type="application/json")
    assert response.status_code == 422
    rows = response.json()["error"]["fields"]["rows"]
    assert set(rows) == {"2", "3"}
    assert {"recurrence", "title"} <= set(rows["2"])
    assert "subtasks" in rows["3"]
    assert not Task.objects.exists() and not Subtask.objects.exists()
