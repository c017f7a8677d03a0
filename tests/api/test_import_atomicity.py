"""A failed import changes nothing, on both backends.

bob imports into a list of his own that the import makes ("Fresh"), into ann's list
"Family" that she shares with him as an editor, into his list "Work" and into his
Inbox; a write after the first batch fails. Afterwards the database is exactly as
before: every task, tag row, step, repeat rule, reminder and list the import wrote
is gone, also the tasks written into ann's list, and nothing that existed before
changed. On SQLite one transaction does it; on MongoDB (no transaction) the import
takes back what it wrote (taskapp.tasks.services._undo_import).

A viewer naming a list they may only view gets 403 and nothing is written.
"""

import json

import pytest
from django.db import OperationalError
from django.test import Client

from taskapp.accounts.models import ApiToken
from taskapp.planning import services as planning
from taskapp.planning.models import Recurrence, Reminder, Subtask
from taskapp.tasks import lists, services
from taskapp.tasks.models import ListMember, Task, TaskList, TaskTag

pytestmark = pytest.mark.django_db

FAILURE = OperationalError("server closed the connection unexpectedly")


def client_for(user):
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def world() -> dict:
    """Every stored row an import could write or touch, field by field (rows in
    primary key order: two snapshots compare equal only if nothing changed)."""

    def rows(model, *fields):
        return sorted(model.objects.values_list("pk", *fields))

    return {
        "tasks": rows(
            Task,
            "owner_id",
            "task_list_id",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "due_time",
            "tag_names",
            "updated_at",
            "updated_by",
            "deleted_at",
            "version",
        ),
        "tags": rows(TaskTag, "task_id", "owner_id", "name"),
        "lists": rows(TaskList, "owner_id", "name", "is_inbox", "archived_at", "deleted_at"),
        "members": rows(ListMember, "task_list_id", "user_id", "role"),
        "steps": rows(Subtask, "task_id", "title", "done", "position"),
        "rules": rows(Recurrence, "task_id", "frequency", "interval", "anchor_day"),
        "reminders": rows(Reminder, "task_id", "owner_id", "remind_at"),
    }


def counts_per_owner(*users) -> dict:
    return {
        user.username: {
            "tasks": Task.objects.filter(owner=user).count(),
            "lists": TaskList.objects.filter(owner=user).count(),
            "steps": Subtask.objects.filter(task__owner=user).count(),
            "rules": Recurrence.objects.filter(task__owner=user).count(),
        }
        for user in users
    }


@pytest.fixture
def family(user, other_user):
    """ann's "Family", shared with bob as an editor, holding her task with a step,
    a reminder and a rule; bob's own "Work" with a task of his."""
    family = lists.list_create(owner=user, name="Family")
    lists.member_invite(task_list=family, username="bob", role="editor")
    groceries = services.task_create(
        owner=user, title="Groceries", list=family.pk, tags="food", due_date="2030-01-07"
    )
    planning.subtask_add(task=groceries, title="Milk")
    planning.reminder_add(task=groceries, kind="1h_before")
    planning.recurrence_set(task=groceries, recurrence={"frequency": "week"})
    work = lists.list_create(owner=other_user, name="Work")
    services.task_create(owner=other_user, title="Report", list=work.pk, tags="work")
    return family


def import_rows(family, count=6) -> list[dict]:
    """Rows for bob's import, cycling through the four kinds of target, each with a
    tag, a step and a rule (every other one without a due date)."""
    targets = ["Fresh", str(family.pk), "Work", None]
    rows = []
    for number in range(count):
        row = {
            "title": f"Imported {number + 1}",
            "tags": [f"t{number % 3}"],
            "subtasks": [f"step {number + 1}"],
            "recurrence": {"frequency": "day"},
        }
        if number % 2:
            row["due_date"] = "2030-02-01"
        if targets[number % 4] is not None:
            row["list"] = targets[number % 4]
        rows.append(row)
    return rows


