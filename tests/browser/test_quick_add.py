"""Quick add in a real browser: add a line, see what each part became, undo it with
"Keep as typed" and get a plain task titled with the line (with htmx, and without
JavaScript)."""

from datetime import timedelta

import pytest
from django.utils.formats import date_format
from django.utils.translation import override
from playwright.sync_api import expect

from taskapp.planning.models import Recurrence
from taskapp.planning.services import today_of
from taskapp.tasks import lists
from taskapp.tasks.models import Task
from tests.browser.axe import violations
from tests.browser.tasks_page import done_box, new_task_box

pytestmark = pytest.mark.browser

LINE = "Pay rent tomorrow 9:00 !high #home @Bills every month"


def _add(page, line=LINE):
    new_task_box(page).fill(line)
    page.get_by_role("button", name="Add", exact=True).click()
    return page.locator(".quick-notice")


def _expect_plain_task(page, user):
    expect(done_box(page, LINE)).to_be_visible()
    expect(page.locator(".quick-notice")).to_have_count(0)
    expect(page.get_by_text(f"Kept as typed: “{LINE}”.")).to_be_visible()
    task = Task.objects.get()
    assert (task.title, task.due_date, task.due_time, task.priority) == (LINE, None, None, 2)
    assert (task.tag_names, task.task_list_id) == ([], lists.inbox_for(user).pk)
    assert not Recurrence.objects.exists()


def test_quick_add_shows_what_it_read_and_keep_as_typed_undoes_it(pages, user):
    bills = lists.list_create(owner=user, name="Bills")
    # bypass_csp: axe is injected into this very page, with the notice on it.
    page = pages.open(user=user, bypass_csp=True)
    notice = _add(page)
    expect(notice).to_contain_text("Added “Pay rent”.")
    parts = notice.locator(".quick-part")
    due = today_of(user) + timedelta(days=1)
    with override("en"):
        when = f"{date_format(due, 'l')}, {date_format(due)}, 09:00"
    expect(parts).to_have_text(
        [
            f"Due: {when} (tomorrow, 9:00)",
            "Priority: High (!high)",
            "Tags: home (#home)",
            "List: Bills (@Bills)",
            "Repeats (every month)",
        ]
    )
    assert Task.objects.get().task_list_id == bills.pk
    assert violations(page) == []

    notice.get_by_role("button", name="Keep as typed").click()
    _expect_plain_task(page, user)
    # The list was swapped, not reloaded; focus is on the task again.
    expect(done_box(page, LINE)).to_be_focused()


def test_keep_as_typed_without_javascript(pages, user):
    lists.list_create(owner=user, name="Bills")
    page = pages.open(user=user, java_script_enabled=False)
    notice = _add(page)
    expect(notice).to_contain_text("Priority: High (!high)")
    notice.get_by_role("button", name="Keep as typed").click()
    _expect_plain_task(page, user)
