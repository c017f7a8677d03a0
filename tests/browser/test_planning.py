"""Checklist, reminders, repeat, quick add and calendar feeds in a real browser."""

import re

import icalendar
import pytest
from playwright.sync_api import expect

from taskapp.planning.models import Recurrence, Reminder, Subtask
from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.browser.axe import page_violations
from tests.browser.tasks_page import done_box, row

pytestmark = pytest.mark.browser


def test_a_checklist_reminders_and_repeat_without_javascript(pages, user):
    services.task_create(owner=user, title="Pay rent", due_date="2030-01-31")
    page = pages.open(user=user, java_script_enabled=False)
    page.get_by_role("button", name="Edit Pay rent").click()
    page.get_by_role("link", name="Checklist, reminders, repeat").click()
    expect(page.get_by_role("heading", level=1, name="Pay rent")).to_be_visible()

    for step in ("Transfer", "File receipt"):
        page.get_by_label("New step").fill(step)
        page.get_by_role("button", name="Add step").click()
    page.get_by_role("button", name="Up: File receipt").click()
    page.get_by_role("button", name="Done: Transfer").click()
    expect(page.get_by_role("button", name="Done: Transfer")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_label("New step").fill("   ")
    page.get_by_role("button", name="Add step").click()
    expect(page.locator("#error-title")).to_be_visible()

    page.get_by_label("Remind me").select_option("1d_before")
    page.get_by_role("button", name="Add reminder").click()
    page.get_by_label("Unit").select_option("month")
    page.get_by_label("On the last day of the month").check()
    page.get_by_role("button", name="Save repeat").click()
    expect(page.get_by_text("Repeats every month on the last day.")).to_be_visible()
    assert page_violations(pages, user, page.url) == []

    task = Task.objects.get()
    assert [(s.title, s.done) for s in Subtask.objects.filter(task=task)] == [
        ("File receipt", False),
        ("Transfer", True),
    ]
    assert Reminder.objects.get(task=task).kind == "1d_before"
    assert Recurrence.objects.get(task=task).last_day

    # The list shows the progress and the repeat; completing makes the next one.
    page.get_by_role("link", name="Back to the list").click()
    expect(row(page, "Pay rent").get_by_role("link", name="1 of 2 steps done")).to_be_visible()
    done_box(page, "Pay rent").click()
    expect(page.get_by_role("checkbox", name="Done: Pay rent", exact=True)).to_have_count(2)
    upcoming = Task.objects.get(status="open")
    assert str(upcoming.due_date) == "2030-02-28"
    assert Subtask.objects.filter(task=upcoming, done=False).count() == 2


def test_a_calendar_feed_is_subscribed_to_and_revoked(pages, user):
    services.task_create(owner=user, title="Dentist", due_date="2030-05-02")
    page = pages.open(user=user)
    page.get_by_role("link", name="Calendar").click()
    page.get_by_label("Name").fill("Phone")
    page.get_by_role("button", name="Create feed").click()
    url = page.locator("#new-feed").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/cal_[\w-]+\.ics", url)
    assert page_violations(pages, user, "/calendar/") == []

    feed = page.request.get(url)
    assert feed.status == 200
    events = icalendar.Calendar.from_ical(feed.text()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Dentist"]

    page.get_by_role("button", name="Revoke: Phone").click()
    expect(page.get_by_text("No calendar feeds.")).to_be_visible()
    assert page.request.get(url).status == 404
