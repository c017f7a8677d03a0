"""The Done checkbox: a submit button of the list's form (role=checkbox) whose name is
the state wanted (``done=<id>`` or ``reopen=<id>``), with and without JavaScript."""

import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Status, Task
from tests.ui.helpers import accessible_names, form_data

HX = {"HTTP_HX_REQUEST": "true"}
ACTIONS = "/tasks/actions/"


def test_it_shows_done_as_a_checkbox_that_submits(logged_in_client, task):
    html = logged_in_client.get("/").content.decode()
    assert (
        f'<button form="bulk" name="done" value="{task.id.hex}" role="checkbox" '
        'aria-checked="false"' in html
    )
    assert "Done: Buy milk" in accessible_names(html)


def test_it_marks_done_without_javascript(logged_in_client, task):
    page = logged_in_client.get("/?sort=title")
    data = form_data(page.content, "bulk", done=task.id.hex)
    response = logged_in_client.post(ACTIONS, data)
    assert response.status_code == 302 and response["Location"] == "/?sort=title"
    task = Task.objects.get(pk=task.pk)
    assert task.status == Status.DONE and task.completed_at is not None


def test_it_reopens_a_done_task(logged_in_client, task):
    services.task_set_status(task=task, status=Status.DONE)
    html = logged_in_client.get("/").content.decode()
    assert f'name="reopen" value="{task.id.hex}" role="checkbox" aria-checked="true"' in html
    logged_in_client.post(ACTIONS, form_data(html, "bulk", reopen=task.id.hex))
    assert Task.objects.get(pk=task.pk).status == Status.OPEN


def test_a_repeated_click_keeps_the_state_asked_for(logged_in_client, task):
    # A stale page or a double click posts done=<id> twice: still done, not flipped back.
    for _ in range(2):
        logged_in_client.post(ACTIONS, {"done": task.id.hex}, **HX)
    assert Task.objects.get(pk=task.pk).status == Status.DONE


def test_it_answers_htmx_with_the_row_and_counts(logged_in_client, task):
    response = logged_in_client.post(ACTIONS, {"done": task.id.hex}, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="is-done">')
    assert 'role="checkbox" aria-checked="true"' in html
    assert '<strong id="count-done">1</strong>' in html
    assert '<strong id="count-open">0</strong>' in html
    assert 'hx-swap-oob="true"' in html


def test_it_puts_the_htmx_answer_onto_the_row(logged_in_client, task):
    # The row's buttons post #bulk, whose target is the whole list.
    response = logged_in_client.post(ACTIONS, {"done": task.id.hex}, **HX)
    assert response["HX-Retarget"] == f'li:has(>[value="{task.id.hex}"])'
    assert response["HX-Reswap"] == "outerHTML"


def test_a_row_rendered_alone_keeps_its_accessible_names(logged_in_client, task):
    response = logged_in_client.post(ACTIONS, {"done": task.id.hex}, **HX)
    html = response.content.decode()
    assert f'id="t-{task.id}"' in html  # not a row number: it lands in a numbered list
    page = logged_in_client.get("/").content.decode()
    labels = page[page.index('<div hidden class="row-labels">') :]
    assert "Done: Buy milk" in accessible_names(labels + html)


@pytest.mark.parametrize("action", ["done", "reopen", "trash"])
def test_it_rejects_a_malformed_id(logged_in_client, task, action):
    response = logged_in_client.post(ACTIONS, {action: "nope"})
    assert response.status_code == 404
    after = Task.objects.get(pk=task.pk)
    assert (after.version, after.in_trash) == (task.version, False)
