"""One failure limiter for every form that checks a password: the app's log-in,
the admin's log-in and the admin's password change share counts per client
address and username (taskapp.accounts.ratelimit)."""

import pytest

ADMIN_LOGIN = "/admin/login/"
APP_LOGIN = "/accounts/login/"
PASSWORD_CHANGE = "/admin/password_change/"
RIGHT = {"username": "root", "password": "admin pass 3"}
WRONG = {"username": "root", "password": "guess"}


def signed_in(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def low_limit(settings):
    settings.RATE_LIMIT_FAILURES = 3


def test_the_admin_login_is_rate_limited(client, staff_user):
    # The audit: 30 wrong passwords all answered 200, then the right one logged in.
    answers = [client.post(ADMIN_LOGIN, WRONG).status_code for _ in range(30)]
    assert answers[:10] == [200] * 10  # the admin's form, with its error
    assert set(answers[10:]) == {429}
    response = client.post(ADMIN_LOGIN, RIGHT)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300
    assert b"Too many failed log-ins" in response.content
    assert signed_in(client) is None


@pytest.mark.usefixtures("low_limit")
def test_admin_failures_count_for_the_app_login(client, staff_user):
    for _ in range(3):
        client.post(ADMIN_LOGIN, WRONG)
    assert client.post(APP_LOGIN, RIGHT).status_code == 429
    assert signed_in(client) is None


@pytest.mark.usefixtures("low_limit")
def test_app_failures_count_for_the_admin_login(client, staff_user):
    for _ in range(3):
        client.post(APP_LOGIN, WRONG)
    assert client.post(ADMIN_LOGIN, RIGHT).status_code == 429
    assert signed_in(client) is None


@pytest.mark.usefixtures("low_limit")
def test_each_failure_counts_once(client, staff_user):
    for _ in range(2):
        client.post(APP_LOGIN, WRONG)
    # Two failures of three: the right password still gets in.
    response = client.post(ADMIN_LOGIN, {**RIGHT, "next": "/admin/"})
    assert response.status_code == 302
    assert signed_in(client) == str(staff_user.pk)


@pytest.mark.usefixtures("low_limit")
def test_the_admin_login_works_from_another_address(client, staff_user):
    for _ in range(3):
        client.post(ADMIN_LOGIN, WRONG)
    response = client.post(ADMIN_LOGIN, {**RIGHT, "next": "/admin/"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302


def _change(client, old: str, **extra):
    new = "a fresh long passphrase 9"
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(PASSWORD_CHANGE, data, **extra)


@pytest.mark.usefixtures("low_limit")
def test_the_password_change_is_rate_limited(client, staff_user):
    client.force_login(staff_user)
    for _ in range(3):
        response = _change(client, "guess")
        assert response.status_code == 200
        assert b"Your old password was entered incorrectly" in response.content
    response = _change(client, "admin pass 3")
    assert response.status_code == 429
    assert "Retry-After" in response
    staff_user.refresh_from_db()
    assert staff_user.check_password("admin pass 3")


@pytest.mark.usefixtures("low_limit")
def test_password_change_failures_count_for_the_login(client, staff_user):
    client.force_login(staff_user)
    for _ in range(3):
        _change(client, "guess")
    client.logout()
    assert client.post(APP_LOGIN, RIGHT).status_code == 429


def test_the_password_change_still_changes_the_password(client, staff_user):
    client.force_login(staff_user)
    response = _change(client, "admin pass 3")
    assert response.status_code == 302
    assert response["Location"] == "/admin/password_change/done/"
    staff_user.refresh_from_db()
    assert staff_user.check_password("a fresh long passphrase 9")


def test_the_password_change_needs_a_staff_login(client, user):
    response = client.get(PASSWORD_CHANGE)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
