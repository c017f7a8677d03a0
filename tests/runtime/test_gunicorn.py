"""gunicorn as the images run it (config/gunicorn_conf.py), started for real:
metrics summed over workers, the SIGTERM drain, JSON access logs without secrets,
one line for a bad environment. The settings themselves: test_gunicorn_config.py."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "gunicorn_conf.py"
PORTS = range(18310, 18350)  # this area's share of the runtime port range


# --- A real gunicorn --------------------------------------------------------------


def _free_port(exclude=()) -> int:
    for port in PORTS:
        if port in exclude:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18310-18349")


def _get(url, headers=None, timeout=10):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class Server:
    def __init__(self, tmp_path, database: Path, **env):
        self.port = _free_port()
        self.metrics_port = _free_port(exclude={self.port})
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "gunicorn.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TASKAPP_", "MONGODB_", "PROMETHEUS_", "DJANGO_"))
        }
        self.env.update(
            PORT=str(self.port),
            TASKAPP_METRICS_PORT=str(self.metrics_port),
            TASKAPP_WORKERS="2",
            TASKAPP_THREADS="2",
            TASKAPP_DRAIN_SECONDS="2",
            TASKAPP_GRACEFUL_TIMEOUT="10",
            TASKAPP_SECRET_KEY="gunicorn-test-secret",
            TASKAPP_ALLOWED_HOSTS="127.0.0.1",
            TASKAPP_ROLE="api",
            TASKAPP_DATA_DIR=str(tmp_path / "data"),
            PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        )
        self.env.update(env)
        (tmp_path / "data").mkdir()
        shutil.copy(database, tmp_path / "data" / "taskapp.sqlite3")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(CONFIG),
                    "tests.runtime.wsgi_probe:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if _get(f"{self.url}/healthz", timeout=1)[0] == 200:
                    _get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=1)
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not come up:\n" + self.log.read_text())

    def metrics(self) -> str:
        return _get(f"http://127.0.0.1:{self.metrics_port}/metrics")[2].decode()

    def log_records(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied for each server (migrating takes seconds)."""
    data_dir = tmp_path_factory.mktemp("data")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKAPP_", "MONGODB_"))}
    env.update(TASKAPP_DEBUG="true", TASKAPP_DATA_DIR=str(data_dir))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return data_dir / "taskapp.sqlite3"


@pytest.fixture
def server(tmp_path, migrated_database):
    running = Server(tmp_path, migrated_database)
    yield running
    running.stop()


