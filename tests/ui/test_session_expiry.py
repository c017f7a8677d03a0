"""An htmx request after the session expired: the page goes to the login page
(HX-Redirect), instead of the login page being swapped into the list."""

import pytest

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/?q=milk"), ("post", "/tasks/actions/"), ("post", "/tasks/new/")]
)
def test_it_sends_htmx_to_the_login_page_and_back(client, db, method, path):
    current = {"HTTP_HX_CURRENT_URL": "http://testserver/?q=milk&status=open"}
    response = getattr(client, method)(path, **HX, **current)
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == "/accounts/login/?next=/%3Fq%3Dmilk%26status%3Dopen"


def test_it_ignores_a_current_url_on_another_site(client, db):
    current = {"HTTP_HX_CURRENT_URL": "https://evil.example/phish"}
    response = client.post("/tasks/actions/", **HX, **current)
    assert response["HX-Redirect"] == "/accounts/login/?next=/"


def test_it_still_redirects_a_plain_request(client, db):
    response = client.get("/trash/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/trash/"
