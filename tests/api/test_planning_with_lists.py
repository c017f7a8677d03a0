"""Planning and lists together: the plan of a shared task follows the list's sharing.

Steps, reminders and repeat rules answer exactly as the task routes do: 404 for a
non-member (and a former member), 403 forbidden on writes for a viewer (reads
allowed), writes for an editor. Reminders are their creator's; the calendar feed
lists shared tasks too; quick add's ``@List`` picks a list; a repeating task's next
occurrence stays in its list with its due time; exports carry list, steps and rule.
"""

import json
from datetime import UTC, date, datetime, time

import pytest
from django.core import mail
from django.test import Client

from taskapp.accounts.models import ApiToken, Profile
from taskapp.planning import services as planning
from taskapp.planning.models import Recurrence, Reminder, Subtask
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task
from tests import streaming
from tests.streaming import json_body

pytestmark = pytest.mark.django_db


def _json(client, method, path, body=None):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def client_for(user):
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def family(user):
    """ann's list "Family" with a task that has a step, a reminder and a rule."""
    family = lists.list_create(owner=user, name="Family")
    task = services.task_create(
        owner=user, title="Groceries", list=family.pk, due_date="2030-01-07", due_time="18:30"
    )
    planning.subtask_add(task=task, title="Milk")
    planning.reminder_add(task=task, kind="1h_before")
    planning.recurrence_set(task=task, recurrence={"frequency": "week"})
    return family, task


def _member(family, username, role):
    lists.member_invite(task_list=family, username=username, role=role)


def _routes(task, step_id, reminder_id):
    base = f"/api/v1/tasks/{task.id}"
    reads = [f"{base}/subtasks", f"{base}/reminders", f"{base}/recurrence"]
    writes = [
        ("post", f"{base}/subtasks", {"title": "Bread"}),
        ("put", f"{base}/subtasks/order", {"ids": [str(step_id)]}),
        ("patch", f"{base}/subtasks/{step_id}", {"done": True}),
        ("delete", f"{base}/subtasks/{step_id}", None),
        ("post", f"{base}/reminders", {"kind": "1d_before"}),
        ("delete", f"{base}/reminders/{reminder_id}", None),
        ("put", f"{base}/recurrence", {"frequency": "day"}),
        ("delete", f"{base}/recurrence", None),
    ]
    return reads, writes


def test_a_non_member_gets_404_on_every_planning_route(family, other_user):
    _, task = family
    bob = client_for(other_user)
    step = Subtask.objects.get(task=task)
    reads, writes = _routes(task, step.pk, Reminder.objects.get(task=task).pk)
    for url in reads:
        assert bob.get(url).status_code == 404, url
    for method, url, body in writes:
        assert _json(bob, method, url, body).status_code == 404, url
    assert Subtask.objects.get(task=task).done is False


def test_a_viewer_reads_the_plan_and_gets_403_on_every_write(family, other_user):
    family_list, task = family
    _member(family_list, "bob", "viewer")
    bob = client_for(other_user)
    step = Subtask.objects.get(task=task)
    reads, writes = _routes(task, step.pk, Reminder.objects.get(task=task).pk)
    for url in reads:
        assert bob.get(url).status_code == 200, url
    for method, url, body in writes:
        response = _json(bob, method, url, body)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "forbidden"
    assert Subtask.objects.filter(task=task).count() == 1
    assert Recurrence.objects.filter(task=task, frequency="week").exists()


def test_an_editor_writes_the_plan(family, other_user):
    family_list, task = family
    _member(family_list, "bob", "editor")
    bob = client_for(other_user)
    base = f"/api/v1/tasks/{task.id}"
    assert _json(bob, "post", f"{base}/subtasks", {"title": "Bread"}).status_code == 201
    assert _json(bob, "put", f"{base}/recurrence", {"frequency": "day"}).status_code == 200
    assert _json(bob, "post", f"{base}/reminders", {"kind": "1d_before"}).status_code == 201
    assert Subtask.objects.filter(task=task).count() == 2


