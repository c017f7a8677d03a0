import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.ui.helpers import accessible_names, form_data

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def trashed(user):
    task = services.task_create(owner=user, title="Old idea")
    return services.task_trash(task=task)


def test_it_lists_trashed_tasks_only(logged_in_client, trashed, user):
    services.task_create(owner=user, title="Still active")
    html = logged_in_client.get("/trash/").content.decode()
    assert ">Old idea</span>" in html and "Still active" not in html
    names = accessible_names(html)
    assert "Restore Old idea" in names and "Delete forever Old idea" in names
    assert html.count("Old idea") == 1  # named by reference, not repeated


def test_it_shows_an_empty_trash(logged_in_client):
    assert b"The trash is empty." in logged_in_client.get("/trash/").content


def test_it_restores_without_javascript(logged_in_client, trashed):
    page = logged_in_client.get("/trash/")
    restore = f"/tasks/{trashed.id.hex}/restore/"
    response = logged_in_client.post(restore, form_data(page.content, restore))
    assert response.status_code == 302 and response["Location"] == "/trash/"
    assert not Task.objects.get(pk=trashed.pk).in_trash
    assert "“Old idea” restored." in logged_in_client.get("/trash/").content.decode()


def test_it_restores_with_htmx(logged_in_client, trashed):
    response = logged_in_client.post(f"/tasks/{trashed.id}/restore/", **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<li" not in html
    assert '<strong id="count-open">1</strong>' in html
    assert "“Old idea” restored." in html


def purge_form(page, task) -> dict:
    """The trash row's form, posted by its "Delete forever" button (formaction)."""
    return form_data(page.content, f"/tasks/{task.id.hex}/restore/")


def test_it_asks_before_deleting_for_good_without_javascript(logged_in_client, trashed):
    page = logged_in_client.get("/trash/?sort=title")
    data = purge_form(page, trashed)
    response = logged_in_client.post(f"/tasks/{trashed.id}/purge/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete “Old idea” for good? This cannot be undone." in html
    assert Task.objects.filter(pk=trashed.pk).exists()  # asking changes nothing
    purge = f"/tasks/{trashed.id.hex}/purge/"
    response = logged_in_client.post(purge, form_data(html, purge))
    assert response.status_code == 302 and response["Location"] == "/trash/?sort=title"
    assert not Task.objects.filter(pk=trashed.pk).exists()


def test_it_deletes_for_good_with_htmx_after_the_browser_asked(logged_in_client, trashed):
    html = logged_in_client.get("/trash/").content.decode()
    assert "hx-confirm=" in html and """hx-vals='{"confirm": "1"}'""" in html
    response = logged_in_client.post(f"/tasks/{trashed.id}/purge/", {"confirm": "1"}, **HX)
    assert "deleted for good" in response.content.decode()
    assert not Task.objects.filter(pk=trashed.pk).exists()


def test_it_keeps_the_query_in_the_pager(logged_in_client, user):
    for number in range(51):
        services.task_trash(task=services.task_create(owner=user, title=f"Idea {number}"))
    html = logged_in_client.get("/trash/?sort=title").content.decode()
    assert 'href="?sort=title&amp;page=2"' in html
