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
from django.db import OperationalError, connection
from django.test import Client

from taskapp.accounts.models import ApiToken
from taskapp.planning import exchange as plan_exchange
from taskapp.planning.models import Recurrence, Subtask
from taskapp.tasks import lists, services
from taskapp.tasks.models import ListMember, Task, TaskList, TaskTag
from tests.import_world import (
    FAILURE,
    counts_per_owner,
    fail_on_call,
    import_rows,
    share_family,
    world,
)

pytestmark = pytest.mark.django_db


def client_for(user):
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def family(user, other_user):
    return share_family(user, other_user)


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


def test_when_the_undo_fails_too_the_first_error_is_raised_and_logged(
    user, other_user, family, monkeypatch, caplog
):
    """The database went away for good: the import answers the write's error, and on
    MongoDB (where the undo runs) the log says what may be left behind."""

    def undo_fails(ids):
        raise OperationalError("still unreachable")

    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    monkeypatch.setattr(services, "_undo_create", undo_fails)
    fail_on_call(monkeypatch, Task, 2)
    rows = list(enumerate(import_rows(family), start=1))
    with pytest.raises(OperationalError) as raised:
        plan_exchange.tasks_import(owner=other_user, rows=rows)
    assert raised.value is FAILURE
    undo_logged = [r for r in caplog.records if r.message.startswith("import undo failed")]
    assert len(undo_logged) == (1 if connection.vendor == "mongodb" else 0)
    if connection.vendor != "mongodb":  # the transaction rolled it all back
        assert not Task.objects.filter(title__startswith="Imported").exists()