def _sample(metrics_text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in metrics_text.splitlines():
        if not labels and line.startswith(name + " "):
            return float(line.split()[1])
        if line.startswith(name + "{"):
            metric, value = line.rsplit(" ", 1)
            found = ",".join(sorted(metric[len(name) + 1 : -1].split(",")))
            if found == wanted:
                return float(value)
    return 0.0


# A request both counted and logged: probes answered 200 are neither
# (config.probes.ProbeMiddleware, config.logging.QUIET_PATHS).
COUNTED = "/api/v1/tasks"  # 401 without a token, no database work


def _requests_served(server) -> float:
    # django-prometheus' first middleware counts every request but the probes.
    return _sample(server.metrics(), "django_http_requests_before_middlewares_total")


def _settled_counts(server) -> tuple[float, int]:
    """Requests counted by the metrics and requests in the access log, once they
    agree (a probe that timed out while gunicorn started may still be served)."""
    deadline = time.monotonic() + 10
    while True:
        logged = sum(1 for r in server.log_records() if r["logger"] == "gunicorn.access")
        counted = _requests_served(server)
        if counted == logged or time.monotonic() > deadline:
            return counted, logged
        time.sleep(0.2)


def test_it_sums_metrics_over_all_workers(server):
    pids: dict[str, int] = {}
    for _ in range(400):
        _, headers, _ = _get(f"{server.url}{COUNTED}")
        pid = headers["X-Worker-Pid"]
        pids[pid] = pids.get(pid, 0) + 1
        if len(pids) >= 2 and sum(pids.values()) >= 20:
            break
    assert len(pids) == 2, f"requests reached only workers {pids}"

    counted, logged = _settled_counts(server)
    assert counted == logged >= sum(pids.values())
    assert "taskapp_tasks_created_total" in server.metrics()
    assert _get(f"{server.url}/metrics")[0] == 404  # not on the public port


def test_it_keeps_the_metrics_files_of_recycled_workers_bounded(tmp_path, migrated_database):
    server = Server(tmp_path, migrated_database, TASKAPP_MAX_REQUESTS="5")
    try:
        sent = 60  # each worker is recycled after 5: about a dozen new workers
        for _ in range(sent):
            assert _get(f"{server.url}{COUNTED}")[0] == 401

        # Every request served (the access log) is still in the scraped total,
        # also those of the recycled workers, archived when the master reaped them.
        counted, logged = _settled_counts(server)
        assert counted == logged >= sent
        files = sorted(path.name for path in (tmp_path / "metrics").glob("*.db"))
        # The two archives plus the files of the two live workers, not one per worker.
        assert len(files) <= 8, files
        assert {"counter_archive.db", "histogram_archive.db"} <= set(files)
    finally:
        server.stop()


def test_it_drains_on_sigterm_then_exits_0(server):
    slow = {}

    def slow_request():
        slow["result"] = _get(f"{server.url}/__slow?seconds=3", timeout=20)

    in_flight = threading.Thread(target=slow_request)
    in_flight.start()
    time.sleep(0.5)
    assert _get(f"{server.url}/readyz")[0] == 200

    server.process.send_signal(signal.SIGTERM)
    statuses = []
    deadline = time.monotonic() + 1.5  # inside the 2 s drain
    while time.monotonic() < deadline:
        statuses.append(_get(f"{server.url}/readyz", timeout=2)[0])
        time.sleep(0.1)
    assert statuses and statuses[-1] == 503, statuses
    assert _get(f"{server.url}/healthz")[0] == 200  # still serving during the drain

    in_flight.join(20)
    assert slow["result"][0] == 200 and slow["result"][2] == b"slow done"
    assert server.process.wait(20) == 0


def test_it_logs_probes_only_when_they_fail(server):
    for path in ("/healthz", "/readyz", COUNTED):
        _get(f"{server.url}{path}")
    server.process.send_signal(signal.SIGTERM)  # the drain: /readyz answers 503
    deadline = time.monotonic() + 1.5
    while _get(f"{server.url}/readyz", timeout=2)[0] != 503 and time.monotonic() < deadline:
        time.sleep(0.1)
    server.process.wait(20)

    logged = [
        (r["path"], r["status"]) for r in server.log_records() if r["logger"] == "gunicorn.access"
    ]
    assert (COUNTED, 401) in logged and ("/readyz", 503) in logged
    assert not [line for line in logged if line[0] in ("/healthz", "/readyz") and line[1] == 200]


def test_it_logs_requests_as_json_without_secrets(server):
    _get(
        f"{server.url}/api/v1/tasks?q=x",
        headers={
            "Authorization": "Bearer tok-secret-in-header",
            "Cookie": "sessionid=cookie-secret",
            "X-Request-ID": "probe-1",
            "X-Forwarded-For": "203.0.113.9",
        },
    )
    server.process.send_signal(signal.SIGINT)
    server.process.wait(20)

    text = server.log.read_text()
    assert "tok-secret-in-header" not in text and "cookie-secret" not in text
    access = [r for r in server.log_records() if r["logger"] == "gunicorn.access"]
    line = next(r for r in access if r.get("request_id") == "probe-1")
    assert line["method"] == "GET" and line["path"] == "/api/v1/tasks"
    assert line["status"] == 401 and line["duration_ms"] >= 0
    # 127.0.0.1 is a trusted proxy by default, so the forwarded client is believed.
    assert line["remote_addr"] == "203.0.113.9"


# --- Bad configuration: one line, no traceback ------------------------------------


def _start_misconfigured(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TASKAPP_", "MONGODB_", "PROMETHEUS_", "DJANGO_"))
    }
    clean.update(
        PORT=str(_free_port()),
        TASKAPP_METRICS_PORT="0",
        TASKAPP_SECRET_KEY="gunicorn-test-secret",
        TASKAPP_ALLOWED_HOSTS="127.0.0.1",
        TASKAPP_DATA_DIR=str(tmp_path / "data"),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    clean.update(env)
    clean = {key: value for key, value in clean.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_it_stops_on_a_bad_gunicorn_setting_with_one_line(tmp_path):
    result = _start_misconfigured(tmp_path, TASKAPP_WORKERS="abc")

    assert result.returncode == 2
    assert result.stderr == (
        "taskapp: configuration error: TASKAPP_WORKERS must be a whole number, got 'abc'.\n"
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_it_stops_on_a_bad_django_setting_before_booting_workers(tmp_path):
    result = _start_misconfigured(tmp_path, TASKAPP_SECRET_KEY=None)

    assert result.returncode == 2
    assert result.stderr.startswith("taskapp: configuration error: TASKAPP_SECRET_KEY")
    assert result.stderr.count("\n") == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "Exception in worker process" not in output
