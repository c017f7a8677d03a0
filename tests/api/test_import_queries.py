"""An import costs a fixed number of queries, whatever the number of rows (up to a
batch of 500), on both backends: no query per task, per list or per owner.

The case that used to cost two queries per task: a repeat rule without a due date
starts from "today" in the zone of the task's owner (the list's owner, for a
shared list), read once per import for all owners together.
"""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from taskapp.accounts.models import ApiToken, Profile
from taskapp.planning import services as planning
from taskapp.planning.models import Recurrence, Subtask
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(user, other_user):
    """bob, an editor of ann's "Family", with his Inbox and token in use; ann lives
    in Berlin, bob in Tokyo (their "today" may differ)."""
    Profile.objects.create(user=user, timezone="Europe/Berlin")
    Profile.objects.create(user=other_user, timezone="Asia/Tokyo")
    family = lists.list_create(owner=user, name="Family")
    lists.member_invite(task_list=family, username="bob", role="editor")
    lists.inbox_for(other_user)
    _, raw = ApiToken.issue(user=other_user, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/me")  # the token's first use is recorded here
    return client, family


def rows(count, family, new_list) -> list[dict]:
    """Tasks with a rule but no due date, two steps and a tag, spread over bob's
    Inbox, a list the import makes (``new_list``) and ann's shared list."""
    targets = [None, new_list, str(family.pk)]
    out = []
    for number in range(count):
        row = {
            "title": f"Chore {number}",
            "tags": ["home"],
            "subtasks": ["first", "second"],
            "recurrence": {"frequency": "week"},
        }
        if targets[number % 3]:
            row["list"] = targets[number % 3]
        out.append(row)
    return out


def import_queries(client, body) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/tasks/import", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    return len(queries)


def test_an_import_costs_the_same_queries_for_3_or_30_tasks(bob):
    client, family = bob
    few = import_queries(client, rows(3, family, "Errands"))
    many = import_queries(client, rows(30, family, "Garden"))
    assert few == many
    # docs/api.md, "All or nothing": the token, bob's lists, his memberships, the
    # lists named by id, the lists made; tasks, tag rows, the owners' zones, steps,
    # rules; on SQLite also the savepoint around the writes and its release.
    assert many == (12 if connection.vendor == "sqlite" else 10)
    assert Recurrence.objects.count() == 33 and Subtask.objects.count() == 66


def test_each_more_batch_costs_at_most_its_own_writes(bob, monkeypatch):
    """Past the first batch, a batch is its tasks, tag rows, steps and rules: four
    inserts; the owners' zones are not read again."""
    client, family = bob
    monkeypatch.setattr(services, "IMPORT_BATCH", 10)
    one_batch = import_queries(client, rows(10, family, "Errands"))
    three_batches = import_queries(client, rows(30, family, "Garden"))
    assert three_batches - one_batch == 2 * 4


def test_a_rule_without_a_due_date_starts_today_in_the_list_owners_zone(bob):
    client, family = bob
    import_queries(client, rows(3, family, "Errands"))
    for task in Task.objects.select_related("owner"):
        rule = Recurrence.objects.get(task=task)
        today = planning.today_of(task.owner)
        assert (rule.anchor_day, rule.anchor_month) == (today.day, today.month)
