"""Another user's task answers 404 on every task route, and nothing changes."""

import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Task

ROUTES = [
    ("get", "/tasks/{id}/"),
    ("get", "/tasks/{id}/edit/"),
    ("post", "/tasks/{id}/edit/"),
    ("post", "/tasks/{id}/undo/"),
    ("post", "/tasks/{id}/restore/"),
    ("post", "/tasks/{id}/purge/"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
@pytest.mark.parametrize("htmx", [False, True])
def test_other_users_tasks_are_not_found(logged_in_client, other_user, method, route, htmx):
    theirs = services.task_create(owner=other_user, title="Theirs")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {"title": "Mine now", "priority": "low", "done": [str(theirs.id)]}
    call = getattr(logged_in_client, method)
    response = call(route.format(id=theirs.id), data if method == "post" else None, **headers)
    assert response.status_code == 404
    after = Task.objects.get(pk=theirs.pk)
    assert (after.title, after.version, after.in_trash) == ("Theirs", theirs.version, False)


@pytest.mark.parametrize("action", ["done", "reopen", "trash"])
@pytest.mark.parametrize("htmx", [False, True])
def test_other_users_tasks_are_not_found_by_row_buttons(logged_in_client, other_user, action, htmx):
    theirs = services.task_create(owner=other_user, title="Theirs")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = logged_in_client.post("/tasks/actions/", {action: theirs.id.hex}, **headers)
    assert response.status_code == 404
    after = Task.objects.get(pk=theirs.pk)
    assert (after.status, after.version, after.in_trash) == ("open", theirs.version, False)


def test_the_404_page_is_friendly(logged_in_client, other_user):
    theirs = services.task_create(owner=other_user, title="Theirs")
    response = logged_in_client.get(f"/tasks/{theirs.id}/edit/")
    assert b"Page not found" in response.content and b"Back to your tasks" in response.content
