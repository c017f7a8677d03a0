"""Search as you type and filters narrow the list, the URL is the view; shortcut keys;
bulk actions on selected tasks."""

import re

import pytest
from playwright.sync_api import expect

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.browser.tasks_page import (
    assert_not_reloaded,
    count,
    done_box,
    expect_titles,
    mark_page,
    new_task_box,
    search_box,
)

pytestmark = pytest.mark.browser

ALL = ["Buy milk", "Buy bread", "Write report", "Call mum"]


@pytest.fixture
def tasks(user):
    services.task_create(owner=user, title="Buy milk", tags=["shopping"])
    services.task_create(owner=user, title="Buy bread", status="done", tags=["shopping"])
    services.task_create(owner=user, title="Write report", priority="urgent", tags=["work"])
    services.task_create(owner=user, title="Call mum", description="Ask her to buy nothing")


def test_it_narrows_the_list_as_you_type_and_filter(pages, user, tasks, other_user, live_server):
    services.task_create(owner=other_user, title="Buy a boat")  # never shown to ann
    page = pages.open(user=user)
    expect_titles(page, ALL)
    mark_page(page)

    search_box(page).press_sequentially("buy", delay=60)
    expect(page).to_have_url(re.compile(r"[?&]q=buy\b"))
    expect_titles(page, ["Buy milk", "Buy bread", "Call mum"])  # description matches too

    page.get_by_role("combobox", name="Status", exact=True).select_option(label="Open")
    # Only what narrows the view lands in the URL (no empty or default parameters).
    expect(page).to_have_url(f"{live_server.url}/?q=buy&status=open")
    expect_titles(page, ["Buy milk", "Call mum"])

    page.get_by_role("combobox", name="Tag", exact=True).select_option(label="shopping")
    expect(page).to_have_url(re.compile(r"[?&]tag=shopping\b"))
    expect_titles(page, ["Buy milk"])
    assert_not_reloaded(page)

    # The back button walks the views back; the URL can be shared as is.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"tag=shopping"))
    expect_titles(page, ["Buy milk", "Call mum"])
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"status=open"))
    expect_titles(page, ["Buy milk", "Buy bread", "Call mum"])

    shared = pages.open(user=user, path="/?q=buy&status=open&tag=shopping")
    expect_titles(shared, ["Buy milk"])
    expect(search_box(shared)).to_have_value("buy")

    shared.get_by_role("combobox", name="Priority", exact=True).select_option(label="Urgent")
    search_box(shared).fill("")
    expect(shared).to_have_url(re.compile(r"[?&]priority=urgent\b"))
    shared.get_by_role("combobox", name="Status", exact=True).select_option(label="All")
    shared.get_by_role("combobox", name="Tag", exact=True).select_option(label="All tags")
    expect_titles(shared, ["Write report"])


def test_it_answers_keyboard_shortcuts(pages, user, tasks):
    page = pages.open(user=user)
    expect_titles(page, ALL)
    page.keyboard.press("/")
    expect(search_box(page)).to_be_focused()
    search_box(page).blur()
    page.keyboard.press("n")
    expect(new_task_box(page)).to_be_focused()
    expect(new_task_box(page)).to_have_value("")  # the key itself is not typed in
    new_task_box(page).blur()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_it_acts_on_the_selected_tasks(pages, user, tasks):
    page = pages.open(user=user)
    mark_page(page)
    page.get_by_role("checkbox", name="Select Buy milk", exact=True).check()
    page.get_by_role("checkbox", name="Select Call mum", exact=True).check()
    page.get_by_role("button", name="Mark selected done").click()
    expect(done_box(page, "Buy milk")).to_be_checked()
    expect(done_box(page, "Call mum")).to_be_checked()
    expect(count(page, "done")).to_have_text("3")
    expect(count(page, "open")).to_have_text("1")

    page.get_by_role("checkbox", name="Select Buy bread", exact=True).check()
    page.get_by_role("checkbox", name="Select Write report", exact=True).check()
    page.get_by_role("button", name="Delete selected").click()
    expect_titles(page, ["Buy milk", "Call mum"])
    expect(count(page, "open")).to_have_text("0")
    assert_not_reloaded(page)
    assert Task.objects.filter(owner=user, deleted_at__isnull=False).count() == 2
