"""Typed readers for configuration from the environment.

Every reader fails at start-up with ImproperlyConfigured naming the variable, so a
typo in a deployment shows up as one clear line instead of odd behaviour later.
Secrets can also be read from a file named by ``NAME_FILE`` (Kubernetes and Docker
secrets are mounted as files).
"""

import os
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return value.strip() if value is not None else None


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    value = _raw(name)
    file_name = _raw(f"{name}_FILE")
    if value and file_name:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE={file_name} cannot be read: {exc.strerror}"
            ) from None
    return value or default


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}.")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_time_zone(name: str, default: str) -> str:
    """An IANA time zone name such as Europe/Berlin."""
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Berlin, got {value!r}."
        ) from None
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        allowed = " | ".join(choices)
        raise ImproperlyConfigured(f"{name} must be one of {allowed}, got {value!r}.")
    return value


def env_writable_dir(name: str, default: str) -> Path:
    """A directory the process can create files in (made if missing): SQLite writes
    its database, journal and shared-memory files there."""
    path = Path(env_str(name, default))
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ImproperlyConfigured(
            f"{name}={path} is not a writable directory ({reason})."
        ) from None
    return path


def configuration_error_line(exc: ImproperlyConfigured) -> str:
    """The one line every entry point (manage.py, WSGI, gunicorn) prints for a bad
    environment."""
    return f"taskapp: configuration error: {exc}"


def load_settings() -> None:
    """Load the settings now (manage.py, the WSGI entry point), so that a bad
    environment stops the start with the one line naming the variable.

    Left alone, Django prints the ImproperlyConfigured under a long traceback, and
    gunicorn would do so in every worker it keeps restarting.
    """
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads them all)
    except ImproperlyConfigured as exc:
        raise _startup_error(configuration_error_line(exc)) from None


def _startup_error(message: str) -> BaseException:
    # In a gunicorn worker, AppImportError is printed as this one line and makes
    # the master stop ("App failed to load") instead of booting workers forever.
    if "gunicorn.arbiter" in sys.modules:
        from gunicorn.errors import AppImportError

        return AppImportError(message)
    return SystemExit(message)
