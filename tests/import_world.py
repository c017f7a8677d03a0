"""What a failed import must leave as it was, and how the tests make one fail
(tests/api/test_import_atomicity.py, tests/ui/test_import_failures.py)."""

from django.db import OperationalError

from taskapp.planning import services as planning
from taskapp.planning.models import Recurrence, Reminder, Subtask
from taskapp.tasks import lists, services
from taskapp.tasks.models import ListMember, Task, TaskList, TaskTag

FAILURE = OperationalError("server closed the connection unexpectedly")


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


def share_family(user, other_user):
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
