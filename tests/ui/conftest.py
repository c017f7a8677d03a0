"""Fixtures for the UI's view tests."""

import pytest


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    """Serve static files from the apps (as DEBUG does) so that view tests need no
    collectstatic run; tests/ui/test_static.py checks the production storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
