"""config.env: typed readers that name the variable when its value is wrong."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

NAME = "TASKAPP_TEST_SETTING"


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


def test_it_reads_strings_with_a_default(monkeypatch):
    assert env.env_str(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "  value ")
    assert env.env_str(NAME, "fallback") == "value"
    monkeypatch.setenv(NAME, "")
    assert env.env_str(NAME, "fallback") == "fallback"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
    ],
)
def test_it_reads_booleans(monkeypatch, raw, value):
    monkeypatch.setenv(NAME, raw)
    assert env.env_bool(NAME, not value) is value


def test_it_defaults_booleans_and_names_a_bad_one(monkeypatch):
    assert env.env_bool(NAME, True) is True
    monkeypatch.setenv(NAME, "maybe")
    with pytest.raises(ImproperlyConfigured, match=f"^{NAME} must be true or false, got 'maybe'.$"):
        env.env_bool(NAME, False)


def test_it_reads_whole_numbers_within_bounds(monkeypatch):
    assert env.env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, " 12 ")
    assert env.env_int(NAME, 7, minimum=1, maximum=12) == 12


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ten", "must be a whole number, got 'ten'"),
        ("1.5", "must be a whole number, got '1.5'"),
        ("0", "must be at least 1, got 0"),
        ("99", "must be at most 10, got 99"),
    ],
)
def test_it_names_a_bad_number(monkeypatch, raw, message):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=f"^{NAME} {message}"):
        env.env_int(NAME, 5, minimum=1, maximum=10)


def test_it_reads_comma_separated_lists(monkeypatch):
    assert env.env_list(NAME, ["a"]) == ["a"]
    monkeypatch.setenv(NAME, " a.example, ,b.example ,")
    assert env.env_list(NAME, []) == ["a.example", "b.example"]
    monkeypatch.setenv(NAME, "")
    assert env.env_list(NAME, ["a"]) == []


def test_it_reads_a_choice_ignoring_case(monkeypatch):
    assert env.env_choice(NAME, "all", ("all", "api")) == "all"
    monkeypatch.setenv(NAME, "API")
    assert env.env_choice(NAME, "all", ("all", "api")) == "api"
    monkeypatch.setenv(NAME, "web")
    with pytest.raises(
        ImproperlyConfigured, match=re.escape(f"{NAME} must be one of all | api, got 'web'.")
    ):
        env.env_choice(NAME, "all", ("all", "api"))


def test_it_reads_a_secret_from_the_variable_or_a_file(monkeypatch, tmp_path):
    assert env.env_secret(NAME, "dflt") == "dflt"
    monkeypatch.setenv(NAME, "s3cret")
    assert env.env_secret(NAME) == "s3cret"
    monkeypatch.delenv(NAME)
    secret = tmp_path / "secret"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))
    assert env.env_secret(NAME) == "from-file"


def test_it_refuses_both_a_secret_and_its_file(monkeypatch, tmp_path):
    monkeypatch.setenv(NAME, "a")
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "x"))
    with pytest.raises(ImproperlyConfigured, match=f"Set either {NAME} or {NAME}_FILE, not both."):
        env.env_secret(NAME)


def test_it_names_an_unreadable_secret_file(monkeypatch, tmp_path):
    missing = tmp_path / "missing"
    monkeypatch.setenv(f"{NAME}_FILE", str(missing))
    with pytest.raises(
        ImproperlyConfigured, match=f"^{NAME}_FILE={missing} cannot be read: No such file"
    ):
        env.env_secret(NAME)