def test_a_former_member_gets_404(family, other_user):
    family_list, task = family
    _member(family_list, "bob", "editor")
    lists.member_remove(task_list=family_list, username="bob")
    bob = client_for(other_user)
    assert bob.get(f"/api/v1/tasks/{task.id}/subtasks").status_code == 404


def test_reminders_are_their_creators(family, user, other_user):
    """Each member sees, removes and gets only their own reminders."""
    family_list, task = family
    _member(family_list, "bob", "editor")
    bob = client_for(other_user)
    mine = _json(bob, "post", f"/api/v1/tasks/{task.id}/reminders", {"kind": "1d_before"})
    assert Reminder.objects.get(pk=mine.json()["id"]).owner == other_user
    items = bob.get(f"/api/v1/tasks/{task.id}/reminders").json()["items"]
    assert [item["kind"] for item in items] == ["1d_before"]
    anns = Reminder.objects.get(task=task, owner=user)
    assert bob.delete(f"/api/v1/tasks/{task.id}/reminders/{anns.pk}").status_code == 404
    # Both fall due: each creator gets their own e-mail.
    result = planning.send_due_reminders(now=datetime(2030, 1, 8, tzinfo=UTC))
    assert result.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bob@example.com"]


def test_a_member_who_left_gets_no_more_reminders(family, other_user):
    family_list, task = family
    _member(family_list, "bob", "editor")
    planning.reminder_add(task=task, kind="1d_before", by=other_user)
    lists.member_remove(task_list=family_list, username="bob")
    planning.send_due_reminders(now=datetime(2030, 1, 8, tzinfo=UTC))
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_reminders_use_the_due_time_in_the_owners_zone(user):
    Profile.objects.update_or_create(user=user, defaults={"timezone": "Europe/Berlin"})
    user.refresh_from_db()
    task = services.task_create(owner=user, title="Call", due_date="2030-01-07", due_time="18:30")
    reminder = planning.reminder_add(task=Task.objects.get(pk=task.pk), kind="1h_before")
    # 18:30 in Berlin (UTC+1 in January) is 17:30 UTC; an hour before: 16:30 UTC.
    assert reminder.remind_at == datetime(2030, 1, 7, 16, 30, tzinfo=UTC)
    assert planning.due_time_of(task) == time(18, 30)


def test_the_next_occurrence_keeps_the_list_and_the_due_time(family, other_user):
    family_list, task = family
    _member(family_list, "bob", "editor")
    bob = client_for(other_user)
    response = _json(bob, "patch", f"/api/v1/tasks/{task.id}", {"status": "done"})
    assert response.status_code == 200
    upcoming = Task.objects.get(recurrence__isnull=False)
    assert upcoming.pk != task.pk
    assert upcoming.task_list_id == family_list.pk and upcoming.owner_id == task.owner_id
    assert upcoming.due_date == date(2030, 1, 14) and upcoming.due_time == time(18, 30)


def test_the_calendar_feed_lists_shared_tasks(family, user, other_user):
    family_list, _task = family
    services.task_create(owner=other_user, title="Bob's own", due_date="2030-01-08")
    _feed, raw = planning.feed_issue(user=other_user, name="Phone")
    titles = lambda: [t.title for t in planning.feed_tasks(other_user)]  # noqa: E731
    assert titles() == ["Bob's own"]
    _member(family_list, "bob", "viewer")
    assert titles() == ["Groceries", "Bob's own"]
    body = Client().get(f"/calendar/{raw}.ics").content.decode()
    assert "SUMMARY:Groceries" in body and "SUMMARY:Bob's own" in body
    # A due time is the owner's wall time: 18:30 UTC (ann has no zone set).
    assert "DTSTART:20300107T183000Z" in body
    lists.member_remove(task_list=family_list, username="bob")
    assert titles() == ["Bob's own"]


