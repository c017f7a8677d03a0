"""The plan pages on a shared list, and quick add's @List, in the web UI."""

import pytest
from django.test import Client

from taskapp.planning import services as planning
from taskapp.planning.models import Recurrence, Reminder, Subtask
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_client(other_user):
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def shared_task(user):
    family = lists.list_create(owner=user, name="Family")
    task = services.task_create(
        owner=user, title="Groceries", list=family.pk, due_date="2030-01-07"
    )
    step = planning.subtask_add(task=task, title="Milk")
    reminder = planning.reminder_add(task=task, kind="1d_before")
    return family, task, step, reminder


def _writes(task, step, reminder):
    hexid = task.id.hex
    return [
        (f"/tasks/{hexid}/steps/", {"title": "Bread"}),
        (f"/tasks/{hexid}/steps/{step.pk}/", {"toggle": "1"}),
        (f"/tasks/{hexid}/steps/{step.pk}/", {"remove": "1"}),
        (f"/tasks/{hexid}/reminders/", {"reminder-kind": "at_due"}),
        (f"/tasks/{hexid}/reminders/{reminder.pk}/remove/", {}),
        (f"/tasks/{hexid}/repeat/", {"interval": "1", "frequency": "day"}),
        (f"/tasks/{hexid}/keep-typed/", {"text": "Groceries @Family"}),
    ]


def test_a_non_member_gets_404_on_the_plan(shared_task, bob_client):
    _, task, step, reminder = shared_task
    assert bob_client.get(f"/tasks/{task.id.hex}/plan/").status_code == 404
    for url, data in _writes(task, step, reminder):
        assert bob_client.post(url, data).status_code == 404, url


def test_a_viewer_sees_the_plan_read_only_and_gets_403_on_writes(shared_task, bob_client):
    family, task, step, reminder = shared_task
    lists.member_invite(task_list=family, username="bob", role="viewer")
    page = bob_client.get(f"/tasks/{task.id.hex}/plan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Milk" in html and "You can only view this list" in html
    assert 'action="/tasks/' not in html  # no forms to post
    for url, data in _writes(task, step, reminder):
        assert bob_client.post(url, data).status_code == 403, url
    assert Subtask.objects.get(pk=step.pk).done is False
    assert not Recurrence.objects.exists()
    assert Task.objects.get(pk=task.pk).title == "Groceries"


def test_an_editor_changes_the_plan_and_has_their_own_reminders(
    shared_task, bob_client, other_user
):
    family, task, step, _ = shared_task
    lists.member_invite(task_list=family, username="bob", role="editor")
    hexid = task.id.hex
    assert bob_client.post(f"/tasks/{hexid}/steps/{step.pk}/", {"toggle": "1"}).status_code == 302
    assert Subtask.objects.get(pk=step.pk).done is True
    response = bob_client.post(f"/tasks/{hexid}/reminders/", {"reminder-kind": "at_due"})
    assert response.status_code == 302
    assert Reminder.objects.get(task=task, owner=other_user).kind == "at_due"
    page = bob_client.get(f"/tasks/{hexid}/plan/").content.decode()
    shown = page.split('class="reminders"')[1].split("</ul>")[0]
    assert "At due time" in shown and "1 day before" not in shown  # ann's is not shown


def test_quick_add_on_a_list_page_and_at_list(logged_in_client, user):
    family = lists.list_create(owner=user, name="Family")
    work = lists.list_create(owner=user, name="Work")
    # The add box on the Work page: the task goes there unless the line names a list.
    logged_in_client.post(
        "/tasks/new/", {"title": "Report tomorrow", "quick": "1", "list": work.pk.hex, "next": "/"}
    )
    assert Task.objects.get(title="Report").task_list_id == work.pk
    line = "Picnic @family tomorrow"
    response = logged_in_client.post(
        "/tasks/new/", {"title": line, "quick": "1", "list": work.pk.hex, "next": "/"}
    )
    task = Task.objects.get(title="Picnic")
    assert task.task_list_id == family.pk
    page = logged_in_client.get(response["Location"]).content.decode()
    assert "<mark>@family</mark>" in page
    assert f'name="list" value="{work.pk}"' in page
    # Keep as typed: the whole line as the title, back into the list it was added on.
    logged_in_client.post(
        f"/tasks/{task.id.hex}/keep-typed/", {"text": line, "list": str(work.pk), "next": "/"}
    )
    task.refresh_from_db()
    assert (task.title, task.task_list_id, task.due_date) == (line, work.pk, None)


def test_quick_add_with_an_unknown_list_keeps_the_words(logged_in_client, user):
    logged_in_client.post("/tasks/new/", {"title": "Call @Nobody", "quick": "1", "next": "/"})
    task = Task.objects.get()
    assert (task.title, task.task_list_id) == ("Call @Nobody", lists.inbox_for(user).pk)
