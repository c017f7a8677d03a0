"""Fixtures shared by every test package: users, their tokens, clients, tasks."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from taskapp.accounts.models import ApiToken
from taskapp.tasks import services


@pytest.fixture(autouse=True)
def _static_files_from_apps(settings):
    """Static files straight from the apps' folders, as in DEBUG, so tests need no
    collectstatic: the DEBUG-off settings use the manifest storage, which needs it,
    and whitenoise warns (an error here) about a missing STATIC_ROOT unless in
    autorefresh mode. tests/ui/test_static.py checks the production storage itself."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _no_kept_api_pages():
    """No test sees API pages another test kept (api.page_cache): the test
    database gives out the same primary keys again after each rollback."""
    from api.page_cache import pages

    pages.clear()


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


@pytest.fixture
def task(user):
    """One task of ``user``'s, with every kind of field set but the due date."""
    return services.task_create(
        owner=user, title="Buy milk", description="Oat, 2 litres", tags="home", priority="high"
    )


@pytest.fixture
def other_task(other_user):
    return services.task_create(owner=other_user, title="Bob's task", description="private")