def test_quick_add_puts_the_task_into_the_named_list(api_client, user, other_user):
    family = lists.list_create(owner=user, name="Family trip")
    bobs = lists.list_create(owner=other_user, name="Bobs")
    viewing = lists.list_create(owner=other_user, name="Viewing")
    _member(bobs, "ann", "editor")
    _member(viewing, "ann", "viewer")
    line = {"title": "Book hotel @family-trip tomorrow"}
    task = Task.objects.get(
        pk=_json(api_client, "post", "/api/v1/tasks?parse=true", line).json()["id"]
    )
    assert (task.title, task.task_list_id) == ("Book hotel", family.pk)
    # A list shared with ann as an editor: the task goes there (and to its owner).
    body = _json(api_client, "post", "/api/v1/tasks?parse=true", {"title": "Fix bike @BOBS"})
    task = Task.objects.get(pk=body.json()["id"])
    assert (task.title, task.task_list_id, task.owner_id) == ("Fix bike", bobs.pk, other_user.pk)
    # Unknown, or only viewable: not read as a list; the words stay in the title and
    # the task goes into the Inbox.
    for line in ("Call @Nobody", "Watch @Viewing"):
        body = _json(api_client, "post", "/api/v1/tasks?parse=true", {"title": line})
        task = Task.objects.get(pk=body.json()["id"])
        assert (task.title, task.task_list_id) == (line, lists.inbox_for(user).pk)
    preview = _json(api_client, "post", "/api/v1/tasks/parse", {"text": "Pay @nobody @family-trip"})
    assert (preview.json()["title"], preview.json()["list_name"]) == ("Pay @nobody", "family-trip")


def test_quick_add_explicit_list_wins(api_client, user):
    family = lists.list_create(owner=user, name="Family")
    work = lists.list_create(owner=user, name="Work")
    body = {"title": "Plan @Family", "list": str(work.pk)}
    task_id = _json(api_client, "post", "/api/v1/tasks?parse=true", body).json()["id"]
    assert Task.objects.get(pk=task_id).task_list_id == work.pk
    assert family.pk != work.pk


def test_an_export_carries_list_steps_rule_and_due_time_and_imports_back(
    api_client, family, other_user
):
    family_list, _task = family
    exported = json_body(api_client.get("/api/v1/tasks/export?format=json"))
    row = next(r for r in exported if r["title"] == "Groceries")
    assert row["list"] == "Family" and row["due_time"] == "18:30"
    assert row["subtasks"] == [{"title": "Milk", "done": False}]
    assert row["recurrence"]["frequency"] == "week"
    # Into another account: the list is made by name, with the plan.
    bob = client_for(other_user)
    response = bob.post(
        "/api/v1/tasks/import?format=json", json.dumps([row]), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    copy = Task.objects.get(pk=response.json()["ids"][0])
    assert copy.owner_id == other_user.pk and copy.task_list.name == "Family"
    assert copy.task_list_id != family_list.pk and copy.due_time == time(18, 30)
    assert [s.title for s in Subtask.objects.filter(task=copy)] == ["Milk"]
    assert Recurrence.objects.get(task=copy).frequency == "week"
    # And as CSV.
    csv_text = streaming.body(api_client.get("/api/v1/tasks/export?format=csv")).decode()
    header = csv_text.splitlines()[0].split(",")
    assert {"list", "due_time", "subtasks", "recurrence"} <= set(header)


def test_an_old_export_without_list_plan_or_due_time_still_imports(api_client, user):
    old = [{"title": "Old", "description": "", "status": "open", "priority": "normal",
            "due_date": None, "tags": []}]  # fmt: skip
    response = api_client.post(
        "/api/v1/tasks/import?format=json", json.dumps(old), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=response.json()["ids"][0])
    assert task.task_list_id == lists.inbox_for(user).pk and task.due_time is None
