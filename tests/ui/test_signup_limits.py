"""Sign-up is throttled per client address (settings.SIGNUP_LIMIT per
SIGNUP_WINDOW): the audit made 25 accounts in 6 s from one address."""

import pytest
from django.contrib.auth.models import User

PASSWORD = "a long unusual passphrase 7"


def _signup(client, username, **extra):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data, **extra)


@pytest.fixture
def limit(settings):
    settings.SIGNUP_LIMIT = 3
    return 3


def test_it_throttles_sign_ups_per_address(client, db, limit):
    for number in range(limit):
        client.logout()
        assert _signup(client, f"user{number}").status_code == 302
    client.logout()
    response = _signup(client, "one-too-many")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert b"Too many sign-ups" in response.content
    assert not User.objects.filter(username="one-too-many").exists()
    # Another address is not affected.
    assert _signup(client, "elsewhere", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_default_stops_a_burst(client, db):
    answers = []
    for number in range(25):
        client.logout()
        answers.append(_signup(client, f"burst{number}").status_code)
    assert 429 in answers
    assert User.objects.count() <= 10


def test_probing_taken_names_counts_too(client, user, limit):
    for _ in range(limit):
        response = _signup(client, "ann")
        assert response.status_code == 422
        assert b"already exists" in response.content
    assert _signup(client, "ann").status_code == 429


def test_mistakes_in_the_form_do_not_count(client, db, limit):
    for _ in range(limit + 2):
        data = {"username": "carol", "password1": PASSWORD, "password2": "typo"}
        assert client.post("/accounts/signup/", data).status_code == 422
    assert _signup(client, "carol").status_code == 302
