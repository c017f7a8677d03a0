"""/api/v1/: subtasks, reminders, recurrence, quick add and calendar feeds."""

from datetime import date

import pytest
from django.test import Client

from taskapp.planning.models import Recurrence, Reminder, Subtask
from taskapp.tasks import lists
from taskapp.tasks import services as task_services
from taskapp.tasks.models import Task
from tests.api.helpers import error

pytestmark = pytest.mark.django_db


def _json(client, method, path, body=None):
    return getattr(client, method)(path, body, content_type="application/json")


def test_a_checklist_is_added_ticked_reordered_and_removed(api_client, task):
    base = f"/api/v1/tasks/{task.id}/subtasks"
    ids = [_json(api_client, "post", base, {"title": t}).json()["id"] for t in ("A", "B", "C")]
    response = _json(api_client, "patch", f"{base}/{ids[1]}", {"done": True, "title": "B2"})
    assert response.json() == {"id": ids[1], "title": "B2", "done": True, "position": 1}
    response = _json(api_client, "put", f"{base}/order", {"ids": [ids[2], ids[0], ids[1]]})
    assert [i["title"] for i in response.json()["items"]] == ["C", "A", "B2"]
    assert (response.json()["done"], response.json()["total"]) == (1, 3)
    assert api_client.delete(f"{base}/{ids[0]}").status_code == 204
    assert api_client.get(base).json()["total"] == 2


def test_bad_steps_get_clear_errors(api_client, task):
    base = f"/api/v1/tasks/{task.id}/subtasks"
    response = _json(api_client, "post", base, {"title": "  "})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"title": ["Give the step a title."]}
    response = _json(api_client, "put", f"{base}/order", {"ids": [str(task.id)]})
    assert response.status_code == 422
    missing = "00000000-0000-0000-0000-000000000000"
    assert _json(api_client, "patch", f"{base}/{missing}", {"done": True}).json() == error(
        "not_found", "No step with this id."
    )


def test_another_users_task_and_its_steps_are_not_found(api_client, other_task):
    step = Subtask.objects.create(task=other_task, title="secret")
    base = f"/api/v1/tasks/{other_task.id}"
    assert api_client.get(f"{base}/subtasks").status_code == 404
    assert _json(api_client, "post", f"{base}/subtasks", {"title": "x"}).status_code == 404
    assert api_client.delete(f"{base}/subtasks/{step.pk}").status_code == 404
    assert api_client.get(f"{base}/reminders").status_code == 404
    assert _json(api_client, "put", f"{base}/recurrence", {"frequency": "day"}).status_code == 404
    assert Subtask.objects.filter(pk=step.pk).exists()


def test_reminders_are_added_listed_and_removed(api_client, user):
    task = task_services.task_create(owner=user, title="Dentist", due_date="2030-05-02")
    base = f"/api/v1/tasks/{task.id}/reminders"
    response = _json(api_client, "post", base, {"kind": "1d_before"})
    assert response.status_code == 201
    assert response.json()["remind_at"] == "2030-05-01T09:00:00+00:00"
    at = _json(api_client, "post", base, {"kind": "at", "at": "2030-04-30T18:15:00+02:00"})
    assert at.json()["remind_at"] == "2030-04-30T16:15:00+00:00"
    assert [r["kind"] for r in api_client.get(base).json()["items"]] == ["at", "1d_before"]
    # Moving the due date moves the relative reminder.
    _json(api_client, "patch", f"/api/v1/tasks/{task.id}", {"due_date": "2030-06-10"})
    assert Reminder.objects.get(kind="1d_before").remind_at.date() == date(2030, 6, 9)
    assert api_client.delete(f"{base}/{at.json()['id']}").status_code == 204
    assert Reminder.objects.count() == 1


def test_a_relative_reminder_without_a_due_date_is_refused(api_client, task):
    response = _json(api_client, "post", f"/api/v1/tasks/{task.id}/reminders", {"kind": "at_due"})
    assert response.status_code == 422
    response = _json(api_client, "post", f"/api/v1/tasks/{task.id}/reminders", {"kind": "soon"})
    assert response.status_code == 422


