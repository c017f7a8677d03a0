"""Settings from issue 10: HSTS where cookies are HTTPS-only, one line for an
unwritable data directory."""

import sys

import pytest

from tests.runtime.test_settings_startup import ENTRY_POINTS, run


def setting(name: str, **overrides):
    result = run(
        [sys.executable, "-c", f"import config.settings as s; print(s.{name})"], **overrides
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_is_on_by_default_with_secure_cookies(tmp_path):
    assert setting("SECURE_HSTS_SECONDS", TASKAPP_DATA_DIR=str(tmp_path)) == "31536000"


def test_hsts_is_off_for_plain_http_runs(tmp_path):
    off = {"TASKAPP_DATA_DIR": str(tmp_path), "TASKAPP_SECURE_COOKIES": "false"}
    assert setting("SECURE_HSTS_SECONDS", **off) == "0"
    debug = {"TASKAPP_DATA_DIR": str(tmp_path), "TASKAPP_DEBUG": "true"}
    assert setting("SECURE_HSTS_SECONDS", **debug) == "0"


def test_hsts_is_configurable(tmp_path):
    chosen = {"TASKAPP_DATA_DIR": str(tmp_path), "TASKAPP_HSTS_SECONDS": "300"}
    assert setting("SECURE_HSTS_SECONDS", **chosen) == "300"
    subdomains = {"TASKAPP_DATA_DIR": str(tmp_path), "TASKAPP_HSTS_INCLUDE_SUBDOMAINS": "true"}
    assert setting("SECURE_HSTS_INCLUDE_SUBDOMAINS", **subdomains) == "True"


def test_https_answers_carry_hsts(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    secure = client.get("/accounts/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
@pytest.mark.parametrize("kind", ["under-a-file", "read-only"])
def test_an_unwritable_data_dir_is_one_line(tmp_path, entry_point, kind):
    if kind == "under-a-file":
        (tmp_path / "file").write_text("")
        data_dir = tmp_path / "file" / "data"
    else:
        data_dir = "/sys"  # read-only even for root
    result = run(ENTRY_POINTS[entry_point], TASKAPP_DATA_DIR=str(data_dir))
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"taskapp: configuration error: TASKAPP_DATA_DIR={data_dir} is not a writable directory ("
    )
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
