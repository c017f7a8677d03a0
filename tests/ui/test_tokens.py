import re

from django.test import Client

from taskapp.accounts.models import ApiToken
from tests.ui.helpers import form_data


def create(client, name="laptop") -> str:
    page = client.get("/accounts/tokens/")
    data = form_data(page.content, "/accounts/tokens/", name=name)
    response = client.post("/accounts/tokens/", data)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_a_new_token_once(logged_in_client, user):
    html = create(logged_in_client)
    raw = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    assert ApiToken.objects.for_raw_token(raw).user == user
    assert ">Copy</button>" in html
    again = logged_in_client.get("/accounts/tokens/").content.decode()
    assert raw not in again and "laptop" in again


def test_it_never_puts_the_secret_in_the_session(logged_in_client):
    html = create(logged_in_client)
    assert 'id="new-token"' in html
    session = logged_in_client.session
    assert "new_token" not in session
    assert not any("tsk_" in str(value) for value in session.values())


def test_the_page_with_the_secret_is_never_cached(logged_in_client):
    page = logged_in_client.get("/accounts/tokens/")
    data = form_data(page.content, "/accounts/tokens/", name="laptop")
    response = logged_in_client.post("/accounts/tokens/", data)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "no-store" in page["Cache-Control"]


def test_it_needs_a_name(logged_in_client):
    response = logged_in_client.post("/accounts/tokens/", {"name": " "})
    assert response.status_code == 422 and b'id="error-name"' in response.content
    assert not ApiToken.objects.exists()


def test_it_revokes(logged_in_client, user):
    token, raw = ApiToken.issue(user=user, name="old")
    response = logged_in_client.post(f"/accounts/tokens/{token.id}/revoke/", {"confirm": "1"})
    assert response.status_code == 302
    assert ApiToken.objects.for_raw_token(raw) is None
    html = logged_in_client.get("/accounts/tokens/").content.decode()
    assert "Token “old” revoked." in html
    assert ">Revoke</button>" not in html


def test_it_lists_only_my_tokens(logged_in_client, other_user):
    ApiToken.issue(user=other_user, name="bobs-token")
    assert b"bobs-token" not in logged_in_client.get("/accounts/tokens/").content


def test_other_users_tokens_are_not_found(logged_in_client, other_user):
    token, raw = ApiToken.issue(user=other_user, name="theirs")
    response = logged_in_client.post(f"/accounts/tokens/{token.id}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.for_raw_token(raw) is not None


def test_it_needs_login(db):
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/tokens/"
