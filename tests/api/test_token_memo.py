"""A token already seen by this process is checked against the database on every
request (taskapp.accounts.token_memo): never answered from memory alone."""

import pytest
from django.db import connection

from taskapp.accounts import token_memo
from taskapp.accounts.models import ApiToken

ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def _empty_memo():
    token_memo.clear()
    yield
    token_memo.clear()


@pytest.fixture
def seen(api_client):
    """The token, used once: the process now keeps it."""
    assert api_client.get(ME).status_code == 200
    return api_client


def test_it_refuses_a_token_revoked_after_its_last_use(user, seen):
    ApiToken.objects.get(user=user).revoke()
    assert seen.get(ME).status_code == 401


def test_it_refuses_a_deleted_token(user, seen):
    ApiToken.objects.filter(user=user).delete()
    assert seen.get(ME).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(user, seen):
    user.is_active = False
    user.save()
    assert seen.get(ME).status_code == 401
    user.is_active = True
    user.save()
    assert seen.get(ME).status_code == 200


def test_it_answers_with_what_the_database_holds_now(user, seen):
    user.email = "ann.new@example.com"
    user.save()
    ApiToken.objects.filter(user=user).update(name="renamed")
    body = seen.get(ME).json()
    assert (body["email"], body["token"]) == ("ann.new@example.com", "renamed")


def test_it_checks_a_kept_token_with_one_query(seen, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        token_memo.active_token(seen.defaults["HTTP_AUTHORIZATION"].split()[1])
    if connection.vendor != "mongodb":
        # The check, not the ORM lookup: by primary key, with the user's row.
        (query,) = captured.captured_queries
        assert "token_hash" not in query["sql"].split("WHERE")[1]


def test_it_keeps_a_bounded_number_of_tokens(user, monkeypatch):
    monkeypatch.setattr(token_memo, "MAX_TOKENS", 2)
    raws = [ApiToken.issue(user=user, name=f"t{n}")[1] for n in range(3)]
    for raw in raws:
        assert token_memo.active_token(raw) is not None
    assert len(token_memo._tokens) == (0 if connection.vendor == "mongodb" else 2)
