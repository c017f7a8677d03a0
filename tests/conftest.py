"""Fixtures shared by every test package: users, their tokens, API clients."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from taskapp.accounts.models import ApiToken


@pytest.fixture
def user(db):
    return User.objects.create_user("ann", email="ann@example.com", password="correct horse 1")


@pytest.fixture
def other_user(db):
    return User.objects.create_user("bob", email="bob@example.com", password="battery staple 2")


@pytest.fixture
def staff_user(db):
    return User.objects.create_superuser("root", email="root@example.com", password="admin pass 3")


@pytest.fixture
def token(user):
    """The raw secret of an API token of ``user``."""
    _, raw = ApiToken.issue(user=user, name="test")
    return raw


@pytest.fixture
def api_client(token):
    """A Django test client that sends ``user``'s token on every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def other_api_client(other_user):
    _, raw = ApiToken.issue(user=other_user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client
