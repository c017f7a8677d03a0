"""The plan page (checklist, reminders, repeat), quick add and calendar feeds, as
plain forms without JavaScript."""

import re

import pytest

from taskapp.planning import services as planning
from taskapp.planning.models import CalendarFeed, Recurrence, Reminder, Subtask
from taskapp.tasks import services
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db


def _plan(task):
    return f"/tasks/{task.id.hex}/plan/"


def test_steps_are_added_ticked_moved_renamed_and_removed(logged_in_client, task):
    for title in ("Find form", "Fill in", "Send"):
        response = logged_in_client.post(f"/tasks/{task.id.hex}/steps/", {"title": title})
        assert response.status_code == 302 and response["Location"] == _plan(task)
    steps = planning.subtasks_of(task)
    url = f"/tasks/{task.id.hex}/steps/{steps[2].id}/"
    logged_in_client.post(url, {"up": ""})
    logged_in_client.post(url, {"toggle": ""})
    logged_in_client.post(url, {"rename": "", "title": "Post it"})
    logged_in_client.post(f"/tasks/{task.id.hex}/steps/{steps[0].id}/", {"remove": ""})
    assert [(s.title, s.done) for s in planning.subtasks_of(task)] == [
        ("Post it", True),
        ("Fill in", False),
    ]
    page = logged_in_client.get(_plan(task)).content.decode()
    assert "1/2" in page
    assert 'aria-pressed="true" aria-label="Done: Post it"' in page


def test_a_blank_step_is_refused_next_to_the_field(logged_in_client, task):
    response = logged_in_client.post(f"/tasks/{task.id.hex}/steps/", {"title": "  "})
    assert response.status_code == 422
    assert re.search(r'id="error-title">[^<]+', response.content.decode())
    assert not Subtask.objects.exists()


def test_reminders_and_repeat_are_set_from_the_plan_page(logged_in_client, user):
    task = services.task_create(owner=user, title="Rent", due_date="2030-01-31")
    logged_in_client.post(f"/tasks/{task.id.hex}/reminders/", {"reminder-kind": "1d_before"})
    logged_in_client.post(
        f"/tasks/{task.id.hex}/reminders/",
        {"reminder-kind": "at", "reminder-at": "2030-01-30T18:30"},
    )
    assert sorted(r.kind for r in Reminder.objects.all()) == ["1d_before", "at"]
    response = logged_in_client.post(
        f"/tasks/{task.id.hex}/repeat/",
        {"repeat-interval": "1", "repeat-frequency": "month", "repeat-last_day": "on"},
    )
    assert response.status_code == 302
    assert Recurrence.objects.get(task=task).last_day is True
    page = logged_in_client.get(_plan(task)).content.decode()
    assert "Repeats every month on the last day" in page
    # Completing it from the list creates the next occurrence.
    logged_in_client.post("/tasks/actions/", {"done": task.id.hex})
    upcoming = Task.objects.get(title="Rent", status="open")
    assert str(upcoming.due_date) == "2030-02-28"
    assert Reminder.objects.filter(task=upcoming).count() == 2
    logged_in_client.post(f"/tasks/{upcoming.id.hex}/repeat/", {"stop": ""})
    assert not Recurrence.objects.exists()


def test_bad_reminders_and_rules_are_refused_next_to_the_field(logged_in_client, task):
    response = logged_in_client.post(f"/tasks/{task.id.hex}/reminders/", {"reminder-kind": "at"})
    assert response.status_code == 422
    assert 'id="error-at"' in response.content.decode()
    response = logged_in_client.post(
        f"/tasks/{task.id.hex}/repeat/",
        {"repeat-interval": "1", "repeat-frequency": "day", "repeat-weekdays": ["mon"]},
    )
    assert response.status_code == 422
    assert "Weekdays go with a weekly frequency." in response.content.decode()


def test_another_users_task_has_no_plan(logged_in_client, other_task):
    assert logged_in_client.get(_plan(other_task)).status_code == 404
    assert (
        logged_in_client.post(f"/tasks/{other_task.id.hex}/steps/", {"title": "x"}).status_code
        == 404
    )
    assert not Subtask.objects.exists()


def test_the_list_shows_progress_and_repeat_with_a_fixed_query_count(
    logged_in_client, user, django_assert_num_queries
):
    tasks = [services.task_create(owner=user, title=f"T{i}") for i in range(5)]
    logged_in_client.get("/")
    # 15: the list page's queries (tests/ui/test_task_list.py: with the lists sidebar
    # since lists and planning were merged), steps and repeat rules included.
    with django_assert_num_queries(15):
        logged_in_client.get("/")
    for each in tasks:
        done = planning.subtask_add(task=each, title="a")
        planning.subtask_update(subtask=done, done=True)
        planning.subtask_add(task=each, title="b")
        planning.recurrence_set(task=each, recurrence={"frequency": "day"})
    with django_assert_num_queries(15):
        page = logged_in_client.get("/").content.decode()
    assert page.count(">1/2</a>") == 5
    assert page.count("↻") == 5


def test_quick_add_reads_the_line_and_can_be_undone(logged_in_client, user):
    line = "Pay rent tomorrow !high #home every month"
    response = logged_in_client.post("/tasks/new/", {"title": line, "quick": "1", "next": "/"})
    task = Task.objects.get()
    assert (task.title, task.priority, task.tag_names) == ("Pay rent", 3, ["home"])
    assert task.due_date is not None
    assert Recurrence.objects.filter(task=task).exists()
    page = logged_in_client.get(response["Location"]).content.decode()
    assert "<mark>tomorrow</mark>" in page and "Keep as typed" in page
    logged_in_client.post(f"/tasks/{task.id.hex}/keep-typed/", {"text": line, "next": "/"})
    task.refresh_from_db()
    assert (task.title, task.due_date, task.tag_names, task.priority) == (line, None, [], 2)
    assert not Recurrence.objects.exists()


def test_without_the_switch_the_title_is_kept_as_typed(logged_in_client):
    logged_in_client.post("/tasks/new/", {"title": "Read #1 tomorrow", "next": "/"})
    assert Task.objects.get().title == "Read #1 tomorrow"


def test_quick_add_with_htmx_shows_what_it_read(logged_in_client):
    response = logged_in_client.post(
        "/tasks/new/", {"title": "Call mum morgen", "quick": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<mark>morgen</mark>" in response.content.decode()


def test_calendar_feeds_are_created_shown_once_and_revoked(logged_in_client, user):
    response = logged_in_client.post("/calendar/", {"name": "Phone"})
    assert response.status_code == 302
    page = logged_in_client.get("/calendar/").content.decode()
    url = re.search(r'<code id="new-feed">([^<]+)</code>', page)[1]
    assert url.startswith("http://testserver/calendar/cal_")
    assert 'id="new-feed"' not in logged_in_client.get("/calendar/").content.decode()
    feed = CalendarFeed.objects.get()
    assert url.split("/")[-1].removesuffix(".ics") not in feed.token_hash
    logged_in_client.post(f"/calendar/{feed.id}/revoke/")
    assert CalendarFeed.objects.get().revoked_at is not None
    response = logged_in_client.post("/calendar/", {"name": ""})
    assert response.status_code == 422 and 'id="error-name"' in response.content.decode()
