import pytest


@pytest.fixture(autouse=True)
def _static_files_from_apps(settings):
    """No collectstatic in tests: whitenoise would warn (an error here) about the
    missing STATIC_ROOT when a request first builds the middleware (as in tests/api)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
