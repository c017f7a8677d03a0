"""/readyz is not ready on a database without its tables (issue 10: it said ready
while every request answered 503 "no such table")."""

import json
import sys

from tests.runtime.test_settings_startup import run

PROBE = (
    "import django, json; django.setup(); from django.test import Client; "
    "r = Client().get('/readyz'); print(json.dumps([r.status_code, r.json()]))"
)


def probe(data_dir) -> list:
    result = run([sys.executable, "-c", PROBE], TASKAPP_DATA_DIR=str(data_dir))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_is_not_ready_until_migrated(tmp_path):
    assert probe(tmp_path) == [503, {"status": "migrations_pending"}]
    migrate = run([sys.executable, "manage.py", "migrate", "-v0"], TASKAPP_DATA_DIR=str(tmp_path))
    assert migrate.returncode == 0, migrate.stderr
    assert probe(tmp_path) == [200, {"status": "ok"}]


def test_it_names_the_pending_migrations_in_one_warning(tmp_path):
    result = run([sys.executable, "-c", PROBE], TASKAPP_DATA_DIR=str(tmp_path))
    warnings = [line for line in result.stdout.splitlines() if "unapplied migrations" in line]
    assert len(warnings) == 1
    assert "run `manage.py migrate`" in warnings[0]
    assert "Traceback" not in result.stdout + result.stderr
