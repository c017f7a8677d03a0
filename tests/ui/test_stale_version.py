"""A task changed meanwhile (another tab, the API): the edit form refuses to
overwrite it; row actions read it again and apply once more; never a 500."""

import pytest
from django.db.models import F

from taskapp.tasks import selectors, services
from taskapp.tasks.models import Status, Task
from tests.ui.helpers import form_data

HX = {"HTTP_HX_REQUEST": "true"}
STALE = "This task was changed elsewhere; reload to see the latest version."


def changed_elsewhere(task):
    services.task_update(task=Task.objects.get(pk=task.pk), title="Buy oat milk")


@pytest.fixture
def race(monkeypatch):
    """Another writer bumps the task's version right after the view reads it,
    ``times`` times in a row (once: the view's retry wins; always: it gives up)."""
    real_get_task = selectors.get_task

    def racing(times):
        left = {"n": times}

        def get_task(*, owner, task_id, **kwargs):
            found = real_get_task(owner=owner, task_id=task_id, **kwargs)
            if left["n"]:
                left["n"] -= 1
                Task.objects.filter(pk=found.pk).update(version=F("version") + 1)
            return found

        monkeypatch.setattr(selectors, "get_task", get_task)

    return racing


def test_it_carries_the_version_in_the_edit_form(logged_in_client, task):
    html = logged_in_client.get(f"/tasks/{task.id}/edit/").content.decode()
    assert '<input type="hidden" name="version" value="1"' in html


def test_it_refuses_to_overwrite_a_change_made_in_another_tab(logged_in_client, task):
    page = logged_in_client.get(f"/tasks/{task.id}/edit/")
    changed_elsewhere(task)
    data = form_data(page.content, f"edit-{task.id.hex}", title="Buy milk today")
    response = logged_in_client.post(f"/tasks/{task.id}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 409
    assert STALE in html and 'value="Buy milk today"' in html  # what was typed stays
    assert Task.objects.get(pk=task.pk).title == "Buy oat milk"


def test_it_answers_htmx_with_the_form_and_the_message(logged_in_client, task):
    page = logged_in_client.get(f"/tasks/{task.id}/edit/", **HX)
    changed_elsewhere(task)
    data = form_data(page.content, f"edit-{task.id.hex}", title="Buy milk today")
    response = logged_in_client.post(f"/tasks/{task.id}/edit/", data, **HX)
    html = response.content.decode()
    assert response.status_code == 409
    assert html.lstrip().startswith('<li class="is-editing"')
    assert f'<p class="field-error" role="alert">{STALE}</p>' in html
    assert Task.objects.get(pk=task.pk).title == "Buy oat milk"


def test_it_refuses_an_edit_that_loses_the_race_between_read_and_write(
    logged_in_client, task, race
):
    page = logged_in_client.get(f"/tasks/{task.id}/edit/")
    race(1)
    data = form_data(page.content, f"edit-{task.id.hex}", title="Buy milk today")
    response = logged_in_client.post(f"/tasks/{task.id}/edit/", data)
    assert response.status_code == 409 and STALE in response.content.decode()
    assert Task.objects.get(pk=task.pk).title == "Buy milk"


@pytest.mark.parametrize("headers", [{}, HX])
def test_it_marks_done_a_task_that_changed_meanwhile(logged_in_client, task, race, headers):
    race(1)
    response = logged_in_client.post("/tasks/actions/", {"done": task.id.hex}, **headers)
    assert response.status_code in (200, 302)
    assert Task.objects.get(pk=task.pk).status == Status.DONE


@pytest.mark.parametrize("headers", [{}, HX])
def test_it_trashes_a_task_that_changed_meanwhile(logged_in_client, task, race, headers):
    race(1)
    response = logged_in_client.post("/tasks/actions/", {"trash": task.id.hex}, **headers)
    assert response.status_code in (200, 302)
    assert Task.objects.get(pk=task.pk).in_trash


@pytest.mark.parametrize("action", ["undo", "restore"])
def test_it_restores_a_task_that_changed_meanwhile(logged_in_client, task, race, action):
    services.task_trash(task=task)
    race(1)
    response = logged_in_client.post(f"/tasks/{task.id}/{action}/", **HX)
    assert response.status_code == 200
    assert not Task.objects.get(pk=task.pk).in_trash


def test_it_deletes_for_good_a_task_that_changed_meanwhile(logged_in_client, task, race):
    services.task_trash(task=task)
    race(1)
    response = logged_in_client.post(f"/tasks/{task.id}/purge/", {"confirm": "1"}, **HX)
    assert response.status_code == 200
    assert not Task.objects.filter(pk=task.pk).exists()


@pytest.fixture
def keeps_changing(monkeypatch):
    """Every compare-and-set loses: another writer always lands first. (The
    services retry an unconditional write WRITE_ATTEMPTS times; fewer here.)"""
    monkeypatch.setattr(services, "WRITE_ATTEMPTS", 3)
    monkeypatch.setattr(services, "RETRY_PAUSE_S", 0)

    def lose(*args, **kwargs):
        raise services.StaleVersion

    monkeypatch.setattr(services, "_compare_and_set", lose)


def test_it_reports_a_task_that_keeps_changing(logged_in_client, task, keeps_changing):
    response = logged_in_client.post("/tasks/actions/", {"done": task.id.hex, "next": "/?q=milk"})
    assert response.status_code == 302 and response["Location"] == "/?q=milk"
    assert Task.objects.get(pk=task.pk).status == Status.OPEN
    assert STALE in logged_in_client.get("/?q=milk").content.decode()


def test_it_reports_a_task_that_keeps_changing_with_htmx(logged_in_client, task, keeps_changing):
    Task.objects.filter(pk=task.pk).update(deleted_at=F("created_at"))  # in the trash
    response = logged_in_client.post(f"/tasks/{task.id}/restore/", **HX)
    html = response.content.decode()
    assert response.status_code == 409 and response["HX-Reswap"] == "none"
    assert 'id="messages"' in html and 'hx-swap-oob="true"' in html and STALE in html
    assert Task.objects.get(pk=task.pk).in_trash
