"""The lists pages and sidebar, moving tasks, and sharing through the UI (no JavaScript:
plain form posts)."""

import pytest
from django.test import Client

from taskapp.tasks import lists, services
from taskapp.tasks.models import ListMember, Task, TaskList
from tests.api.helpers import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(user):
    task_list = lists.list_create(owner=user, name="Family", colour="green")
    services.task_create(owner=user, title="Groceries", list=task_list.pk)
    return task_list


@pytest.fixture
def bob_client(other_user):
    client = Client()
    client.force_login(other_user)
    return client


def test_the_sidebar_shows_each_list_with_its_open_count(logged_in_client, user, family):
    services.task_create(owner=user, title="Loose")
    html = logged_in_client.get("/").content.decode()
    assert f'href="/?list={family.pk}"' in html
    assert "Family" in html and "Inbox" in html
    assert html.count("1 open") == 2


def test_the_list_filter_shows_only_that_lists_tasks_and_adds_into_it(
    logged_in_client, user, family
):
    services.task_create(owner=user, title="Loose")
    html = logged_in_client.get(f"/?list={family.pk}").content.decode()
    assert "Groceries" in html and "Loose" not in html
    assert f'<input type="hidden" name="list" value="{family.pk}">' in html
    response = logged_in_client.post(
        "/tasks/new/", {"title": "Bread", "list": str(family.pk), "next": f"/?list={family.pk}"}
    )
    assert response.status_code == 302
    assert Task.objects.get(title="Bread").task_list == family


def test_an_unknown_list_in_the_address_is_a_404(logged_in_client, other_user):
    theirs = lists.list_create(owner=other_user, name="Theirs")
    assert logged_in_client.get(f"/?list={theirs.pk}").status_code == 404


def test_it_creates_renames_archives_deletes_and_restores_a_list(logged_in_client, user):
    response = logged_in_client.post("/lists/", {"name": "Work", "colour": "blue"})
    assert response.status_code == 302
    work = TaskList.objects.get(name="Work")
    task = services.task_create(owner=user, title="Report", list=work.pk)
    logged_in_client.post(f"/lists/{work.pk}/", {"name": "Job", "colour": "red"})
    assert TaskList.objects.get(pk=work.pk).name == "Job"
    logged_in_client.post(f"/lists/{work.pk}/", {"archive": "1"})
    assert TaskList.objects.get(pk=work.pk).is_archived
    logged_in_client.post(f"/lists/{work.pk}/", {"unarchive": "1"})
    confirm = logged_in_client.post(f"/lists/{work.pk}/delete/")
    assert confirm.status_code == 200 and b"Delete list" in confirm.content  # asks first
    logged_in_client.post(f"/lists/{work.pk}/delete/", {"confirm": "1"})
    assert Task.objects.get(pk=task.pk).in_trash
    assert b"Restore" in logged_in_client.get("/lists/").content
    logged_in_client.post(f"/lists/{work.pk}/restore/")
    assert not Task.objects.get(pk=task.pk).in_trash


def test_a_bad_list_name_is_shown_next_to_the_field(logged_in_client):
    response = logged_in_client.post("/lists/", {"name": "", "colour": "blue"})
    assert response.status_code == 422
    assert b'id="error-name"' in response.content


def test_it_moves_one_task_in_the_edit_form_and_many_with_the_bulk_bar(
    logged_in_client, user, family
):
    one = services.task_create(owner=user, title="One")
    two = services.task_create(owner=user, title="Two")
    form = logged_in_client.get(f"/tasks/{one.id}/edit/").content.decode()
    assert 'name="list"' in form and "Family" in form
    logged_in_client.post(
        f"/tasks/{one.id}/edit/",
        {"title": "One", "priority": "normal", "list": str(family.pk), "version": one.version},
    )
    assert Task.objects.get(pk=one.pk).task_list == family
    logged_in_client.post(
        "/tasks/actions/", {"action": "move", "ids": [two.id.hex], "list": str(family.pk)}
    )
    assert Task.objects.get(pk=two.pk).task_list == family


