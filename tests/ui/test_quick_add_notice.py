"""After a quick add the notice says what was read (what it became, and from which
words) and "Keep as typed" turns the task back into the line: without JavaScript
(post/redirect/get) and with htmx (the list and the notice swapped)."""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils.formats import date_format
from django.utils.translation import override

from taskapp.planning.models import Recurrence
from taskapp.planning.services import today_of
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db

LINE = "Pay rent tomorrow 9:00 !high #home @bills every month"


def _notice(page: str) -> str:
    return re.search(r'<div class="notice quick-notice".*?</form>', page, re.S)[0]


def _keep_typed_form(page: str) -> tuple[str, dict]:
    """The notice's form as the browser would post it: its action and its fields."""
    notice = _notice(page)
    action = re.search(r'<form method="post" action="([^"]+)"', notice)[1]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', notice))
    fields = {name: html.unescape(value) for name, value in fields.items()}
    fields.pop("csrfmiddlewaretoken")
    return action, fields


def _quick_add(client, line=LINE, **headers):
    response = client.post("/tasks/new/", {"title": line, "quick": "1", "next": "/"}, **headers)
    return client.get(response["Location"], **headers).content.decode()


def test_the_notice_says_what_each_part_became_and_from_which_words(logged_in_client, user):
    lists.list_create(owner=user, name="Bills")
    notice = _notice(_quick_add(logged_in_client))
    due = today_of(user) + timedelta(days=1)
    with override("en"):
        when = f"{date_format(due, 'l')}, {date_format(due)}, 09:00"
    parts = re.findall(r'<span class="quick-part">(.*?)</span>', notice)
    assert parts == [
        f"Due: {when} (<mark>tomorrow</mark>, <mark>9:00</mark>)",
        "Priority: High (<mark>!high</mark>)",
        "Tags: home (<mark>#home</mark>)",
        "List: Bills (<mark>@bills</mark>)",
        "Repeats (<mark>every month</mark>)",
    ]
    assert "Added “Pay rent”." in notice


def test_the_notice_is_german_too(logged_in_client, user):
    notice = _notice(
        _quick_add(logged_in_client, "Miete zahlen morgen !hoch", HTTP_ACCEPT_LANGUAGE="de")
    )
    due = today_of(user) + timedelta(days=1)
    with override("de"):
        when = f"{date_format(due, 'l')}, {date_format(due)}"
    assert f"Fällig: {when} (<mark>morgen</mark>)" in notice
    assert "Priorität: Hoch (<mark>!hoch</mark>)" in notice
    assert "Wie eingegeben behalten" in notice


def test_keep_typed_without_javascript_restores_the_line(logged_in_client, user):
    lists.list_create(owner=user, name="Bills")
    action, fields = _keep_typed_form(_quick_add(logged_in_client))
    assert fields["text"] == LINE
    response = logged_in_client.post(action, fields)
    assert (response.status_code, response["Location"]) == (302, "/")
    task = Task.objects.get()
    assert (task.title, task.due_date, task.due_time, task.priority) == (LINE, None, None, 2)
    assert (task.tag_names, task.task_list_id) == ([], lists.inbox_for(user).pk)
    assert not Recurrence.objects.exists()
    page = logged_in_client.get("/").content.decode()
    assert f"Kept as typed: “{LINE}”." in page
    assert 'class="notice quick-notice"' not in page


def test_keep_typed_with_htmx_swaps_the_list_and_says_so(logged_in_client):
    action, fields = _keep_typed_form(_quick_add(logged_in_client))
    response = logged_in_client.post(action, fields, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="task-list"')
    assert html.escape(LINE, quote=False) in body  # the row, titled with the line
    notice = re.search(r'<div id="notice"[^>]*>(.*?)</div>', body, re.S)
    assert 'hx-swap-oob="innerHTML"' in notice[0] and notice[1].strip() == ""
    assert 'id="messages" class="messages" hx-swap-oob="true"' in body
    assert f"Kept as typed: “{LINE}”." in body
    assert Task.objects.get().title == LINE


def test_keep_typed_leaves_a_task_changed_since_alone(logged_in_client):
    action, fields = _keep_typed_form(_quick_add(logged_in_client))
    task = Task.objects.get()
    services.task_update(task=task, title="Pay the rent")  # another tab, the API
    response = logged_in_client.post(action, fields, follow=True)
    assert "The task was left as it is." in response.content.decode()
    task.refresh_from_db()
    assert (task.title, task.priority, task.tag_names) == ("Pay the rent", 3, ["home"])
    assert Recurrence.objects.filter(task=task).exists()


def test_keep_typed_is_not_found_for_another_user(logged_in_client, other_user):
    action, fields = _keep_typed_form(_quick_add(logged_in_client))
    bob = Client()
    bob.force_login(other_user)
    assert bob.post(action, fields).status_code == 404
    assert Task.objects.get().title == "Pay rent @bills"  # no list Bills here


def test_keep_typed_without_the_line_changes_nothing(logged_in_client):
    action, fields = _keep_typed_form(_quick_add(logged_in_client))
    response = logged_in_client.post(action, {**fields, "text": ""}, follow=True)
    assert "The task was left as it is." in response.content.decode()
    assert Task.objects.get().title == "Pay rent @bills"


def test_keep_typed_on_a_task_in_the_trash_is_not_found(logged_in_client):
    action, fields = _keep_typed_form(_quick_add(logged_in_client))
    services.task_trash(task=Task.objects.get())
    assert logged_in_client.post(action, fields).status_code == 404
