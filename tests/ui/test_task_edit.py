from taskapp.tasks.models import Task
from tests.ui.helpers import form_data

HX = {"HTTP_HX_REQUEST": "true"}


def url(task):
    return f"/tasks/{task.id}/edit/"


def test_it_answers_htmx_with_the_inline_form(logged_in_client, task):
    response = logged_in_client.get(
        url(task), HTTP_HX_CURRENT_URL="http://testserver/?q=milk", **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="is-editing"')
    assert 'value="Buy milk"' in html and '<option value="high" selected>' in html
    assert 'name="next" value="/?q=milk"' in html
    assert "data-cancel" in html


def test_it_shows_a_full_page_without_javascript(logged_in_client, task):
    response = logged_in_client.get(url(task), HTTP_REFERER="http://testserver/?status=open")
    html = response.content.decode()
    assert "<html" in html and "hx-disable" in html
    assert 'name="next" value="/?status=open"' in html


def test_it_saves_without_javascript_and_redirects_back(logged_in_client, task):
    page = logged_in_client.get(url(task) + "?next=/%3Fq%3Dmilk")
    data = form_data(
        page.content,
        f"edit-{task.id.hex}",
        title="Buy oat milk",
        description="2 litres",
        priority="urgent",
        due_date="2030-05-01",
        tags="Home, Shop",
    )
    response = logged_in_client.post(url(task), data)
    assert response.status_code == 302
    assert response["Location"] == "/?q=milk"
    task.refresh_from_db()
    assert (task.title, task.description, task.priority, str(task.due_date), task.tag_names) == (
        "Buy oat milk",
        "2 litres",
        4,
        "2030-05-01",
        ["home", "shop"],
    )


def test_it_answers_htmx_with_the_row_and_counts(logged_in_client, task):
    data = {"title": "Buy milk", "priority": "low", "due_date": "2001-01-01", "tags": ""}
    response = logged_in_client.post(url(task), data, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<li class="is-overdue"><input type="checkbox" name="ids" value="{task.id.hex}"' in html
    assert '<strong id="count-overdue">1</strong>' in html


def test_it_shows_validation_errors_next_to_the_fields(logged_in_client, task):
    data = {"title": " ", "priority": "huge", "due_date": "31.02.2020", "tags": "x" * 40}
    response = logged_in_client.post(url(task), data, **HX)
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("title", "priority", "due_date", "tags"):
        assert f'id="error-{field}"' in html
        assert f'aria-describedby="error-{field}"' in html
    assert Task.objects.get(pk=task.pk).version == task.version


def test_it_shows_errors_on_the_page_without_javascript(logged_in_client, task):
    response = logged_in_client.post(url(task), {"title": "", "priority": "normal"})
    assert response.status_code == 422
    assert b"<html" in response.content and b'id="error-title"' in response.content


def test_cancel_gets_the_row_back(logged_in_client, task):
    response = logged_in_client.get(f"/tasks/{task.id}/", **HX)
    assert response.content.lstrip().startswith(b'<li><input type="checkbox" name="ids"')


def test_the_row_url_without_htmx_goes_back_to_the_list(logged_in_client, task):
    assert logged_in_client.get(f"/tasks/{task.id}/")["Location"] == "/"
