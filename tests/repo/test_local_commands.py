"""The commands `make run` prints work as printed (issue 10: it printed
`.venv/bin/python manage.py createsuperuser`, which fails without
TASKAPP_SECRET_KEY)."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def printed_by_make_run() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r'@echo "(.*)"', recipe)


def make(*args, **env) -> subprocess.CompletedProcess:
    # Not the settings of a surrounding make (`make test` runs this): a fresh shell.
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TASKAPP_", "DJANGO_", "MONGODB_", "MAKE", "MFLAGS"))
    }
    environ.update(env)
    return subprocess.run(
        ["make", "-s", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def test_it_prints_no_bare_manage_py_commands():
    lines = printed_by_make_run()
    assert lines, "make run prints its hints with @echo"
    assert not [line for line in lines if "manage.py" in line]
    targets = {name for line in lines for name in re.findall(r"make (\w+)", line)}
    assert targets == {"superuser", "token"}


def test_the_printed_commands_work(tmp_path):
    data = {"TASKAPP_DATA_DIR": str(tmp_path)}
    created = make(
        "superuser",
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
        DJANGO_SUPERUSER_PASSWORD="a long admin passphrase 9",
        **data,
    )
    assert created.returncode == 0, created.stderr
    assert "Superuser created successfully." in created.stdout

    token = make("token", "USER=admin", "NAME=laptop", **data)
    assert token.returncode == 0, token.stderr
    assert re.fullmatch(r"tsk_\S+\n", token.stdout)
    assert "Store it now" in token.stderr


def test_token_says_how_to_call_it():
    result = make("token")
    assert result.returncode != 0
    assert "usage: make token USER=<username>" in result.stderr
