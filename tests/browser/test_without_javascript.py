"""The core journey with JavaScript turned off: real forms, POST, redirect back."""

import re

import pytest
from playwright.sync_api import expect

from taskapp.tasks.models import Status, Task
from tests.browser.tasks_page import (
    count,
    done_box,
    expect_titles,
    fill_editor,
    new_task_box,
    open_filters,
    row,
    search_box,
)

pytestmark = pytest.mark.browser


def test_it_works_without_javascript(pages, user, live_server):
    page = pages.open(path="/accounts/login/", java_script_enabled=False)
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill("correct horse 1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bjs\b"))  # no script ran
    home = f"{live_server.url}/"
    expect(page).to_have_url(home)

    for title in ["Buy milk", "Call mum", "Write report"]:
        new_task_box(page).fill(title)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(done_box(page, title)).to_be_visible()
        expect(page).to_have_url(home)
    expect(count(page, "open")).to_have_text("3")

    # Edit opens a page of its own; an error comes back next to the field.
    page.get_by_role("button", name="Edit Buy milk").click()
    expect(page).to_have_url(re.compile(r"/tasks/[0-9a-f-]+/edit/"))
    page.get_by_role("textbox", name="Title", exact=True).fill("   ")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-title")).to_be_visible()
    fill_editor(page, title="Buy oat milk")
    expect(page).to_have_url(home)
    expect(done_box(page, "Buy oat milk")).to_be_visible()
    assert Task.objects.get(title="Buy oat milk").tag_names == ["shopping", "home"]

    # Done is a submit button (role=checkbox): it saves without JavaScript too.
    done_box(page, "Call mum").click()
    expect(page).to_have_url(home)
    expect(count(page, "done")).to_have_text("1")
    expect(done_box(page, "Call mum")).to_be_checked()
    assert Task.objects.get(title="Call mum").status == Status.DONE

    row(page, "Write report").get_by_role("button", name="Delete Write report").click()
    expect(page).to_have_url(home)
    expect(row(page, "Write report")).to_have_count(0)
    notice = page.get_by_role("status").filter(has_text="“Write report” moved to trash.")
    notice.get_by_role("button", name="Undo").click()
    expect(done_box(page, "Write report")).to_be_visible()
    expect(count(page, "open")).to_have_text("2")

    # Search and filters are a GET form with an Apply button; the URL is the view.
    search_box(page).fill("report")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]q=report\b"))
    expect_titles(page, ["Write report"])
    open_filters(page)  # the other filters fold behind "Filters" (a <details>, no JS needed)
    page.get_by_role("combobox", name="Status", exact=True).select_option(label="Done")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]status=done\b"))
    expect_titles(page, [])

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
