import pytest

from tests.ui.helpers import form_data


def signed_in(client) -> str | None:
    """The id (as text: an ObjectId on MongoDB) of the user the session is logged in as."""
    return client.session.get("_auth_user_id")


def test_it_logs_in_and_follows_next(client, user):
    page = client.get("/accounts/login/?next=/trash/")
    html = page.content.decode()
    assert (
        '<label for="id_username">Username' in html and '<label for="id_password">Password' in html
    )
    data = form_data(page.content, "/accounts/login/", username="ann", password="correct horse 1")
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302 and response["Location"] == "/trash/"
    assert client.get("/").status_code == 200


def test_it_ignores_an_offsite_next(client, user):
    data = {"username": "ann", "password": "correct horse 1", "next": "//evil.example/"}
    assert client.post("/accounts/login/", data)["Location"] == "/"


def test_it_explains_a_wrong_password(client, user):
    response = client.post("/accounts/login/", {"username": "ann", "password": "nope"})
    assert response.status_code == 422
    assert b"Please enter a correct username and password." in response.content


@pytest.fixture
def low_limit(settings):
    settings.RATE_LIMIT_FAILURES = 3


def test_it_rate_limits_failed_logins(client, user, low_limit):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "ann", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "ann", "password": "correct horse 1"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300
    assert b"Too many failed log-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_it_limits_per_client(client, user, low_limit):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "ann", "password": "nope"})
    other = {"REMOTE_ADDR": "10.0.0.9"}
    data = {"username": "ann", "password": "correct horse 1"}
    assert client.post("/accounts/login/", data).status_code == 429
    assert signed_in(client) is None
    assert client.post("/accounts/login/", data, **other).status_code == 302
    assert signed_in(client) == str(user.pk)


def test_a_success_clears_the_failures(client, user, low_limit):
    for _ in range(2):
        client.post("/accounts/login/", {"username": "ann", "password": "nope"})
    client.post("/accounts/login/", {"username": "ann", "password": "correct horse 1"})
    for _ in range(2):
        client.post("/accounts/login/", {"username": "ann", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "ann", "password": "correct horse 1"})
    assert response.status_code == 302
    assert signed_in(client) == str(user.pk)


@pytest.mark.usefixtures("low_limit")
def test_it_limits_per_username_so_a_shared_address_still_works(client, user, other_user):
    # Bob and Ann sign in from the same address (an office, a VPN).
    for _ in range(3):
        client.post("/accounts/login/", {"username": "bob", "password": "nope"})
    data = {"username": "ann", "password": "correct horse 1"}
    assert client.post("/accounts/login/", data).status_code == 302
    assert signed_in(client) == str(user.pk)


@pytest.mark.usefixtures("low_limit")
def test_it_counts_spellings_of_one_username_together(client, user):
    for name in ("ann", "ANN", " Ann "):
        client.post("/accounts/login/", {"username": name, "password": "nope"})
    data = {"username": "ann", "password": "correct horse 1"}
    response = client.post("/accounts/login/", data)
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert signed_in(client) is None


@pytest.mark.usefixtures("low_limit")
def test_it_caps_one_client_trying_many_usernames(client, user):
    for number in range(5 * 3):  # five times the per-username limit
        client.post("/accounts/login/", {"username": f"guess{number}", "password": "nope"})
    data = {"username": "ann", "password": "correct horse 1"}
    response = client.post("/accounts/login/", data)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert client.post("/accounts/login/", data, REMOTE_ADDR="10.0.0.9").status_code == 302
    assert signed_in(client) == str(user.pk)


@pytest.mark.usefixtures("low_limit")
def test_a_success_does_not_clear_the_client_wide_count(client, user):
    for number in range(5 * 3 - 1):
        client.post("/accounts/login/", {"username": f"guess{number}", "password": "nope"})
    client.post("/accounts/login/", {"username": "ann", "password": "correct horse 1"})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "guess-last", "password": "nope"})
    data = {"username": "ann", "password": "correct horse 1"}
    assert client.post("/accounts/login/", data).status_code == 429
    assert signed_in(client) is None
