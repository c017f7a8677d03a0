"""Password reset by e-mail: Django's views with our templates, no account
enumeration, a working single-use link, and a rate limit."""

import re

import pytest
from django.core import mail
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_the_login_page_links_to_the_reset(client):
    assert b'href="/accounts/password-reset/"' in client.get("/accounts/login/").content


def test_it_mails_a_link_that_sets_a_new_password_once(client, user):
    response = client.post("/accounts/password-reset/", {"email": "ann@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh long secret 9", "new_password2": "a fresh long secret 9"},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("a fresh long secret 9")
    again = client.get(link, follow=True)
    assert b"This link is invalid" in again.content


def test_an_unknown_address_answers_exactly_like_a_known_one(client, user):
    known = client.post("/accounts/password-reset/", {"email": "ann@example.com"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


@override_settings(RATE_LIMIT_FAILURES=2)
def test_it_limits_requests_per_address(client, user):
    for _ in range(2):
        assert (
            client.post("/accounts/password-reset/", {"email": "ann@example.com"}).status_code
            == 302
        )
    blocked = client.post("/accounts/password-reset/", {"email": "ann@example.com"})
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert b"password-reset requests" in blocked.content
    # The same answer for an address without an account: the limit tells nothing.
    for _ in range(2):
        client.post("/accounts/password-reset/", {"email": "x@example.com"})
    assert client.post("/accounts/password-reset/", {"email": "x@example.com"}).status_code == 429
    assert len(mail.outbox) == 2


def test_sign_up_takes_an_optional_email_and_makes_the_inbox(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dora",
            "email": "dora@example.com",
            "password1": "a long pass phrase 7",
            "password2": "a long pass phrase 7",
        },
    )
    assert response.status_code == 302
    from django.contrib.auth.models import User

    dora = User.objects.get(username="dora")
    assert dora.email == "dora@example.com"
    assert dora.task_lists.filter(is_inbox=True).count() == 1
