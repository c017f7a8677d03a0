from taskapp.tasks.models import Task
from tests.ui.helpers import form_data

HX = {"HTTP_HX_REQUEST": "true"}


def test_it_creates_without_javascript_and_returns_to_the_same_view(logged_in_client, user):
    page = logged_in_client.get("/?q=milk")
    data = form_data(page.content, "create-form", title="  Buy   milk ")
    response = logged_in_client.post("/tasks/new/", data)
    assert response.status_code == 302
    assert response["Location"] == "/?q=milk"
    assert Task.objects.get(owner=user).title == "Buy milk"


def test_it_answers_htmx_with_the_list_and_counts(logged_in_client, user):
    page = logged_in_client.get("/")
    data = form_data(page.content, "create-form", title="Buy milk")
    response = logged_in_client.post("/tasks/new/", data, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('\n<section id="task-list"') or html.lstrip().startswith("<section")
    assert ">Buy milk</span>" in html
    assert 'id="counts" class="counts" hx-swap-oob="true"' in html
    assert '<strong id="count-open">1</strong>' in html


def test_it_shows_an_empty_title_error_next_to_the_field(logged_in_client, user):
    response = logged_in_client.post("/tasks/new/", {"title": "   "}, **HX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#create-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert 'aria-describedby="error-title"' in html
    assert 'id="error-title"' in html
    assert not Task.objects.exists()


def test_it_shows_errors_on_the_full_page_without_javascript(logged_in_client):
    response = logged_in_client.post("/tasks/new/", {"title": "x" * 201, "next": "/"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" in html and 'id="error-title"' in html
    assert not Task.objects.exists()


def test_a_get_creates_nothing_and_returns_to_the_list(logged_in_client):
    # Issue 11: the address bar after a failed no-JS add must not end on a 405.
    response = logged_in_client.get("/tasks/new/?title=Sneaky")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Task.objects.exists()


def test_it_ignores_an_offsite_next(logged_in_client):
    response = logged_in_client.post("/tasks/new/", {"title": "a", "next": "https://evil.example/"})
    assert response["Location"] == "/"
