"""A viewer of a shared list in a real browser: the task shows read-only with a
"View only" hint and no write control, on a desktop and a phone, and axe finds
nothing (light and dark theme). An editor of the same list gets the controls."""

import re

import pytest
from playwright.sync_api import expect

from taskapp.planning import services as planning
from taskapp.tasks import lists, services
from tests.browser.tasks_page import DESKTOP, done_box, new_task_box
from tests.browser.test_accessibility import PHONE, Audit

pytestmark = pytest.mark.browser


@pytest.fixture
def family(user):
    task_list = lists.list_create(owner=user, name="Family")
    task = services.task_create(
        owner=user, title="Water the plants", list=task_list.pk, tags="home", due_date="2030-01-07"
    )
    planning.subtask_add(task=task, title="Balcony")
    return task_list


@pytest.mark.parametrize("context", [{"viewport": DESKTOP}, PHONE], ids=["desktop", "phone"])
def test_a_viewer_sees_a_shared_task_read_only(pages, user, other_user, family, context):
    lists.member_invite(task_list=family, username="bob", role="viewer")
    audit = Audit()
    page = pages.open(user=other_user, path=f"/?list={family.pk}", bypass_csp=True, **context)
    task_list = page.locator("#task-list")
    expect(task_list.get_by_text("Water the plants", exact=True)).to_be_visible()
    expect(task_list.get_by_role("img", name="Open", exact=True)).to_be_visible()
    expect(task_list.get_by_text("View only", exact=True)).to_be_visible()
    expect(task_list.get_by_role("link", name="0/1, 0 of 1 steps done")).to_be_visible()
    expect(done_box(page, "Water the plants")).to_have_count(0)
    expect(task_list.get_by_role("checkbox")).to_have_count(0)
    expect(task_list.get_by_role("button")).to_have_count(0)
    expect(new_task_box(page)).to_have_count(0)
    expect(page.get_by_text(re.compile("You can only view this list"))).to_be_visible()
    audit.check(page, "a viewer's shared list")

    page.get_by_role("link", name="View Water the plants", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Water the plants")).to_be_visible()
    expect(page.get_by_text("View only", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    audit.check(page, "a viewer's task page")

    page.get_by_role("link", name="Checklist, reminders, repeat").click()
    expect(page.get_by_text("Balcony")).to_be_visible()
    expect(page.locator("main").get_by_role("button")).to_have_count(0)
    audit.check(page, "a viewer's plan page")
    audit.assert_clean()


def test_an_editor_of_the_same_list_gets_the_controls(pages, user, other_user, family):
    lists.member_invite(task_list=family, username="bob", role="editor")
    page = pages.open(user=other_user, path=f"/?list={family.pk}")
    done_box(page, "Water the plants").click()
    expect(page.locator("#count-done")).to_have_text("1")  # the server's answer
    expect(new_task_box(page)).to_be_visible()
    expect(page.get_by_text("View only", exact=True)).to_have_count(0)
    assert family.tasks.get().status == "done"
