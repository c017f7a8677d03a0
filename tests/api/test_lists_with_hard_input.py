"""Lists and sharing together with the hard-input work: bounded/streamed exports and
imports carry the list, retried writes check access again, validation edges apply
to the lists' own fields."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from taskapp.accounts.models import ApiToken
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task, TaskList
from tests.streaming import body, json_body

pytestmark = pytest.mark.django_db


def client_for(user):
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post_raw(client, url, text):
    return client.post(url, text, content_type="application/json")


@pytest.fixture
def family(user, other_user):
    """ann's list "Family", shared with bob as an editor, with one task."""
    family = lists.list_create(owner=user, name="Family")
    lists.member_invite(task_list=family, username="bob", role="editor")
    services.task_create(owner=user, title="Groceries", list=family.pk)
    return family


def test_a_list_name_with_a_lone_surrogate_is_a_422(api_client, family):
    response = post_raw(api_client, "/api/v1/lists", '{"name": "a\\ud800b"}')
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    response = api_client.patch(
        f"/api/v1/lists/{family.pk}", '{"name": "\\udfff"}', content_type="application/json"
    )
    assert response.status_code == 422
    assert TaskList.objects.get(pk=family.pk).name == "Family"
    response = post_raw(
        api_client, f"/api/v1/lists/{family.pk}/members", '{"username": "b\\ud800"}'
    )
    assert response.status_code == 422


def test_an_import_with_a_bad_list_name_is_refused_with_its_row(api_client, user):
    rows = '[{"title": "One", "list": "Work"}, {"title": "Two", "list": "x\\ud800"}]'
    response = post_raw(api_client, "/api/v1/tasks/import", rows)
    assert response.status_code == 422
    assert "list" in json.dumps(response.json())
    assert not Task.objects.filter(owner=user).exists()
    assert not TaskList.objects.filter(owner=user, name="Work").exists()


def test_the_streamed_legacy_list_has_own_and_shared_tasks(other_user, family):
    services.task_create(owner=other_user, title="Bob's own")
    bob = client_for(other_user)
    response = bob.get("/api/task")
    assert response.streaming
    assert sorted(t["title"] for t in json_body(response)) == ["Bob's own", "Groceries"]
    # Someone outside the list sees neither the task nor that it exists.
    lists.member_remove(task_list=family, username="bob")
    assert [t["title"] for t in json_body(bob.get("/api/task"))] == ["Bob's own"]
    assert bob.get("/api/task/Groceries").status_code == 404


def test_a_streamed_export_names_each_chunks_lists_in_fixed_queries(
    api_client, user, family, monkeypatch
):
    from taskapp.tasks import exchange

    monkeypatch.setattr(exchange, "EXPORT_CHUNK", 2)
    work = lists.list_create(owner=user, name="Work")
    for number in range(5):
        services.task_create(owner=user, title=f"T{number}", list=work.pk)

    def export_queries(count):
        with CaptureQueriesContext(connection) as queries:
            rows = json_body(api_client.get("/api/v1/tasks/export?format=json&sort=created"))
        assert len(rows) == count
        return rows, len(queries)

    rows, few = export_queries(6)
    # Tasks made within one millisecond tie on created_at (both backends keep ms):
    # their order is then the ids', so the names are compared without it.
    assert sorted(row["list"] for row in rows) == ["Family", *["Work"] * 5]
    for number in range(5, 7):
        services.task_create(owner=user, title=f"T{number}", list=work.pk)
    _rows, more = export_queries(8)
    # One more chunk: one more round of (list names, steps, rules) at most.
    assert more - few <= 4
    csv_text = body(api_client.get("/api/v1/tasks/export?format=csv&sort=created")).decode()
    assert csv_text.count(",Work,") == 7


def test_a_retried_write_checks_access_again(user, other_user, family, monkeypatch):
    """bob's write loses a race; before the retry, ann made him a viewer: 403."""
    from django.core.exceptions import PermissionDenied

    monkeypatch.setattr(services, "RETRY_PAUSE_S", 0)
    task = Task.objects.get(title="Groceries")
    real = services._compare_and_set
    calls = []

    def lose_once(task, changes, expected_version, now):
        calls.append(1)
        if len(calls) == 1:
            raise services.StaleVersion
        return real(task, changes, expected_version, now)

    def meanwhile(seconds):  # between the attempts, outside the write's transaction
        lists.member_invite(task_list=family, username="bob", role="viewer")

    monkeypatch.setattr(services, "_compare_and_set", lose_once)
    monkeypatch.setattr(services.time, "sleep", meanwhile)
    mine = lists.get_task(other_user, task.pk, write=True)
    with pytest.raises(PermissionDenied):
        services.task_update(task=mine, by=other_user, title="Changed")
    assert Task.objects.get(pk=task.pk).title == "Groceries"
    assert len(calls) == 1


def test_a_retried_write_by_a_removed_member_is_not_found(user, other_user, family, monkeypatch):
    monkeypatch.setattr(services, "RETRY_PAUSE_S", 0)
    task = Task.objects.get(title="Groceries")
    real = services._compare_and_set
    calls = []

    def lose_once(task, changes, expected_version, now):
        calls.append(1)
        if len(calls) == 1:
            raise services.StaleVersion
        return real(task, changes, expected_version, now)

    def meanwhile(seconds):
        lists.member_remove(task_list=family, username="bob")

    monkeypatch.setattr(services, "_compare_and_set", lose_once)
    monkeypatch.setattr(services.time, "sleep", meanwhile)
    mine = lists.get_task(other_user, task.pk, write=True)
    with pytest.raises(Task.DoesNotExist):
        services.task_trash(task=mine, by=other_user)
    assert not Task.objects.get(pk=task.pk).in_trash


def test_a_retried_write_that_may_still_write_goes_through(user, other_user, family, monkeypatch):
    monkeypatch.setattr(services, "RETRY_PAUSE_S", 0)
    task = Task.objects.get(title="Groceries")
    real = services._compare_and_set
    calls = []

    def lose_once(task, changes, expected_version, now):
        calls.append(1)
        if len(calls) == 1:
            raise services.StaleVersion
        return real(task, changes, expected_version, now)

    monkeypatch.setattr(services, "_compare_and_set", lose_once)
    mine = lists.get_task(other_user, task.pk, write=True)
    services.task_update(task=mine, by=other_user, title="Changed")
    assert Task.objects.get(pk=task.pk).title == "Changed"
    assert len(calls) == 2


def test_a_viewer_gets_403_on_the_legacy_writes_and_the_export_has_the_shared_task(
    other_user, family
):
    lists.member_invite(task_list=family, username="bob", role="viewer")
    bob = client_for(other_user)
    assert bob.put("/api/task/Groceries?desc=x").status_code == 403
    assert bob.delete("/api/task/Groceries").status_code == 403
    rows = json_body(bob.get("/api/v1/tasks/export?format=json"))
    assert [(row["title"], row["list"]) for row in rows] == [("Groceries", "Family")]


def test_archived_must_be_a_boolean(api_client, family):
    response = api_client.patch(
        f"/api/v1/lists/{family.pk}", '{"archived": 0}', content_type="application/json"
    )
    assert response.status_code == 422
    assert TaskList.objects.get(pk=family.pk).archived_at is None
