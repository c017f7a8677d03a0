"""Start-up with a bad environment fails with one clear line naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(**overrides):
    return run([sys.executable, "-c", "import django; django.setup()"], **overrides)


def run(command, **overrides):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TASKAPP_", "MONGODB_URI"))
    }
    environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TASKAPP_SECRET_KEY": "k",
            "TASKAPP_ALLOWED_HOSTS": "example.com",
        }
    )
    environ.update(overrides)
    environ = {key: value for key, value in environ.items() if value is not None}
    return subprocess.run(
        command,
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_starts_with_a_good_environment(tmp_path):
    result = start(TASKAPP_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TASKAPP_ROLE": "web"}, "TASKAPP_ROLE must be one of all | api | ui, got 'web'."),
        (
            {"TASKAPP_SECRET_KEY": None},
            "TASKAPP_SECRET_KEY (or TASKAPP_SECRET_KEY_FILE) is required",
        ),
        (
            {"TASKAPP_SECRET_KEY": None, "TASKAPP_SECRET_KEY_FILE": "/nonexistent/key"},
            "TASKAPP_SECRET_KEY_FILE=/nonexistent/key cannot be read",
        ),
        ({"TASKAPP_ALLOWED_HOSTS": None}, "TASKAPP_ALLOWED_HOSTS is required"),
        ({"TASKAPP_DEBUG": "perhaps"}, "TASKAPP_DEBUG must be true or false, got 'perhaps'."),
        (
            {"TASKAPP_RATE_LIMIT_FAILURES": "0"},
            "TASKAPP_RATE_LIMIT_FAILURES must be at least 1, got 0.",
        ),
        (
            {"TASKAPP_TIME_ZONE": "Mars/Olympus"},
            "TASKAPP_TIME_ZONE must be an IANA time zone such as Europe/Berlin, "
            "got 'Mars/Olympus'.",
        ),
    ],
)
def test_it_fails_with_a_message_naming_the_variable(tmp_path, overrides, message):
    result = start(TASKAPP_DATA_DIR=str(tmp_path), **overrides)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert (
        last_line == f"django.core.exceptions.ImproperlyConfigured: {message}"
        or message in last_line
    )


ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "check"],
    "wsgi": [sys.executable, "-c", "import config.wsgi"],
}


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TASKAPP_DEBUG": "maybe"}, "TASKAPP_DEBUG must be true or false, got 'maybe'."),
        (
            {"TASKAPP_TIME_ZONE": "Europe/Nowhere"},
            "TASKAPP_TIME_ZONE must be an IANA time zone such as Europe/Berlin, "
            "got 'Europe/Nowhere'.",
        ),
    ],
)
def test_it_prints_one_line_and_no_traceback(tmp_path, entry_point, overrides, message):
    result = run(ENTRY_POINTS[entry_point], TASKAPP_DATA_DIR=str(tmp_path), **overrides)
    assert result.returncode == 1
    assert result.stderr == f"taskapp: configuration error: {message}\n"
    assert result.stdout == ""


def test_it_runs_management_commands_with_a_good_environment(tmp_path):
    result = run(ENTRY_POINTS["manage.py"], TASKAPP_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_accepts_a_time_zone_name(tmp_path):
    code = "import config.settings as s; print(s.TIME_ZONE)"
    result = run(
        [sys.executable, "-c", code],
        TASKAPP_DATA_DIR=str(tmp_path),
        TASKAPP_TIME_ZONE="Europe/Berlin",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Europe/Berlin\n"


def mongo_options(uri: str) -> dict:
    """The MongoDB client options the settings build for ``uri`` (no connection made)."""
    return database_setting("OPTIONS", MONGODB_URI=uri)


def test_it_gives_up_on_an_unreachable_mongodb_before_the_request_timeout():
    assert mongo_options("mongodb://db:27017/taskapp") == {"serverSelectionTimeoutMS": 5000}


def test_it_keeps_the_timeout_chosen_in_the_connection_string():
    assert mongo_options("mongodb://db:27017/taskapp?serverSelectionTimeoutMS=900") == {}


def database_setting(name: str, **overrides) -> object:
    """One key of DATABASES['default'] as the settings build it from the environment."""
    code = f"import json, config.settings as s; print(json.dumps(s.DATABASES['default'][{name!r}]))"
    result = run([sys.executable, "-c", code], **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_keeps_database_connections_open_between_requests(tmp_path):
    assert database_setting("CONN_MAX_AGE", TASKAPP_DATA_DIR=str(tmp_path)) == 300
    assert database_setting("CONN_HEALTH_CHECKS", TASKAPP_DATA_DIR=str(tmp_path)) is True


def test_it_opens_a_connection_per_request_when_asked(tmp_path):
    age = database_setting(
        "CONN_MAX_AGE", TASKAPP_DATA_DIR=str(tmp_path), TASKAPP_DB_CONN_MAX_AGE="0"
    )
    assert age == 0


def test_its_version_is_the_one_written_in_pyproject(settings):
    # Single-sourced: pyproject.toml -> the package's metadata -> settings.VERSION
    # (the UI footer, the API's root document and its OpenAPI info).
    import tomllib

    written = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert written == settings.VERSION
