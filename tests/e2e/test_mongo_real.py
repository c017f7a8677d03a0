"""The suite on a real MongoDB (`make test-mongo-real`): MONGODB_URI set without
TASKAPP_TEST_DB=mongo selects it; a server that does not answer, or a URI that is
not one, stops the run with one line naming the host, never the password."""

import os
import socket
import subprocess
import sys

from tests.e2e.conftest import ROOT


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


def _pytest(uri, *args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TASKAPP_", "MONGODB_"))}
    environ.update(MONGODB_URI=uri, TASKAPP_TEST_MONGODB_WAIT_MS="300", **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unreachable_server_stops_the_run_in_one_line_without_the_password():
    port = _closed_port()
    result = _pytest(f"mongodb://taskapp:s3cret@127.0.0.1:{port}/taskapp", "tests/repo")

    assert result.returncode == 4
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert errors == [
        f"ERROR: the MongoDB server at 127.0.0.1:{port} (MONGODB_URI) does not answer: "
        "ServerSelectionTimeoutError"
    ]
    assert "s3cret" not in result.stdout + result.stderr


def test_a_uri_that_is_not_one_stops_the_run_in_one_line():
    result = _pytest("mongodb://[::1/taskapp", "tests/repo")

    assert result.returncode == 4
    assert result.stderr.startswith("ERROR: MONGODB_URI is not a valid MongoDB URI: ")
    assert "Traceback" not in result.stderr


def test_the_stand_in_wins_over_a_uri_from_outside():
    port = _closed_port()
    result = _pytest(
        f"mongodb://127.0.0.1:{port}/taskapp", "tests/repo", "--co", TASKAPP_TEST_DB="mongo"
    )

    assert result.returncode == 0, result.stderr
    assert "mongomock-ng stand-in" in result.stdout
