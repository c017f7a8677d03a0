"""Keep-alive clients across a SIGTERM, with no load balancer in front:
``python -m bench.drain [--without-close]`` (docs/operations.md, "Shutdown").

Starts gunicorn as the images do (config/gunicorn_conf.py, api role, a throw-away
migrated SQLite in a temporary folder, 127.0.0.1 on a port in 18450-18499, 2
workers x 2 threads, a 3 s drain), lets DRAIN_CLIENTS threads each send GET
/healthz over one kept-alive connection every 20 ms, sends SIGTERM after 1 s and
counts, per request, until the master has exited:

- ok: answered;
- reset: the server cut a kept-alive connection under a request sent on it (a
  reset, or the connection closed without an answer): what a client sees as an
  error, and what closing idle keep-alives first is meant to prevent;
- reset_new: a new connection the kernel had accepted, dropped when the server
  closed its listening socket (still in its backlog);
- refused: a new connection refused once the server stopped listening.

The last two are what any shutdown without a load balancer in front costs: nothing
moves the client elsewhere.

``--without-close`` runs the same with the drain's ``Connection: close``
(config.gunicorn.Hooks.pre_request) turned off, for comparison. Prints one JSON line.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORTS = range(18450, 18500)
CLIENTS = int(os.environ.get("DRAIN_CLIENTS", "32"))
INTERVAL = float(os.environ.get("DRAIN_INTERVAL", "0.02"))  # seconds between requests
WITHOUT_CLOSE_CONFIG = """
from config.gunicorn import configure
globals().update(configure())
del pre_request  # bench.drain --without-close
"""


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))  # noqa: S104  # nosec B104
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18450-18499")


def client(port: int, stop: threading.Event, counts: dict, lock: threading.Lock) -> None:
    connection = None
    while not stop.is_set():
        fresh = connection is None
        try:
            if fresh:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            outcome = "ok"
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except ConnectionRefusedError:
            outcome, connection = "refused", None
        except (OSError, http.client.HTTPException) as exc:
            if os.environ.get("DRAIN_DEBUG"):
                print(repr(exc), file=sys.stderr)
            outcome, connection = ("reset_new" if fresh else "reset"), None
        with lock:
            counts[outcome] = counts.get(outcome, 0) + 1
        time.sleep(INTERVAL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--without-close", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taskapp-drain-") as tmp:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TASKAPP_", "MONGODB_", "PROMETHEUS_"))
        }
        env.update(
            TASKAPP_SECRET_KEY=secrets.token_urlsafe(32),
            TASKAPP_ALLOWED_HOSTS="127.0.0.1",
            TASKAPP_ROLE="api",
            TASKAPP_DATA_DIR=str(Path(tmp) / "data"),
            TASKAPP_WORKERS="2",
            TASKAPP_THREADS="2",
            TASKAPP_DRAIN_SECONDS="3",
            TASKAPP_METRICS_PORT="0",
            TASKAPP_LOG_LEVEL="warning",
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        config = ROOT / "config" / "gunicorn_conf.py"
        if args.without_close:
            config = Path(tmp) / "gunicorn_without_close.py"
            config.write_text(WITHOUT_CLOSE_CONFIG)
        port = free_port()
        env["PORT"] = str(port)
        server = subprocess.Popen(  # noqa: S603  # nosec B603
            [sys.executable, "-m", "gunicorn", "-c", str(config), "config.wsgi:application"],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=None if os.environ.get("DRAIN_DEBUG") else subprocess.DEVNULL,
            stderr=None if os.environ.get("DRAIN_DEBUG") else subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:  # every worker booted: /healthz answers on two connections
                    for _ in range(2):
                        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                        probe.request("GET", "/healthz")
                        assert probe.getresponse().status == 200
                        probe.close()
                    break
                except (OSError, http.client.HTTPException, AssertionError):
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.2)
            stop, lock, counts = threading.Event(), threading.Lock(), {}
            threads = [
                threading.Thread(target=client, args=(port, stop, counts, lock))
                for _ in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            time.sleep(1)
            server.send_signal(signal.SIGTERM)
            exit_code = server.wait(60)
            time.sleep(0.5)
            stop.set()
            for thread in threads:
                thread.join(15)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait(10)
    sent = sum(counts.values())
    print(
        json.dumps(
            {
                "connection_close_during_drain": not args.without_close,
                "clients": CLIENTS,
                "exit_code": exit_code,
                "requests": sent,
                **{key: counts.get(key, 0) for key in ("ok", "reset", "reset_new", "refused")},
                "reset_percent_of_clients": round(100 * counts.get("reset", 0) / CLIENTS, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