def test_the_owner_shares_and_a_viewer_can_read_but_not_write(
    logged_in_client, bob_client, user, other_user, family
):
    response = logged_in_client.post(
        f"/lists/{family.pk}/share/", {"username": "bob", "role": "viewer"}
    )
    assert response.status_code == 302
    assert ListMember.objects.get(task_list=family).user == other_user
    task = Task.objects.get(title="Groceries")
    assert b"Groceries" in bob_client.get("/").content
    assert b"Groceries" in bob_client.get(f"/?list={family.pk}").content
    before = snapshot(user)
    # The task page answers read-only (tests/ui/test_view_only.py); a save is refused.
    page = bob_client.get(f"/tasks/{task.id}/edit/").content.decode()
    assert "View only" in page and f'action="/tasks/{task.id}/edit/"' not in page
    assert bob_client.post(f"/tasks/{task.id}/edit/", {"title": "x"}).status_code == 403
    assert bob_client.post("/tasks/actions/", {"done": task.id.hex}).status_code == 403
    assert bob_client.post("/tasks/actions/", {"trash": task.id.hex}).status_code == 403
    assert (
        bob_client.post("/tasks/actions/", {"action": "done", "ids": [task.id.hex]}).status_code
        == 403
    )
    assert bob_client.post(f"/lists/{family.pk}/", {"name": "Mine"}).status_code == 403
    assert bob_client.post(f"/lists/{family.pk}/share/", {"username": "ann"}).status_code == 403
    assert snapshot(user) == before


def test_an_editor_changes_tasks_and_the_row_says_who(logged_in_client, bob_client, family):
    lists.member_invite(task_list=family, username="bob", role="editor")
    task = Task.objects.get(title="Groceries")
    assert bob_client.post("/tasks/actions/", {"done": task.id.hex}).status_code == 302
    assert Task.objects.get(pk=task.pk).updated_by == "bob"
    assert b"changed by bob" in logged_in_client.get("/").content


def test_a_member_leaves_and_then_gets_404(logged_in_client, bob_client, family):
    lists.member_invite(task_list=family, username="bob", role="editor")
    task = Task.objects.get(title="Groceries")
    response = bob_client.post(f"/lists/{family.pk}/leave-or-remove/", {"username": "bob"})
    assert response.status_code == 302
    assert bob_client.get(f"/tasks/{task.id}/edit/").status_code == 404
    assert bob_client.get(f"/?list={family.pk}").status_code == 404
    assert bob_client.get(f"/lists/{family.pk}/share/").status_code == 404
    assert b"Groceries" not in bob_client.get("/").content


def test_the_owner_removes_a_member_and_transfers_the_list(logged_in_client, other_user, family):
    lists.member_invite(task_list=family, username="bob", role="viewer")
    logged_in_client.post(f"/lists/{family.pk}/transfer/", {"username": "bob"})
    family.refresh_from_db()
    assert family.owner == other_user
    assert ListMember.objects.get(task_list=family).user.username == "ann"
    assert (
        logged_in_client.post(f"/lists/{family.pk}/transfer/", {"username": "ann"}).status_code
        == 403
    )


def test_non_members_get_404_on_every_list_page(logged_in_client, other_user):
    theirs = lists.list_create(owner=other_user, name="Theirs")
    for method, url in [
        ("get", f"/lists/{theirs.pk}/share/"),
        ("post", f"/lists/{theirs.pk}/"),
        ("post", f"/lists/{theirs.pk}/delete/"),
        ("post", f"/lists/{theirs.pk}/restore/"),
        ("post", f"/lists/{theirs.pk}/transfer/"),
        ("post", f"/lists/{theirs.pk}/leave-or-remove/"),
    ]:
        assert getattr(logged_in_client, method)(url).status_code == 404, url


def test_the_page_costs_the_same_queries_with_many_shared_lists(
    bob_client, user, other_user, django_assert_num_queries
):
    def page_with(count):
        for number in range(count):
            task_list = lists.list_create(owner=user, name=f"S{number}")
            services.task_create(owner=user, title=f"t{number}", list=task_list.pk)
            lists.member_invite(task_list=task_list, username="bob", role="editor")
        bob_client.get("/")
        # 13 for the page with lists, plus the plan's two (checklist progress, repeat
        # rules) since planning was merged: tests/ui/test_task_list.py.
        with django_assert_num_queries(15):
            bob_client.get("/")

    page_with(1)
    page_with(12)