def fail_on_call(monkeypatch, model, call: int):
    """Make the ``call``-th bulk insert of ``model`` fail (1 = the first batch's)."""
    real = model.objects.bulk_create
    calls = []

    def bulk_create(objs, *args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise FAILURE
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(model.objects, "bulk_create", bulk_create)
    return calls


def post_import(client, rows):
    return client.post("/api/v1/tasks/import", json.dumps(rows), content_type="application/json")


@pytest.mark.parametrize(
    ("model", "call"),
    [(Task, 2), (TaskTag, 2), (Subtask, 2), (Recurrence, 2), (Recurrence, 3)],
    ids=["tasks-of-batch-2", "tags-of-batch-2", "steps-of-batch-2", "rules-of-batch-2", "last"],
)
def test_a_failed_import_changes_nothing(user, other_user, family, monkeypatch, model, call):
    lists.inbox_for(other_user)  # made on sign-up
    bob = client_for(other_user)
    bob.get("/api/v1/me")  # the token's first use is recorded now, not during the import
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)  # batches of rows 1-2, 3-4, 5-6
    before, counts = world(), counts_per_owner(user, other_user)
    calls = fail_on_call(monkeypatch, model, call)

    response = post_import(bob, import_rows(family))

    assert len(calls) == call  # the failure came after whole batches were written
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"
    assert counts_per_owner(user, other_user) == counts
    assert world() == before


def test_a_failed_import_takes_back_the_inbox_it_made(user, other_user, family, monkeypatch):
    """An account made without sign-up has no Inbox until first need: an import
    that makes it and then fails takes it back too."""
    bob = client_for(other_user)
    assert not TaskList.objects.filter(owner=other_user, is_inbox=True).exists()
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    before = world()
    fail_on_call(monkeypatch, Task, 2)
    assert post_import(bob, import_rows(family)).status_code == 503
    assert world() == before


def test_a_failed_import_after_a_full_batch_of_500_changes_nothing(
    user, other_user, family, monkeypatch
):
    """The real batch size: rows 1-500 are written, row 501's batch fails."""
    lists.inbox_for(other_user)
    bob = client_for(other_user)
    bob.get("/api/v1/me")
    before = world()
    fail_on_call(monkeypatch, Subtask, 2)
    response = post_import(bob, import_rows(family, count=services.IMPORT_BATCH + 2))
    assert response.status_code == 503
    assert world() == before


def test_the_same_import_without_the_failure_writes_everything(user, other_user, family):
    """The counterpart of the tests above: what they take back is really written."""
    lists.inbox_for(other_user)
    response = post_import(client_for(other_user), import_rows(family))
    assert response.status_code == 201, response.content
    imported = Task.objects.filter(pk__in=response.json()["ids"])
    assert sorted(t.task_list.name for t in imported) == sorted(
        ["Fresh", "Family", "Work", "Inbox", "Fresh", "Family"]
    )
    assert {t.owner.username for t in imported if t.task_list.name == "Family"} == {"ann"}
    assert Subtask.objects.filter(task__in=imported).count() == 6
    assert Recurrence.objects.filter(task__in=imported).count() == 6
    assert TaskTag.objects.filter(task__in=imported).count() == 6
    assert TaskList.objects.filter(owner=other_user, name="Fresh").count() == 1


def test_a_viewer_importing_into_a_list_they_only_view_gets_403(user, other_user, family):
    ListMember.objects.filter(task_list=family, user=other_user).update(role="viewer")
    lists.inbox_for(other_user)
    bob = client_for(other_user)
    bob.get("/api/v1/me")
    before = world()
    # Row 2 names the list by id; the other rows alone would be fine (and would
    # make "Fresh").
    response = post_import(bob, import_rows(family, count=3))
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "forbidden",
            "message": "You can only view the list named in row(s) 2; nothing was imported.",
            "fields": {"rows": {"2": {"list": ["You can only view this list."]}}},
        }
    }
    assert world() == before


def test_a_former_member_importing_by_the_lists_id_imports_into_their_inbox(
    user, other_user, family
):
    """A list one is not in is not revealed: its id is treated as unknown (Inbox)."""
    lists.member_remove(task_list=family, username="bob")
    inbox = lists.inbox_for(other_user)
    rows = [{"title": "Mine", "list": str(family.pk)}]
    response = post_import(client_for(other_user), rows)
    assert response.status_code == 201
    assert Task.objects.get(pk=response.json()["ids"][0]).task_list_id == inbox.pk
