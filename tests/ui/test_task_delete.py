from taskapp.tasks.models import Task
from tests.ui.helpers import form_data

HX = {"HTTP_HX_REQUEST": "true"}
ACTIONS = "/tasks/actions/"  # the Delete button: trash=<id>


def test_it_removes_the_row_with_htmx_and_offers_undo(logged_in_client, task):
    response = logged_in_client.post(ACTIONS, {"trash": task.id.hex}, **HX)
    html = response.content.decode()
    assert response.status_code == 200  # 200, not 204: htmx swaps the row for nothing
    assert "<li" not in html
    assert 'id="notice" class="notice-region" role="status" aria-live="polite"' in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "“Buy milk” moved to trash." in html
    assert f'action="/tasks/{task.id.hex}/undo/"' in html
    assert '<strong id="count-open">0</strong>' in html
    assert Task.objects.get(pk=task.pk).in_trash


def test_it_stays_gone_after_a_reload(logged_in_client, task):
    logged_in_client.post(ACTIONS, {"trash": task.id.hex}, **HX)
    assert b">Buy milk</span>" not in logged_in_client.get("/").content


def test_it_works_without_javascript_and_offers_undo_once(logged_in_client, task):
    page = logged_in_client.get("/?q=milk")
    data = form_data(page.content, "bulk", trash=task.id.hex)
    response = logged_in_client.post(ACTIONS, data)
    assert response.status_code == 302 and response["Location"] == "/?q=milk"
    html = logged_in_client.get("/?q=milk").content.decode()
    assert "“Buy milk” moved to trash." in html
    assert f'action="/tasks/{task.id.hex}/undo/"' in html
    assert "moved to trash" not in logged_in_client.get("/").content.decode()


def test_undo_restores_with_htmx(logged_in_client, task):
    logged_in_client.post(ACTIONS, {"trash": task.id.hex}, **HX)
    response = logged_in_client.post(f"/tasks/{task.id}/undo/", {"next": "/?q=milk"}, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="task-list"')
    assert ">Buy milk</span>" in html
    assert '<strong id="count-open">1</strong>' in html
    assert "moved to trash" not in html  # the notice is emptied
    assert not Task.objects.get(pk=task.pk).in_trash


def test_undo_works_without_javascript(logged_in_client, task):
    logged_in_client.post(ACTIONS, {"trash": task.id.hex, "next": "/"})
    page = logged_in_client.get("/")
    undo = f"/tasks/{task.id.hex}/undo/"
    response = logged_in_client.post(undo, form_data(page.content, undo))
    assert response.status_code == 302
    assert not Task.objects.get(pk=task.pk).in_trash


def test_it_puts_the_htmx_answer_onto_the_row(logged_in_client, task):
    response = logged_in_client.post(ACTIONS, {"trash": task.id.hex}, **HX)
    assert response["HX-Retarget"] == f'li:has(>[value="{task.id.hex}"])'
