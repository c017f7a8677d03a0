import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Status, Task
from tests.ui.helpers import accessible_names, form_data

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def task(user):
    return services.task_create(owner=user, title="Buy milk")


def test_it_marks_done_without_javascript(logged_in_client, task):
    page = logged_in_client.get("/?sort=title")
    data = form_data(page.content, "bulk", done=[str(task.id)])
    response = logged_in_client.post(f"/tasks/{task.id}/toggle/", data)
    assert response.status_code == 302 and response["Location"] == "/?sort=title"
    task = Task.objects.get(pk=task.pk)
    assert task.status == Status.DONE and task.completed_at is not None


def test_it_reopens_when_the_box_is_unticked(logged_in_client, task):
    services.task_set_status(task=task, status=Status.DONE)
    page = logged_in_client.get("/")
    data = form_data(page.content, "bulk")
    assert data["done"] == [str(task.id)]  # the page shows it ticked
    del data["done"]
    logged_in_client.post(f"/tasks/{task.id}/toggle/", data)
    assert Task.objects.get(pk=task.pk).status == Status.OPEN


def test_it_answers_htmx_with_the_row_and_counts(logged_in_client, task):
    response = logged_in_client.post(f"/tasks/{task.id}/toggle/", {"done": [str(task.id)]}, **HX)
    html = response.content.decode()
    assert f'<li class="task is-done" data-task-id="{task.id}">' in html
    assert " checked>" in html
    assert '<strong id="count-done">1</strong>' in html
    assert '<strong id="count-open">0</strong>' in html
    assert 'hx-swap-oob="true"' in html


def test_another_tasks_id_does_not_mark_this_one(logged_in_client, task, user):
    other = services.task_create(owner=user, title="Other")
    logged_in_client.post(f"/tasks/{task.id}/toggle/", {"done": [str(other.id)]}, **HX)
    assert Task.objects.get(pk=task.pk).status == Status.OPEN


def test_it_puts_the_htmx_answer_onto_the_row(logged_in_client, task):
    # The row's controls post #bulk (whose target is the whole list) to this URL.
    response = logged_in_client.post(f"/tasks/{task.id}/toggle/", {"done": [str(task.id)]}, **HX)
    assert response["HX-Retarget"] == f'[data-task-id="{task.id}"]'
    assert response["HX-Reswap"] == "outerHTML"


def test_a_row_rendered_alone_keeps_its_accessible_names(logged_in_client, task):
    response = logged_in_client.post(f"/tasks/{task.id}/toggle/", {"done": [str(task.id)]}, **HX)
    html = response.content.decode()
    assert f'id="t-{task.id}"' in html  # not a row number: it lands in a numbered list
    page = logged_in_client.get("/").content.decode()
    labels = page[page.index('<div hidden class="row-labels">') :]
    assert "Done: Buy milk" in accessible_names(labels + html)
