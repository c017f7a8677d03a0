"""Issue 11: fast hands, slow networks, small screens. Latency is Chromium's own
network emulation (CDP Network.emulateNetworkConditions, 300 ms per request)."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from taskapp.accounts.models import ApiToken
from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.browser.tasks_page import (
    PHONE_375,
    assert_not_reloaded,
    busy_delays,
    contrast,
    done_box,
    editor,
    expect_titles,
    mark_page,
    new_task_box,
    open_filters,
    row,
    rows,
    screenshot,
    search_box,
    slow_network,
    watch_busy,
)

pytestmark = pytest.mark.browser

LATENCY_MS = 300
BUSY_WITHIN_MS = 100
SEARCH_DELAY_MS = 300  # hx-trigger "delay:300ms": search waits for typing to stop
ADD = "**/tasks/new/"


def titles_of(user) -> list[str]:
    return sorted(Task.objects.filter(owner=user).values_list("title", flat=True))


def test_typing_is_never_lost_when_adding_quickly(pages, user):
    page = pages.open(user=user)
    slow_network(page, LATENCY_MS)
    watch_busy(page)
    box = new_task_box(page)

    # Enter, then typing on at once: the box is empty as soon as the task is sent,
    # and every keystroke typed while it travels stays.
    box.press_sequentially("Buy milk")
    box.press("Enter")
    expect(box).to_have_value("", timeout=BUSY_WITHIN_MS)
    expect(page.locator("#create-form")).to_have_attribute("aria-busy", "true")
    box.press_sequentially("Pay rent", delay=20)
    box.press("Enter")  # while the first is still on its way: queued, not lost
    box.press("Enter")  # an empty box while adding: nothing, and no error
    box.press_sequentially("Call mum", delay=20)
    expect(done_box(page, "Pay rent")).to_be_visible()
    expect(done_box(page, "Buy milk")).to_be_visible()
    expect(box).to_have_value("Call mum")
    expect(page.locator("#error-title")).to_have_count(0)
    assert titles_of(user) == ["Buy milk", "Pay rent"]
    sent = page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/tasks/new/'))"
        ".map(e => e.duration)"
    )
    assert sent and min(sent) >= LATENCY_MS, f"latency not emulated: {sent}"
    delays = busy_delays(page)
    assert delays and max(delays) <= BUSY_WITHIN_MS, delays

    # Enter on an empty box: the error; the next successful add clears it.
    box.fill("")
    box.press("Enter")
    expect(page.locator("#error-title")).to_have_text("This field is required.")
    box.press_sequentially("Call mum")  # typed while the error is shown
    box.press("Enter")
    expect(done_box(page, "Call mum")).to_be_visible()
    expect(page.locator("#error-title")).to_have_count(0)
    expect(box).not_to_have_attribute("aria-invalid", "true")

    # No answer: the title comes back into the box.
    page.route(ADD, lambda route: route.abort())
    box.fill("Water the plants")
    box.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Cannot reach the server.")).to_be_visible()
    expect(box).to_have_value("Water the plants")
    page.unroute(ADD)
    box.press("Enter")
    expect(done_box(page, "Water the plants")).to_be_visible()
    pages.allow_problems(": htmx:")  # htmx logs the aborted request

    # Near the 200-character limit a counter says how many are left.
    box.fill("x" * 185)
    expect(page.locator("#new-task-counter")).to_have_text("Characters left: 15")
    box.fill("short")
    expect(page.locator("#new-task-counter")).to_be_hidden()


def make_tasks(user, n: int) -> None:
    for i in range(n):
        services.task_create(owner=user, title=f"Task {i + 1:02d}")


def test_every_action_is_busy_at_once_and_sent_once(pages, user):
    make_tasks(user, 55)  # two pages
    page = pages.open(user=user)
    slow_network(page, LATENCY_MS)
    watch_busy(page)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    # Done, clicked twice: one request, and the row is busy at once.
    done_box(page, "Task 55").dblclick()
    expect(row(page, "Task 55")).to_have_attribute("aria-busy", "true", timeout=BUSY_WITHIN_MS)
    expect(done_box(page, "Task 55")).to_be_checked()
    assert len(posts) == 1, posts

    # Opening Edit, and Save clicked twice.
    page.get_by_role("button", name="Edit Task 54").click()
    expect(row(page, "Task 54")).to_have_attribute("aria-busy", "true", timeout=BUSY_WITHIN_MS)
    save = editor(page).get_by_role("button", name="Save")
    save.dblclick()
    expect(save).to_have_attribute("aria-busy", "true", timeout=BUSY_WITHIN_MS)
    expect(editor(page)).to_have_count(0)
    assert len(posts) == 2, posts

    # A filter: the list shows it is loading.
    open_filters(page)
    page.get_by_role("combobox", name="Status", exact=True).select_option(label="Open")
    expect(page.locator("#task-list")).to_have_attribute(
        "aria-busy", "true", timeout=BUSY_WITHIN_MS
    )
    expect(page).to_have_url(re.compile(r"status=open"))
    page.get_by_role("combobox", name="Status", exact=True).select_option(label="All")
    expect(page).not_to_have_url(re.compile(r"status="))
    delays = busy_delays(page)  # Done, Edit, Save, two filters
    assert len(delays) >= 5 and max(delays) <= BUSY_WITHIN_MS, delays

    # Search: busy as soon as the search starts (it waits 300 ms for typing to stop).
    search_box(page).press_sequentially("Task 0")
    expect(page.locator("#task-list")).to_have_attribute("aria-busy", "true")
    expect(rows(page)).to_have_count(9)
    delays = busy_delays(page)
    assert delays and max(delays) <= SEARCH_DELAY_MS + BUSY_WITHIN_MS, delays
    search_box(page).fill("")
    expect(rows(page)).to_have_count(50)
    busy_delays(page)

    # Next, from the bottom of the page: busy at once, then the top of the new page.
    next_link = page.get_by_role("link", name="Next")
    next_link.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 1500
    next_link.click()
    expect(next_link).to_have_attribute("aria-busy", "true", timeout=BUSY_WITHIN_MS)
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    top, first_row_bottom = page.evaluate(
        """() => [document.getElementById('task-list').getBoundingClientRect().top,
                  document.querySelector('#task-list li').getBoundingClientRect().bottom]"""
    )
    assert top >= 0, f"the list starts {-top}px above the window"
    assert first_row_bottom <= page.viewport_size["height"], "the first task is below the window"
    expect(page.locator("#task-list")).to_be_focused()
    delays = busy_delays(page)
    assert delays and max(delays) <= BUSY_WITHIN_MS, delays


def test_a_phone_shows_the_list_first(pages, user):
    make_tasks(user, 10)
    page = pages.open(user=user, viewport=PHONE_375, is_mobile=True, has_touch=True)
    expect(rows(page)).to_have_count(10)
    screenshot(page, "list-phone-375.png")
    # Without scrolling: at least five whole titles.
    visible = page.evaluate(
        """() => Array.from(document.querySelectorAll('#task-list li > div > span'))
            .filter(t => t.getBoundingClientRect().bottom <= window.innerHeight).length"""
    )
    assert visible >= 5, f"only {visible} task titles on the first screen"
    filters = page.get_by_role("combobox", name="Status", exact=True)
    expect(filters).to_be_hidden()
    expect(page.get_by_role("button", name="Delete selected")).to_be_hidden()

    # Targets big enough for a thumb (WCAG 2.5.8: 24 px; Done 44 px).
    select_box = page.get_by_role("checkbox", name="Select Task 01", exact=True).bounding_box()
    done = done_box(page, "Task 01").bounding_box()
    assert min(select_box["width"], select_box["height"]) >= 24, select_box
    assert min(done["width"], done["height"]) >= 44, done

    # Selecting shows the bulk bar (with Select all) at the bottom; Delete has Undo.
    page.get_by_role("checkbox", name="Select Task 01", exact=True).tap()
    bulk = page.get_by_role("button", name="Delete selected")
    expect(bulk).to_be_visible()
    page.get_by_role("checkbox", name="Select all").tap()
    expect(page.get_by_role("checkbox", name="Select Task 10", exact=True)).to_be_checked()
    screenshot(page, "list-phone-375-selected.png")
    bulk.tap()
    expect(rows(page)).to_have_count(0)
    notice = page.get_by_role("status").filter(has_text="Moved 10 tasks to the trash.")
    notice.get_by_role("button", name="Undo").tap()
    expect(rows(page)).to_have_count(10)
    assert not Task.objects.filter(owner=user, deleted_at__isnull=False).exists()
    first = rows(page).first.get_by_role("checkbox", name=re.compile(r"^Done: "))
    expect(first).to_be_focused()  # the first of the restored tasks

    # A filter in use: the filters are open.
    page.goto("/?status=open")
    expect(filters).to_be_visible()
    screenshot(page, "list-phone-375-filtered.png")


def test_undo_focuses_the_restored_task(pages, user):
    make_tasks(user, 3)
    page = pages.open(user=user)
    row(page, "Task 02").get_by_role("button", name="Delete Task 02").click()
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(done_box(page, "Task 02")).to_be_focused()


def test_the_inline_edit_form_shows_errors_in_the_error_colour(pages, user):
    make_tasks(user, 1)
    page = pages.open(user=user)
    page.get_by_role("button", name="Edit Task 01").click()
    editor(page).get_by_role("textbox", name="Title", exact=True).fill(" ")
    editor(page).get_by_role("button", name="Save").click()
    error = editor(page).locator("#error-title")
    expect(error).to_have_text("This field is required.")
    danger = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--danger')"
    )
    colour, size = error.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]")
    assert colour == _rgb(danger.strip()) and float(size.removesuffix("px")) >= 14


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_field_outlines_are_visible(pages, user):
    """WCAG 1.4.11: 3:1 for the outline of a field against what is around it."""
    make_tasks(user, 1)
    page = pages.open(user=user)
    for selector in ("#search", "#create-form"):
        border, background = page.evaluate(
            """s => [getComputedStyle(document.querySelector(s)).borderTopColor,
                     getComputedStyle(document.body).backgroundColor]""",
            selector,
        )
        ratio = contrast(_parse(border), _parse(background))
        assert ratio >= 3, f"{selector}: {ratio:.2f}:1"
    opacity = page.get_by_role("checkbox", name="Select Task 01").evaluate(
        "e => getComputedStyle(e).opacity"
    )
    assert opacity == "1"


def _parse(css: str) -> list[int]:
    return [int(v) for v in re.findall(r"\d+", css)[:3]]


def test_without_javascript_no_path_ends_on_a_405(pages, user):
    make_tasks(user, 1)
    page = pages.open(user=user, java_script_enabled=False)
    page.get_by_role("button", name="Add", exact=True).click()  # empty: the error page
    expect(page).to_have_url(re.compile(r"/tasks/new/$"))
    expect(page.locator("#error-title")).to_be_visible()

    page.get_by_role("button", name="Edit Task 01").click()
    page.get_by_role("button", name="Save").click()
    expect(done_box(page, "Task 01")).to_be_visible()  # the list, not a 405

    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Edit Task 01").click()
    response = page.goto(page.url.replace("/edit/", "/"))  # Cancel's address
    assert response.status == 200

    page.goto("/")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("combobox", name="Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", level=1, name="Aufgaben")).to_be_visible()

    for path in ("/tasks/new/", "/accounts/logout/"):
        assert page.goto(path).status == 200, path


def test_without_javascript_the_phone_menu_wraps(pages, user):
    page = pages.open(user=user, viewport=PHONE_375, java_script_enabled=False)
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Tasks", "Trash", "Import and export", "API tokens"):
        box = nav.get_by_role("link", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_375["width"], (name, box)
    screenshot(page, "list-phone-375-nojs.png")


def test_the_trash_says_when_it_is_empty(pages, user):
    make_tasks(user, 1)
    services.task_trash(task=Task.objects.get(owner=user))
    page = pages.open(user=user, path="/trash/")
    page.get_by_role("button", name="Restore Task 01").click()
    expect(page.get_by_text("The trash is empty.")).to_be_visible()
    expect(page.locator("#count-open")).to_have_text("1")  # no htmx:oobErrorNoTarget


def test_revoking_a_token_asks_first(pages, user):
    ApiToken.issue(user=user, name="deploy")
    page = pages.open(user=user, path="/accounts/tokens/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Revoke").click()
    assert ApiToken.objects.filter(user=user).active().count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token “deploy” revoked.")).to_be_visible()
    assert ApiToken.objects.filter(user=user).active().count() == 0


def test_an_expired_session_keeps_the_typed_task(pages, user):
    page = pages.open(user=user)
    Session.objects.all().delete()  # the session expires while the page is open
    new_task_box(page).fill("Pay rent")
    new_task_box(page).press("Enter")
    expect(page.get_by_text("Your session has expired. Please log in again.")).to_be_visible()

    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Password")).to_be_focused()  # the username was right

    page.get_by_label("Password").fill("correct horse 1")
    page.get_by_role("button", name="Log in").click()
    expect(new_task_box(page)).to_have_value("Pay rent")
    expect(new_task_box(page)).to_be_focused()
    expect_titles(page, [])
    new_task_box(page).press("Enter")
    expect(done_box(page, "Pay rent")).to_be_visible()


def test_the_double_submit_guard_leaves_dialogs_alone(pages, user):
    page = pages.open(user=user)
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    for _ in range(2):  # a <form method="dialog"> sends nothing: never "busy"
        page.get_by_role("button", name="Keyboard shortcuts").click()
        dialog.get_by_role("button", name="Close").click()
        expect(dialog).to_be_hidden()


def test_a_click_before_htmx_wires_up_new_content_is_not_a_page_load(pages, user):
    """htmx wires up swapped-in content when it settles; a click before that (fast
    hands, a slow phone) waits for it instead of becoming a plain page load."""
    make_tasks(user, 2)
    page = pages.open(user=user)
    page.evaluate("htmx.config.defaultSettleDelay = 1500")  # a wide window
    mark_page(page)
    new_task_box(page).fill("Task 03")
    new_task_box(page).press("Enter")
    expect(done_box(page, "Task 03")).to_be_visible()  # swapped in, not yet wired up
    page.get_by_role("button", name="Edit Task 01").click()
    expect(editor(page)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))  # inline, not the edit page
    assert_not_reloaded(page)


def test_done_and_delete_show_at_once_and_come_back_on_failure(pages, user):
    make_tasks(user, 2)
    page = pages.open(user=user)
    slow_network(page, LATENCY_MS)
    done_box(page, "Task 01").click()
    expect(done_box(page, "Task 01")).to_be_checked(timeout=BUSY_WITHIN_MS)  # before the answer
    expect(row(page, "Task 01")).to_have_class(re.compile(r"\bis-done\b"))
    row(page, "Task 02").get_by_role("button", name="Delete Task 02").click()
    expect(row(page, "Task 02")).to_be_hidden(timeout=BUSY_WITHIN_MS)
    expect(page.get_by_role("status").get_by_role("button", name="Undo")).to_be_visible()
    assert Task.objects.get(title="Task 01").status == "done"

    page.route("**/tasks/actions/", lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(done_box(page, "Task 02")).to_be_visible()
    row(page, "Task 02").get_by_role("button", name="Delete Task 02").click()
    expect(page.get_by_role("status")).to_contain_text("Something went wrong — try again.")
    expect(row(page, "Task 02")).to_be_visible()  # put back
    done_box(page, "Task 01").click()
    expect(done_box(page, "Task 01")).to_be_checked()  # put back
    pages.allow_problems("500 for", "Error Code 500 from /tasks/actions/", ": htmx:")
