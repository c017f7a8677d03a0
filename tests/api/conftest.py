"""Fixtures of the API tests: tasks of two users, and static files without collectstatic."""

import pytest

from taskapp.tasks import services


@pytest.fixture(autouse=True)
def _static_files_from_apps(settings):
    """Serve static files from the apps' folders (no collectstatic in tests): the
    manifest storage of DEBUG-off settings needs collectstatic, and whitenoise in
    autorefresh mode does not warn about the missing STATIC_ROOT."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture
def task(user):
    return services.task_create(owner=user, title="Write report", description="Quarterly")


@pytest.fixture
def other_task(other_user):
    return services.task_create(owner=other_user, title="Bob's task", description="private")
