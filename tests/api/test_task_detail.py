"""One task: GET, PUT, PATCH, DELETE (trash), restore, permanent delete, If-Match."""

from unittest.mock import ANY

import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.api.helpers import error, expected_task, snapshot

pytestmark = pytest.mark.django_db

STALE = error("precondition_failed")


def url(task, suffix=""):
    return f"/api/v1/tasks/{task.id}{suffix}"


def put(client, task, body, **headers):
    return client.put(url(task), body, content_type="application/json", headers=headers)


def patch(client, task, body, **headers):
    return client.patch(url(task), body, content_type="application/json", headers=headers)


# --- GET --------------------------------------------------------------------------


def test_it_gets_a_task_with_its_etag(api_client, task):
    response = api_client.get(url(task))
    assert response.status_code == 200
    assert response["ETag"] == f'"{task.id.hex}-1"'
    assert response.json() == expected_task(task.id)


def test_it_gets_a_task_in_the_trash(api_client, task):
    services.task_trash(task=task)
    response = api_client.get(url(task))
    assert response.status_code == 200
    assert response.json()["in_trash"] is True
    assert response.json()["deleted_at"] is not None


def test_it_answers_404_for_an_unknown_id(api_client):
    response = api_client.get("/api/v1/tasks/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json() == error("not_found", "No task with this id.")


# --- PUT --------------------------------------------------------------------------


def test_it_replaces_a_task(api_client, task):
    services.task_update(task=task, tags=["old"], priority="high")
    response = put(api_client, task, {"title": "New title", "due_date": "2031-01-02"})
    assert response.status_code == 200
    stored = Task.objects.get(pk=task.pk)
    assert response["ETag"] == stored.etag == f'"{task.id.hex}-3"'
    assert response.json() == expected_task(task.id)
    assert (stored.title, stored.description, stored.tag_names, stored.priority) == (
        "New title",
        "",
        [],
        2,
    )


def test_it_needs_a_title_to_replace(api_client, user, task):
    before = snapshot(user)
    response = put(api_client, task, {"description": "only"})
    assert response.status_code == 422
    assert response.json() == error("validation_error", ANY, {"title": ["This field is required."]})
    assert snapshot(user) == before


# --- PATCH ------------------------------------------------------------------------


def test_it_changes_only_the_fields_sent(api_client, task):
    response = patch(api_client, task, {"status": "done", "tags": ["a"]})
    assert response.status_code == 200
    stored = Task.objects.get(pk=task.pk)
    assert response.json() == expected_task(task.id)
    assert (stored.title, stored.description, stored.status, stored.tag_names) == (
        "Buy milk",
        "Oat, 2 litres",
        "done",
        ["a"],
    )
    assert stored.completed_at is not None


def test_it_clears_the_due_date_with_null(api_client, task):
    services.task_update(task=task, due_date="2030-01-01")
    response = patch(api_client, task, {"due_date": None})
    assert response.json()["due_date"] is None


def test_it_reopens_a_task_and_clears_completed_at(api_client, task):
    services.task_set_status(task=task, status="done")
    response = patch(api_client, task, {"status": "open"})
    assert response.json()["completed_at"] is None


def test_it_rejects_a_null_title(api_client, user, task):
    before = snapshot(user)
    response = patch(api_client, task, {"title": None})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"title": ["Title must be text."]}
    assert snapshot(user) == before


# --- If-Match ---------------------------------------------------------------------


def test_it_applies_a_write_with_the_current_etag(api_client, task):
    response = patch(api_client, task, {"title": "B"}, if_match=task.etag)
    assert response.status_code == 200
    assert response["ETag"] == f'"{task.id.hex}-2"'


def test_it_applies_a_write_with_if_match_star(api_client, task):
    response = patch(api_client, task, {"title": "B"}, if_match="*")
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).title == "B"
    assert response.json() == expected_task(task.id, title="B")


@pytest.mark.parametrize(
    "send",
    [
        lambda c, t, h: patch(c, t, {"title": "B"}, if_match=h),
        lambda c, t, h: put(c, t, {"title": "B"}, if_match=h),
        lambda c, t, h: c.delete(url(t), headers={"if_match": h}),
        lambda c, t, h: c.delete(url(t, "/permanent"), headers={"if_match": h}),
    ],
    ids=["patch", "put", "delete", "permanent"],
)
def test_it_answers_412_for_a_stale_etag_and_changes_nothing(api_client, user, task, send):
    stale = task.etag
    services.task_update(task=task, description="changed elsewhere")
    before = snapshot(user)
    response = send(api_client, task, stale)
    assert response.status_code == 412
    assert response.json() == STALE
    assert snapshot(user) == before


def test_it_answers_412_for_an_etag_of_another_task(api_client, user, task):
    other = services.task_create(owner=user, title="Other")
    before = snapshot(user)
    response = patch(api_client, task, {"title": "B"}, if_match=other.etag)
    assert response.status_code == 412
    assert response.json() == STALE
    assert snapshot(user) == before


# --- DELETE, restore, permanent ---------------------------------------------------


def test_it_moves_a_task_to_the_trash(api_client, task):
    response = api_client.delete(url(task))
    assert response.status_code == 204
    assert response.content == b""
    stored = Task.objects.get(pk=task.pk)
    assert stored.in_trash
    assert response["ETag"] == stored.etag


def test_it_restores_a_task_from_the_trash(api_client, task):
    services.task_trash(task=task)
    response = api_client.post(url(task, "/restore"))
    assert response.status_code == 200
    assert response.json() == expected_task(task.id, in_trash=False, deleted_at=None)
    assert not Task.objects.get(pk=task.pk).in_trash


def test_it_deletes_a_task_for_good(api_client, task):
    services.task_trash(task=task)
    response = api_client.delete(url(task, "/permanent"))
    assert response.status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()
    assert api_client.get(url(task)).status_code == 404


# --- Another user's task ----------------------------------------------------------

ROUTES = [
    ("get", "", None),
    ("put", "", {"title": "Mine now"}),
    ("patch", "", {"title": "Mine now"}),
    ("delete", "", None),
    ("post", "/restore", None),
    ("delete", "/permanent", None),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ROUTES)
def test_it_answers_404_for_another_users_task(
    api_client, other_user, other_task, method, suffix, body
):
    before = snapshot(other_user)
    kwargs = {"data": body, "content_type": "application/json"} if body else {}
    response = getattr(api_client, method)(url(other_task, suffix), **kwargs)
    assert response.status_code == 404
    assert response.json() == error("not_found", "No task with this id.")
    assert snapshot(other_user) == before
