"""config/gunicorn.py: the settings gunicorn gets, and the two private APIs it
relies on (prometheus_client's metrics files, gunicorn's SIGTERM handler), checked
against the installed versions. A real gunicorn: test_gunicorn.py."""

import logging
import runpy
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.arbiter import Arbiter
from gunicorn.config import Config
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from config import gunicorn

CONFIG_FILE = Path(gunicorn.__file__).parent / "gunicorn_conf.py"


@pytest.fixture
def configure(monkeypatch, tmp_path):
    """configure() as the master runs it, with its environment changes undone."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    monkeypatch.setenv("TASKAPP_DRAIN_FILE", "")

    def run(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return gunicorn.configure()

    yield run
    logging.captureWarnings(False)


def test_it_reads_serving_settings_from_the_environment(configure):
    config = configure(
        PORT="18399",
        TASKAPP_WORKERS="3",
        TASKAPP_THREADS="4",
        TASKAPP_TIMEOUT="45",
        TASKAPP_GRACEFUL_TIMEOUT="25",
        TASKAPP_MAX_REQUESTS="500",
    )
    assert config["bind"] == ["0.0.0.0:18399"]
    assert (config["workers"], config["threads"]) == (3, 4)
    assert (config["timeout"], config["graceful_timeout"]) == (45, 25)
    assert (config["max_requests"], config["max_requests_jitter"]) == (500, 50)
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "config.wsgi:application"


def test_it_loads_the_app_once_in_the_master(configure):
    # Workers are forks of a master that has Django set up and warmed
    # (config/warmup.py): a recycled worker costs a fork, not a Django start.
    config = configure()
    assert config["preload_app"] is True
    assert (config["max_requests"], config["max_requests_jitter"]) == (5000, 500)


def test_it_takes_proxies_and_log_level_from_djangos_settings(configure, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.5"]
    settings.LOG_LEVEL = "WARNING"
    config = configure(TASKAPP_TRUSTED_PROXIES="ignored", TASKAPP_LOG_LEVEL="debug")
    assert config["forwarded_allow_ips"] == "10.0.0.0/8,192.168.1.5"
    assert config["loglevel"] == "warning"


def test_it_defaults_to_safe_values(monkeypatch):
    for name in ("PORT", "TASKAPP_WORKERS", "TASKAPP_THREADS", "TASKAPP_METRICS_PORT"):
        monkeypatch.delenv(name, raising=False)
    serving = gunicorn.serving_from_env()
    assert (serving.port, serving.metrics_port) == (8000, 9100)
    assert serving.workers == gunicorn.default_workers(gunicorn.available_cpus())
    assert (serving.drain_seconds, serving.max_requests) == (5, 5000)


def test_it_sizes_workers_from_the_cpus_with_a_cap():
    assert [gunicorn.default_workers(n) for n in (1, 2, 3, 4, 16)] == [3, 5, 7, 8, 8]


def test_it_refuses_a_bad_worker_count_with_one_line(configure, capsys):
    with pytest.raises(SystemExit) as stopped:
        configure(TASKAPP_WORKERS="many")
    assert stopped.value.code == 2
    assert capsys.readouterr().err == (
        "taskapp: configuration error: TASKAPP_WORKERS must be a whole number, got 'many'.\n"
    )


def test_it_makes_a_metrics_directory_and_names_the_drain_file(configure, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    config = configure()
    made = Path(gunicorn.os.environ["PROMETHEUS_MULTIPROC_DIR"])
    try:
        assert made.is_dir() and made.name.startswith("taskapp-metrics-")
        assert gunicorn.os.environ["TASKAPP_DRAIN_FILE"] == str(made / "draining")
    finally:
        config["on_exit"](None)  # ours: removed on exit
    assert not made.exists()


def test_the_config_file_gives_gunicorn_only_settings_it_knows(configure, monkeypatch):
    configure()  # the environment the fixture prepared
    names = {
        name: value
        for name, value in runpy.run_path(str(CONFIG_FILE)).items()
        if not name.startswith("__") and name != "configure"
    }
    assert names.keys() == gunicorn.configure().keys()
    known = Config()
    for name, value in names.items():
        known.set(name, value)  # an unknown name or a bad hook raises here
    assert known.worker_class_str == "gthread"


# --- prometheus_client's metrics files (private MmapedDict) -------------------------


def _worker_counts(directory: Path, amount: int) -> Path:
    """A worker process counting through prometheus_client's public multiprocess
    mode; returns the file it left behind."""
    script = (
        "import os; from prometheus_client import Counter; "
        f"Counter('jobs', 'Jobs', ['kind']).labels(kind='a').inc({amount}); "
        "print(os.getpid())"
    )
    env = {"PROMETHEUS_MULTIPROC_DIR": str(directory), "PATH": "/usr/bin:/bin"}
    pid = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    return directory / f"counter_{pid}.db"


def _collected(directory: Path) -> float:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    return registry.get_sample_value("jobs_total", {"kind": "a"})


def test_it_keeps_the_counts_of_dead_workers_in_one_archive(tmp_path):
    first = _worker_counts(tmp_path, 3)
    second = _worker_counts(tmp_path, 4)
    assert _collected(tmp_path) == 7

    for worker_file in (first, second):
        pid = int(worker_file.stem.split("_")[1])
        gunicorn.archive_worker_metrics(pid, tmp_path)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["counter_archive.db"]
    assert _collected(tmp_path) == 7


# --- gunicorn's SIGTERM handler (private Arbiter.handle_term) ------------------------


def test_gunicorn_still_dispatches_sigterm_to_handle_term():
    assert Arbiter.SIG_NAMES[signal.SIGTERM] == "term"
    with pytest.raises(StopIteration):
        Arbiter.handle_term(None)


class FakeArbiter:
    def __init__(self):
        self.stops = 0

    def handle_term(self):
        self.stops += 1
        raise StopIteration


def test_the_first_sigterm_starts_the_drain_and_the_second_stops():
    arbiter = FakeArbiter()
    answers = iter([True, False])
    gunicorn.take_over_sigterm(arbiter, lambda server: next(answers))

    arbiter.handle_term()  # draining: gunicorn keeps serving
    assert arbiter.stops == 0
    with pytest.raises(StopIteration):
        arbiter.handle_term()
    assert arbiter.stops == 1


class FakeLog:
    def info(self, *args):
        pass


def test_the_drain_fails_readiness_then_sends_sigterm_again(tmp_path, monkeypatch):
    timers = []

    class Timer:
        def __init__(self, seconds, function, args):
            timers.append((seconds, function, args))
            self.daemon = False

        def start(self):
            pass

    monkeypatch.setattr(gunicorn.threading, "Timer", Timer)
    drain = gunicorn.Drain(tmp_path / "draining", seconds=5)
    server = type("Server", (), {"log": FakeLog()})()

    assert drain.start(server) is True
    assert drain.file.exists()
    assert timers == [(5, gunicorn.os.kill, (gunicorn.os.getpid(), signal.SIGTERM))]
    assert drain.start(server) is False  # the second SIGTERM: stop now
    assert gunicorn.Drain(tmp_path / "off", seconds=0).start(server) is False
