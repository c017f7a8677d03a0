"""E-mail settings from the environment: console by default, SMTP when a host is set."""

import json
import sys

from tests.runtime.test_settings_startup import run

PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.DEFAULT_FROM_EMAIL]))"
)


def settings_with(tmp_path, **env):
    result = run([sys.executable, "-c", PRINT], TASKAPP_DATA_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_host_mail_goes_to_the_console(tmp_path):
    backend, host, *_ = settings_with(tmp_path)
    assert (backend, host) == ("django.core.mail.backends.console.EmailBackend", "")


def test_a_host_switches_to_smtp_with_the_password_from_a_file(tmp_path):
    secret = tmp_path / "smtp"
    secret.write_text("s3cret\n")
    values = settings_with(
        tmp_path,
        TASKAPP_EMAIL_HOST="smtp.example.com",
        TASKAPP_EMAIL_PORT="465",
        TASKAPP_EMAIL_USER="taskapp",
        TASKAPP_EMAIL_PASSWORD_FILE=str(secret),
        TASKAPP_EMAIL_USE_SSL="true",
        TASKAPP_EMAIL_FROM="Tasks <tasks@example.com>",
    )
    assert values == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        465,
        "taskapp",
        "s3cret",
        False,
        True,
        "Tasks <tasks@example.com>",
    ]


def test_tls_and_ssl_together_fail_with_one_line(tmp_path):
    result = run(
        [sys.executable, "-c", "import django; django.setup()"],
        TASKAPP_DATA_DIR=str(tmp_path),
        TASKAPP_EMAIL_USE_TLS="true",
        TASKAPP_EMAIL_USE_SSL="true",
    )
    assert result.returncode != 0
    assert "TASKAPP_EMAIL_USE_TLS or TASKAPP_EMAIL_USE_SSL, not both" in result.stderr
