"""gunicorn items of issue 10, with a real gunicorn: keep-alive connections are
closed during the drain (not cut at its end), and the metrics server listens on
the configured address only."""

import http.client
import signal
import socket
import time

import pytest

from config import gunicorn
from tests.runtime.test_gunicorn import Server, _get, migrated_database  # noqa: F401


def test_it_asks_clients_to_close_their_connections_while_draining(tmp_path, migrated_database):  # noqa: F811
    server = Server(tmp_path, migrated_database)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/healthz")
        before = connection.getresponse()
        before.read()
        assert before.getheader("Connection") != "close"  # kept alive before the drain

        server.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 1.5  # inside the 2 s drain
        while _get(f"{server.url}/readyz", timeout=2)[0] != 503:
            assert time.monotonic() < deadline, "the drain did not start"
            time.sleep(0.05)

        connection.request("GET", "/healthz")  # the same kept-alive connection
        during = connection.getresponse()
        assert during.status == 200
        assert during.getheader("Connection") == "close"
        during.read()
        connection.close()
        assert server.process.wait(20) == 0
    finally:
        server.stop()


class LoopbackMetricsServer(Server):
    """Metrics on 127.0.0.2 only: waits for them there."""

    def __init__(self, tmp_path, database):
        super().__init__(tmp_path, database, TASKAPP_METRICS_HOST="127.0.0.2")

    def _wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                _get(f"{self.url}/healthz", timeout=1)
                _get(f"http://127.0.0.2:{self.metrics_port}/metrics", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("gunicorn did not come up:\n" + self.log.read_text())


def test_the_metrics_server_listens_on_the_configured_address(tmp_path, migrated_database):  # noqa: F811
    server = LoopbackMetricsServer(tmp_path, migrated_database)
    try:
        status, _, body = _get(f"http://127.0.0.2:{server.metrics_port}/metrics")
        assert status == 200 and b"taskapp_" in body
        # Not on 127.0.0.1: 0.0.0.0 would answer on both.
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection(("127.0.0.1", server.metrics_port), timeout=2),
        ):
            pass
    finally:
        server.stop()


def test_it_refuses_a_metrics_host_that_is_not_an_address(monkeypatch):
    monkeypatch.setenv("TASKAPP_METRICS_HOST", "everywhere")
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="TASKAPP_METRICS_HOST must be an IP address"):
        gunicorn.serving_from_env()


def test_the_metrics_host_defaults_to_every_interface(monkeypatch):
    monkeypatch.delenv("TASKAPP_METRICS_HOST", raising=False)
    assert gunicorn.serving_from_env().metrics_host == "0.0.0.0"  # noqa: S104
