"""What keeps a worker cheap to start and to serve: the app loaded once in the
gunicorn master and warmed there, and only the middleware a role needs."""

import json
import sys

from tests.runtime.test_settings_startup import run

UI_ONLY = {
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
}


def middleware_of(role, tmp_path) -> list[str]:
    code = "import json, django; django.setup(); from django.conf import settings; "
    code += "print(json.dumps(settings.MIDDLEWARE))"
    result = run([sys.executable, "-c", code], TASKAPP_ROLE=role, TASKAPP_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_gives_the_api_role_no_cookie_middleware(tmp_path):
    api = middleware_of("api", tmp_path)
    assert not UI_ONLY & set(api)
    # Still there: probes, request ids, metrics, JSON errors, the 503 answer, locale.
    for kept in (
        "config.probes.ProbeMiddleware",
        "config.middleware.RequestIdMiddleware",
        "api.middleware.ApiErrorMiddleware",
        "config.middleware.DatabaseUnavailableMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ):
        assert kept in api


def test_it_keeps_the_cookie_middleware_where_the_ui_is(tmp_path):
    for role in ("ui", "all"):
        assert set(middleware_of(role, tmp_path)) >= UI_ONLY


def test_it_imports_the_api_at_load_without_opening_the_database(tmp_path):
    code = (
        "import sys, config.wsgi; from django.db import connections; "
        "print('api.v1' in sys.modules, connections['default'].connection is None)"
    )
    result = run([sys.executable, "-c", code], TASKAPP_ROLE="api", TASKAPP_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_it_passes_djangos_checks_on_every_role(tmp_path):
    # migrate and every manage.py command run the system checks first.
    for role in ("api", "ui", "all"):
        result = run(
            [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
            TASKAPP_ROLE=role,
            TASKAPP_DATA_DIR=str(tmp_path),
        )
        assert result.returncode == 0, (role, result.stderr)
