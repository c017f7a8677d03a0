import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_404_is_friendly(logged_in_client):
    response = logged_in_client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"Back to your tasks" in response.content


def test_404_is_german_for_german_browsers(logged_in_client):
    response = logged_in_client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Seite nicht gefunden" in response.content.decode()


def test_403_page_for_a_refused_signup(client, db, settings):
    settings.ALLOW_SIGNUP = False
    response = client.post("/accounts/signup/", {"username": "x"})
    assert response.status_code == 403 and b"Not allowed" in response.content


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("400", "Bad request"),
        ("403", "Not allowed"),
        ("500", "Something went wrong"),
        ("503", "cannot reach its database"),
    ],
)
def test_error_pages_render_without_the_database(code, text):
    # No db fixture: pytest-django fails the test on any database access.
    request = RequestFactory().get("/")
    html = render_to_string(f"errors/{code}.html", request=request)
    assert text in html and code in html


def test_500_handler_renders_the_page(rf):
    from config.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and b"Something went wrong" in response.content
