"""`manage.py wait_for_database --timeout S [--migrations]`, as the chart's init
containers call it: 0 once the database answers (and is migrated), 1 with one line
on stderr after the timeout."""

import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.migrations.executor import MigrationExecutor

from config.management.commands import wait_for_database

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    """monotonic() and sleep() of the command, without waiting for real."""

    def __init__(self, monkeypatch):
        self.now = 0.0
        self.sleeps = []
        monkeypatch.setattr(wait_for_database, "monotonic", lambda: self.now)
        monkeypatch.setattr(wait_for_database, "sleep", self.sleep)

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return FakeClock(monkeypatch)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("wait_for_database", *args, stdout=out)
    return out.getvalue()


def test_it_answers_at_once_when_the_database_is_up(clock):
    output = _run("--timeout", "30")
    assert clock.sleeps == []
    assert "ready" in output


def test_it_answers_at_once_when_all_migrations_are_applied(clock):
    assert "ready" in _run("--timeout", "30", "--migrations")
    assert clock.sleeps == []


def test_it_polls_every_2_seconds_then_gives_up_with_one_line(clock, database_down):
    with pytest.raises(CommandError) as failure:
        _run("--timeout", "9")

    assert clock.sleeps == [2.0, 2.0, 2.0, 2.0, 1.0]
    message = str(failure.value)
    assert message.startswith("database not ready after 9 s: ")
    assert "\n" not in message and len(message) < 300
    assert any(name in message for name in ("OperationalError", "ServerSelectionTimeout"))


def test_it_prints_progress_now_and_then(clock, database_down):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("wait_for_database", "--timeout", "25", stdout=out)
    progress = out.getvalue().splitlines()
    assert [line.split(" (")[1].split(")")[0] for line in progress] == ["0 s", "10 s", "20 s"]


def test_it_returns_once_the_database_comes_back(clock, database_down, monkeypatch):
    def sleep_then_recover(seconds):
        clock.sleep(seconds)
        if clock.now >= 4:
            database_down.end()

    monkeypatch.setattr(wait_for_database, "sleep", sleep_then_recover)
    assert "ready" in _run("--timeout", "60")
    assert clock.now == 4


def test_it_waits_while_a_migration_is_unapplied(clock, monkeypatch):
    real_plan = MigrationExecutor.migration_plan

    def plan_with_one_pending(self, targets, clean_start=False):
        graph = self.loader.graph
        pending = graph.nodes[("tasks", graph.leaf_nodes("tasks")[0][1])]
        return [*real_plan(self, targets, clean_start), (pending, False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan_with_one_pending)
    assert "ready" in _run("--timeout", "5")  # without --migrations: not its business

    with pytest.raises(CommandError, match=r"1 unapplied migrations \(tasks\.\d{4}_"):
        _run("--timeout", "5", "--migrations")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


def test_it_exits_1_with_one_line_on_stderr_against_a_real_unreachable_mongodb():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKAPP_", "MONGODB_"))}
    env.update(
        TASKAPP_SECRET_KEY="wait-test",
        TASKAPP_ALLOWED_HOSTS="localhost",
        MONGODB_URI=f"mongodb://127.0.0.1:{_closed_port()}/taskapp",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "wait_for_database", "--timeout", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("CommandError: database not ready after 1 s: ")
    assert "Traceback" not in result.stderr
