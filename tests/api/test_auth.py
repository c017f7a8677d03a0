"""Bearer tokens: missing, unknown, revoked -> 401; repeated failures -> 429."""

import pytest
from django.test import Client

from taskapp.accounts.models import ApiToken
from taskapp.tasks.models import Task
from tests.api.helpers import error

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/api/v1/tasks"),
    ("post", "/api/v1/tasks"),
    ("get", "/api/v1/tags"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/tasks/export"),
    ("post", "/api/v1/tasks/import"),
    ("post", "/api/v1/tasks/bulk"),
    ("get", "/api/v1/tasks/00000000-0000-4000-8000-000000000000"),
    ("get", "/api/task"),
    ("post", "/api/task/"),
    ("get", "/api/task/x"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_it_answers_401_without_a_token(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == error("unauthorized")


def test_it_answers_401_for_an_unknown_token(db):
    response = Client(HTTP_AUTHORIZATION="Bearer tsk_not-a-real-token").get("/api/v1/tasks")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == error("unauthorized", "The API token is unknown or revoked.")


def test_it_answers_401_for_another_scheme(token):
    response = Client(HTTP_AUTHORIZATION=f"Basic {token}").get("/api/v1/tasks")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == error("unauthorized")


def test_it_answers_401_for_a_revoked_token(user, token, api_client):
    assert api_client.get("/api/v1/tasks").status_code == 200
    ApiToken.objects.get(user=user).revoke()
    response = api_client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json() == error("unauthorized", "The API token is unknown or revoked.")


def test_it_answers_401_for_the_token_of_an_inactive_user(user, api_client):
    user.is_active = False
    user.save()
    response = api_client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json() == error("unauthorized", "The API token is unknown or revoked.")


def test_it_records_the_last_use_of_a_token(user, api_client):
    assert ApiToken.objects.get(user=user).last_used_at is None
    api_client.get("/api/v1/tasks")
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_it_answers_429_after_too_many_bad_tokens(settings, db):
    settings.RATE_LIMIT_FAILURES = 3
    settings.RATE_LIMIT_WINDOW = 120
    bad = Client(HTTP_AUTHORIZATION="Bearer tsk_wrong")
    assert [bad.get("/api/v1/tasks").status_code for _ in range(3)] == [401, 401, 401]
    response = bad.get("/api/v1/tasks")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 120
    assert response.json() == error("rate_limited")


def test_it_limits_per_client_address(settings, db):
    settings.RATE_LIMIT_FAILURES = 1
    Client(HTTP_AUTHORIZATION="Bearer tsk_wrong", REMOTE_ADDR="10.0.0.1").get("/api/v1/tasks")
    limited = Client(HTTP_AUTHORIZATION="Bearer tsk_wrong", REMOTE_ADDR="10.0.0.1")
    assert limited.get("/api/v1/tasks").status_code == 429
    other = Client(HTTP_AUTHORIZATION="Bearer tsk_wrong", REMOTE_ADDR="10.0.0.2")
    response = other.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json() == error("unauthorized", "The API token is unknown or revoked.")


def test_it_still_accepts_a_valid_token_from_a_limited_address(settings, api_client, db):
    settings.RATE_LIMIT_FAILURES = 1
    bad = Client(HTTP_AUTHORIZATION="Bearer tsk_wrong")
    bad.get("/api/v1/tasks")
    assert bad.get("/api/v1/tasks").status_code == 429
    response = api_client.get("/api/v1/tasks")
    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_it_does_not_need_a_csrf_token(token):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/v1/tasks", {"title": "x"}, content_type="application/json")
    assert response.status_code == 201
    assert Task.objects.get(pk=response.json()["id"]).title == "x"


def test_it_ignores_a_session_login_without_a_token(logged_in_client, task):
    response = logged_in_client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json() == error("unauthorized")
    assert b"Buy milk" not in response.content
