"""Export and import in a real browser: a task with its list, due time, checklist
and repeat rule leaves one account as a file and arrives whole in another."""

from datetime import time

import pytest
from playwright.sync_api import expect

from taskapp.planning import services as planning
from taskapp.planning.models import Recurrence, Subtask
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task
from tests.browser.axe import page_violations
from tests.browser.tasks_page import row

pytestmark = pytest.mark.browser


@pytest.fixture
def planned_task(user):
    bills = lists.list_create(owner=user, name="Bills")
    task = services.task_create(
        owner=user,
        title="Pay rent",
        list=bills.pk,
        due_date="2030-01-31",
        due_time="09:00",
        tags=["home"],
    )
    planning.subtask_add(task=task, title="Transfer")
    receipt = planning.subtask_add(task=task, title="File receipt")
    planning.subtask_update(subtask=receipt, done=True)
    planning.recurrence_set(task=task, recurrence={"frequency": "month", "interval": 1})
    return task


@pytest.mark.parametrize("kind", ["JSON", "CSV"])
def test_a_planned_task_moves_to_another_account(
    pages, user, other_user, planned_task, kind, tmp_path
):
    page = pages.open(user=user)
    page.get_by_role("link", name="Import and export").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Export {kind}").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)

    other = pages.open(user=other_user, path="/import/")
    other.get_by_label("File").set_input_files(str(exported))
    other.get_by_role("button", name="Import", exact=True).click()
    expect(other.get_by_text("Imported 1 task")).to_be_visible()
    assert page_violations(pages, other_user, "/import/") == []

    other.goto("/")
    expect(other.get_by_role("link", name="Bills")).to_be_visible()
    expect(row(other, "Pay rent").get_by_role("link", name="1 of 2 steps done")).to_be_visible()
    copy = Task.objects.get(owner=other_user)
    assert (copy.task_list.name, str(copy.due_date), copy.due_time) == (
        "Bills",
        "2030-01-31",
        time(9, 0),
    )
    assert copy.tag_names == ["home"]
    steps = Subtask.objects.filter(task=copy).order_by("position")
    assert [(s.title, s.done) for s in steps] == [("Transfer", False), ("File receipt", True)]
    rule = Recurrence.objects.get(task=copy)
    assert (rule.frequency, rule.interval) == ("month", 1)
