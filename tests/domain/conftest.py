"""Fixtures of the domain tests: the admin's pages without collectstatic."""

import pytest


@pytest.fixture(autouse=True)
def _static_files_from_apps(settings):
    """Static files from the apps' folders: the manifest storage of DEBUG-off
    settings needs collectstatic, and whitenoise in autorefresh mode does not
    warn about the missing STATIC_ROOT."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
