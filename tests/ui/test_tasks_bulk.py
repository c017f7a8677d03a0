import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Status, Task
from tests.ui.helpers import form_data

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def three(user):
    return [services.task_create(owner=user, title=f"T{n}") for n in range(3)]


def test_it_marks_selected_done_without_javascript(logged_in_client, three):
    page = logged_in_client.get("/?sort=title")
    data = form_data(page.content, "bulk", ids=[str(three[0].id), str(three[2].id)], action="done")
    response = logged_in_client.post("/tasks/actions/", data)
    assert response.status_code == 302 and response["Location"] == "/?sort=title"
    statuses = [Task.objects.get(pk=t.pk).status for t in three]
    assert statuses == [Status.DONE, Status.OPEN, Status.DONE]
    assert "Marked 2 tasks done." in logged_in_client.get("/").content.decode()


def test_it_deletes_selected_with_htmx(logged_in_client, three):
    data = {"ids": [str(three[1].id)], "action": "trash", "next": "/"}
    response = logged_in_client.post("/tasks/actions/", data, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="task-list"')
    assert ">T1</span>" not in html and ">T0</span>" in html
    assert "Moved 1 task to the trash." in html
    assert Task.objects.get(pk=three[1].pk).in_trash


def test_it_says_when_nothing_is_selected(logged_in_client, three):
    logged_in_client.post("/tasks/actions/", {"action": "done"})
    assert "Select at least one task." in logged_in_client.get("/").content.decode()
    assert not Task.objects.filter(status=Status.DONE).exists()


def test_it_rejects_bad_ids_and_actions(logged_in_client, three):
    logged_in_client.post("/tasks/actions/", {"ids": ["nope"], "action": "done"})
    logged_in_client.post("/tasks/actions/", {"ids": [str(three[0].id)], "action": "explode"})
    assert not Task.objects.filter(status=Status.DONE).exists()


def test_it_leaves_other_users_tasks_alone(logged_in_client, other_user):
    theirs = services.task_create(owner=other_user, title="Theirs")
    logged_in_client.post("/tasks/actions/", {"ids": [str(theirs.id)], "action": "trash"})
    assert not Task.objects.get(pk=theirs.pk).in_trash
