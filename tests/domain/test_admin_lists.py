"""The admin shows lists with their members, and each task's list."""

import pytest

from taskapp.tasks import lists, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_it_lists_lists_and_shows_members_on_the_change_page(staff_client, user, other_user):
    family = lists.list_create(owner=user, name="Family")
    lists.member_invite(task_list=family, username="bob", role="editor")
    services.task_create(owner=user, title="Groceries", list=family.pk)
    listing = staff_client.get("/admin/tasks/tasklist/")
    assert listing.status_code == 200
    assert b"Family" in listing.content
    change = staff_client.get(f"/admin/tasks/tasklist/{family.pk}/change/")
    assert change.status_code == 200
    assert b"List members" in change.content and b"Editor" in change.content
    tasks = staff_client.get("/admin/tasks/task/")
    assert b"Family" in tasks.content