def test_a_repeating_task_completed_by_patch_comes_back(api_client, user):
    task = task_services.task_create(owner=user, title="Rent", due_date="2030-01-31", tags="home")
    base = f"/api/v1/tasks/{task.id}"
    response = _json(api_client, "put", f"{base}/recurrence", {"frequency": "month"})
    assert response.json() == {
        "frequency": "month",
        "interval": 1,
        "weekdays": [],
        "last_day": False,
        "text": "every month",
    }
    _json(api_client, "patch", base, {"status": "done"})
    upcoming = Task.objects.get(title="Rent", status="open")
    assert (upcoming.due_date, upcoming.tag_names) == (date(2030, 2, 28), ["home"])
    assert api_client.get(f"/api/v1/tasks/{upcoming.id}/recurrence").status_code == 200
    assert api_client.get(f"{base}/recurrence").status_code == 404
    # Reopening and completing the old one again does not make another.
    _json(api_client, "patch", base, {"status": "open"})
    _json(api_client, "patch", base, {"status": "done"})
    assert Task.objects.filter(title="Rent").count() == 2


def test_bulk_done_advances_repeating_tasks(api_client, user):
    task = task_services.task_create(owner=user, title="Water", due_date="2030-03-05")
    _json(
        api_client,
        "put",
        f"/api/v1/tasks/{task.id}/recurrence",
        {"frequency": "day", "interval": 2},
    )
    _json(api_client, "post", "/api/v1/tasks/bulk", {"action": "done", "ids": [str(task.id)]})
    assert Task.objects.get(title="Water", status="open").due_date == date(2030, 3, 7)


def test_a_bad_rule_is_a_validation_error(api_client, task):
    base = f"/api/v1/tasks/{task.id}/recurrence"
    for body in ({"frequency": "fortnight"}, {"frequency": "day", "interval": 0},
                 {"frequency": "day", "weekdays": ["mon"]}):  # fmt: skip
        assert _json(api_client, "put", base, body).status_code == 422
    assert api_client.delete(base).status_code == 204
    assert not Recurrence.objects.exists()


def test_quick_add_previews_and_creates(api_client, user):
    line = "Pay rent tomorrow 9:00 !high #home @Bills every month"
    # @Bills names a list of ann's (an unknown name stays in the title:
    # tests/api/test_planning_with_lists.py).
    bills = lists.list_create(owner=user, name="Bills")
    preview = _json(api_client, "post", "/api/v1/tasks/parse", {"text": line}).json()
    assert preview["title"] == "Pay rent"
    assert preview["list_name"] == "Bills"
    assert preview["recurrence"] == {"frequency": "month", "interval": 1}
    assert not Task.objects.exists()
    response = _json(api_client, "post", "/api/v1/tasks?parse=true", {"title": line})
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["priority"], body["tags"]) == ("Pay rent", "high", ["home"])
    assert body["due_date"] == preview["due_date"]
    assert (body["due_time"], body["list"]) == ("09:00", str(bills.pk))
    assert Recurrence.objects.get().task_id == Task.objects.get().pk


def test_quick_add_keeps_explicit_fields_and_plain_text(api_client):
    response = _json(
        api_client,
        "post",
        "/api/v1/tasks?parse=true",
        {"title": "Call #mum !high", "priority": "low"},
    )
    assert (response.json()["title"], response.json()["priority"]) == ("Call", "low")
    plain = _json(api_client, "post", "/api/v1/tasks", {"title": "Call #mum tomorrow"})
    assert plain.json()["title"] == "Call #mum tomorrow"
    assert plain.json()["due_date"] is None


def test_calendar_feeds_are_created_listed_revoked(api_client, user):
    task_services.task_create(owner=user, title="Dentist", due_date="2030-05-02")
    response = _json(api_client, "post", "/api/v1/calendar-feeds", {"name": "Phone"})
    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("http://testserver/calendar/cal_") and url.endswith(".ics")
    feed = Client().get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert b"SUMMARY:Dentist" in feed.content
    listed = api_client.get("/api/v1/calendar-feeds").json()["items"]
    assert [f["name"] for f in listed] == ["Phone"]
    assert "url" not in listed[0]
    assert api_client.delete(f"/api/v1/calendar-feeds/{listed[0]['id']}").status_code == 204
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404
    assert api_client.delete(f"/api/v1/calendar-feeds/{listed[0]['id']}").status_code == 404


def test_another_users_feed_cannot_be_revoked(api_client, other_api_client):
    feed = _json(other_api_client, "post", "/api/v1/calendar-feeds", {"name": "Bob"}).json()
    assert api_client.delete(f"/api/v1/calendar-feeds/{feed['id']}").status_code == 404
    assert _json(api_client, "post", "/api/v1/calendar-feeds", {"name": ""}).status_code == 422
