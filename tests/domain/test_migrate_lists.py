"""A database made by the schema before lists (today's main) migrates forward with
nothing lost: every user gets an Inbox, every task lands in its owner's Inbox."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tasks", "0001_initial"), ("accounts", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_old_database_gets_inboxes_and_keeps_every_task():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    User = old.get_model("auth", "User")
    Task = old.get_model("tasks", "Task")
    ann = User.objects.create(username="ann")
    bob = User.objects.create(username="bob")
    User.objects.create(username="carol")  # no tasks: still gets an Inbox
    rows = {
        "a1": Task.objects.create(owner=ann, title="a1", tag_names=["x"], priority=3),
        "a2": Task.objects.create(owner=ann, title="a2", status="done"),
        "b1": Task.objects.create(owner=bob, title="b1"),
    }
    new = _migrate(latest)
    NewTask = new.get_model("tasks", "Task")
    TaskList = new.get_model("tasks", "TaskList")
    inboxes = {tl.owner_id: tl for tl in TaskList.objects.filter(is_inbox=True)}
    assert set(inboxes) == set(User.objects.values_list("pk", flat=True))
    assert {tl.name for tl in inboxes.values()} == {"Inbox"}
    for _title, old_task in rows.items():
        task = NewTask.objects.get(pk=old_task.pk)
        assert task.task_list_id == inboxes[old_task.owner_id].pk
        assert (task.title, task.status, task.priority, task.tag_names) == (
            old_task.title,
            old_task.status,
            old_task.priority,
            old_task.tag_names,
        )
    assert NewTask.objects.count() == 3
