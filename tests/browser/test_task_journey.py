"""The core journey with JavaScript (htmx): sign up, add, edit, complete, delete, undo."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from taskapp.tasks.models import Priority, Status, Task
from tests.browser.tasks_page import (
    assert_assets_loaded,
    assert_not_reloaded,
    count,
    done_box,
    expect_titles,
    fill_editor,
    mark_page,
    new_task_box,
    row,
)

pytestmark = pytest.mark.browser

PASSWORD = "a long and unusual secret 7"
TITLES = ["Buy milk", "Call mum", "Write report"]


def sign_up(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def add_tasks(page, titles) -> None:
    """Add each task, by Enter or by the Add button, and check it lands in place."""
    box = new_task_box(page)
    for n, title in enumerate(titles):
        box.fill(title)
        if n % 2:
            page.get_by_role("button", name="Add", exact=True).click()
        else:
            box.press("Enter")
        expect(done_box(page, title)).to_be_visible()
        expect(box).to_have_value("")
        expect(box).to_be_focused()


def test_it_signs_up_and_manages_tasks_without_reloading(pages, live_server):
    page = pages.open(path=None)
    page.clock.install()  # time runs as usual, but the test can jump ahead
    page.goto("/accounts/signup/")
    sign_up(page, "carla")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    expect(page.get_by_text("No tasks yet")).to_be_visible()
    expect(new_task_box(page)).to_be_focused()  # the next thing to do: add a task
    assert_assets_loaded(page)
    mark_page(page)

    add_tasks(page, TITLES)
    expect_titles(page, TITLES)
    expect(page.get_by_text("No tasks yet")).to_have_count(0)
    expect(count(page, "open")).to_have_text("3")
    carla = User.objects.get(username="carla")
    assert sorted(Task.objects.filter(owner=carla).values_list("title", flat=True)) == TITLES

    edit_inline(page, carla)
    complete(page)
    delete_and_undo(page)
    assert_not_reloaded(page)

    # The Undo notice leaves after a few seconds; the task stays gone after a
    # reload, and waits in the trash.
    row(page, "Write report").get_by_role("button", name="Delete Write report").click()
    expect(row(page, "Write report")).to_have_count(0)
    notice = page.get_by_role("status").filter(has_text="“Write report” moved to trash.")
    expect(notice).to_be_visible()
    new_task_box(page).focus()  # the notice stays while it has the focus
    page.clock.fast_forward(4_000)
    expect(notice).to_be_visible()
    page.clock.fast_forward(5_000)
    expect(notice).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    expect_titles(page, ["Buy oat milk", "Call mum"])
    expect(count(page, "open")).to_have_text("1")
    page.get_by_role("link", name="Trash").click()
    expect(page.get_by_role("button", name="Restore Write report")).to_be_visible()


def edit_inline(page, owner) -> None:
    """A validation error shows next to the field, Escape cancels, Save saves."""
    page.get_by_role("button", name="Edit Buy milk").click()
    title = page.get_by_role("textbox", name="Title", exact=True)
    expect(title).to_have_value("Buy milk")
    title.fill("   ")  # passes the browser's `required`; the server trims it to nothing
    page.get_by_role("button", name="Save").click()
    error = page.locator("#error-title")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(title).to_have_attribute("aria-describedby", re.compile(r"\berror-title\b"))

    title.press("Escape")
    expect(title).to_have_count(0)
    expect(done_box(page, "Buy milk")).to_be_visible()
    assert Task.objects.get(owner=owner, title="Buy milk").version == 1

    page.get_by_role("button", name="Edit Buy milk").click()
    fill_editor(page, title="Buy oat milk")
    expect(done_box(page, "Buy oat milk")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(row(page, "Buy oat milk")).to_contain_text("shopping")

    task = Task.objects.get(owner=owner, title="Buy oat milk")
    assert (task.description, task.priority) == ("The barista kind.", Priority.HIGH)
    assert (str(task.due_date), sorted(task.tag_names)) == ("2031-03-05", ["home", "shopping"])


def complete(page) -> None:
    """Ticking Done dims the row while the request is in flight, and updates the
    counts in the same response."""
    held = []
    page.route("**/tasks/actions/", lambda route: held.append(route))  # hold it: the row waits
    done_box(page, "Call mum").click()
    expect(row(page, "Call mum")).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    page.unroute("**/tasks/actions/")
    expect(count(page, "done")).to_have_text("1")
    expect(count(page, "open")).to_have_text("2")
    expect(done_box(page, "Call mum")).to_be_checked()
    assert Task.objects.get(title="Call mum").status == Status.DONE


def delete_and_undo(page) -> None:
    """The row goes at once (the original's bug), and Undo brings it back."""
    row(page, "Write report").get_by_role("button", name="Delete Write report").click()
    expect(row(page, "Write report")).to_have_count(0)
    notice = page.get_by_role("status").filter(has_text="“Write report” moved to trash.")
    expect(notice).to_be_visible()
    expect(count(page, "open")).to_have_text("1")
    assert Task.objects.get(title="Write report").deleted_at is not None

    notice.get_by_role("button", name="Undo").click()
    expect(done_box(page, "Write report")).to_be_visible()
    expect(count(page, "open")).to_have_text("2")
    assert Task.objects.get(title="Write report").deleted_at is None
