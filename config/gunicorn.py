"""gunicorn's settings and hooks for both images, made by configure() for the
short config file config/gunicorn_conf.py (``gunicorn -c config/gunicorn_conf.py``).

The variables only gunicorn reads (PORT, TASKAPP_WORKERS, ...) come from the
environment (docs/configuration.md, "Serving"); everything Django also uses
(trusted proxies, log level) is taken from Django's settings, read once here in
the master. Four behaviours:

- Metrics from every worker: PROMETHEUS_MULTIPROC_DIR is set (and emptied)
  before any worker starts, workers write their values there, a dead worker's
  gauges are dropped and its counts moved into archive files (so recycled
  workers leave no files behind), and the master serves the sum of all of them
  on TASKAPP_METRICS_HOST:TASKAPP_METRICS_PORT (a separate port, so the public
  ingress never sees it).
- Graceful shutdown: on SIGTERM the master first creates the drain file, so
  /readyz answers 503 while the workers keep serving for TASKAPP_DRAIN_SECONDS
  (load balancers stop sending traffic), each answer with ``Connection: close``
  (so clients leave their keep-alive connections before they are cut); then
  gunicorn's normal graceful stop lets in-flight requests finish within
  TASKAPP_GRACEFUL_TIMEOUT and exits 0.
- JSON request logs on stdout (config.logging.GunicornLogger).
- A bad environment stops the master with one line on stderr (exit status 2)
  before any worker starts, never with a traceback.

Two uses of private APIs remain, each in one small function, with the package's
version range pinned in pyproject.toml and a test of its own
(tests/runtime/test_gunicorn_config.py): merge_metrics_file() (prometheus_client's
MmapedDict) and take_over_sigterm() (gunicorn's Arbiter.handle_term).
"""

import contextlib
import ipaddress
import logging
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import configuration_error_line, env_int, env_str

# Where a dead worker's counts go (its own files are removed): the collector reads
# every *.db file and takes the metric type from the name before the first "_".
ARCHIVED_TYPES = ("counter", "histogram", "summary")

# In a container the servers must listen on the pod's (or container's) own address,
# not loopback: the kubelet, the Service and Prometheus reach them there. Which
# ports the world sees is the Service's and ingress's choice, not the process's.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104  # nosec B104


REQUEST_HEAD_LIMITS = {
    "limit_request_line": 8190,  # method, path and query string (default 4094)
    "limit_request_fields": 100,  # header lines
    "limit_request_field_size": 8190,  # one header line
}


@dataclass(frozen=True)
class Serving:
    """What only gunicorn reads from the environment."""

    port: int
    workers: int
    threads: int
    timeout: int  # a request running longer is killed with its worker
    graceful_timeout: int  # after SIGTERM (and the drain), for in-flight requests
    drain_seconds: int
    max_requests: int
    metrics_port: int  # 0: no metrics server
    metrics_host: str = ALL_INTERFACES  # Prometheus scrapes the pod's address


def available_cpus() -> int:
    """CPUs this container may use: its cgroup (v2) quota, else the CPU affinity."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return len(os.sched_getaffinity(0))


def default_workers(cpus: int) -> int:
    # gunicorn's rule of thumb, capped: past ~8 processes one pod holds too much
    # memory; scale out with more replicas instead.
    return min(2 * cpus + 1, 8)


def serving_from_env() -> Serving:
    return Serving(
        port=env_int("PORT", 8000, minimum=1, maximum=65535),
        workers=env_int("TASKAPP_WORKERS", default_workers(available_cpus()), minimum=1),
        threads=env_int("TASKAPP_THREADS", 2, minimum=1),
        timeout=env_int("TASKAPP_TIMEOUT", 30, minimum=1),
        graceful_timeout=env_int("TASKAPP_GRACEFUL_TIMEOUT", 20, minimum=0),
        drain_seconds=env_int("TASKAPP_DRAIN_SECONDS", 5, minimum=0),
        max_requests=env_int("TASKAPP_MAX_REQUESTS", 5000, minimum=0),
        metrics_port=env_int("TASKAPP_METRICS_PORT", 9100, minimum=0, maximum=65535),
        metrics_host=env_ip("TASKAPP_METRICS_HOST", ALL_INTERFACES),
    )


def env_ip(name: str, default: str) -> str:
    """An IP address to listen on (``0.0.0.0``: every interface)."""
    value = env_str(name, default)
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be an IP address such as 127.0.0.1 or 0.0.0.0, got {value!r}."
        ) from None
    return value


@contextlib.contextmanager
def exit_on_bad_configuration():
    """A bad environment stops the start with one line naming the variable.

    gunicorn prints any exception from its config file under "Failed to read
    config file" with a traceback; SystemExit passes through it untouched.
    """
    try:
        yield
    except ImproperlyConfigured as exc:
        print(configuration_error_line(exc), file=sys.stderr, flush=True)
        sys.exit(2)


def django_settings():
    """Django's settings, loaded now: a bad environment (a missing secret key, say)
    stops the master here with one line instead of in every worker gunicorn boots."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads them all)
    return settings


def metrics_directory() -> tuple[Path, bool]:
    """The directory every worker writes its metrics to, and whether it is ours
    (made here, removed on exit). Set before any worker imports prometheus_client,
    which reads PROMETHEUS_MULTIPROC_DIR at import time."""
    owned = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if owned:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="taskapp-metrics-")
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    # The master imports the app (preload_app), and with it the metrics, before
    # on_starting runs: their files need the directory now.
    directory.mkdir(parents=True, exist_ok=True)
    return directory, owned


def configure() -> dict:
    """gunicorn's settings and server hooks, by the names gunicorn reads."""
    with exit_on_bad_configuration():
        serving = serving_from_env()
    metrics_dir, owns_metrics_dir = metrics_directory()
    with exit_on_bad_configuration():
        settings = django_settings()
    # Kept beside the metrics, outside their *.db pattern; read by config.probes.
    drain_file = metrics_dir / "draining"
    os.environ["TASKAPP_DRAIN_FILE"] = str(drain_file)
    # Python warnings become log records too, so stdout/stderr stay one JSON object a line.
    logging.captureWarnings(True)
    drain = Drain(drain_file, serving.drain_seconds)
    hooks = Hooks(metrics_dir, owns_metrics_dir, serving.metrics_port, drain, serving.metrics_host)
    return {
        "bind": [f"0.0.0.0:{serving.port}"],
        "workers": serving.workers,
        "threads": serving.threads,
        "worker_class": "gthread",
        "timeout": serving.timeout,
        "graceful_timeout": serving.graceful_timeout,
        "keepalive": 5,
        # Django is imported and set up once, in the master, before the workers
        # are forked: a worker (re)start is a fork, not a Django start-up (~0.7 s
        # of CPU), and the workers share the master's pages (docs/performance.md).
        # Code changes need a restart, not a SIGHUP.
        "preload_app": True,
        # Request head limits, set here rather than left to defaults. gunicorn
        # refuses a request past them itself (400, 414 or 431) with a short
        # text/html body before Taskapp sees it: it has no hook to render our
        # JSON error shape (docs/api.md, "Limits").
        **REQUEST_HEAD_LIMITS,
        # Recycle workers now and then (bounds slow leaks); the jitter keeps them
        # from all restarting at once.
        "max_requests": serving.max_requests,
        "max_requests_jitter": serving.max_requests // 10,
        # Only these peers may set X-Forwarded-Proto (and, in config.middleware,
        # X-Forwarded-For): anyone else could claim https or another address.
        "forwarded_allow_ips": ",".join(settings.TRUSTED_PROXIES),
        "wsgi_app": "config.wsgi:application",
        # gunicorn's runtime control socket would live in $HOME (read-only in the
        # image); nothing uses it.
        "control_socket_disable": True,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": settings.LOG_LEVEL.lower(),
        "logger_class": "config.logging.GunicornLogger",
        "on_starting": hooks.on_starting,
        "when_ready": hooks.when_ready,
        "post_fork": hooks.post_fork,
        "pre_request": hooks.pre_request,
        "child_exit": hooks.child_exit,
        "on_exit": hooks.on_exit,
    }


class Hooks:
    """gunicorn's server hooks, around the metrics directory and the drain file."""

    def __init__(
        self,
        metrics_dir: Path,
        owns_metrics_dir: bool,
        metrics_port: int,
        drain,
        metrics_host: str = ALL_INTERFACES,
    ):
        self.metrics_dir = metrics_dir
        self.owns_metrics_dir = owns_metrics_dir
        self.metrics_port = metrics_port
        self.metrics_host = metrics_host
        self.drain = drain
        # The metrics server (a thread of the master) must not read the files while
        # child_exit moves a dead worker's values: it would count them twice.
        self.metrics_lock = threading.Lock()

    def on_starting(self, server):
        """Start from empty metrics: files of a previous run would be added in."""
        shutil.rmtree(self.metrics_dir, ignore_errors=True)
        self.metrics_dir.mkdir(parents=True, exist_ok=True)

    def when_ready(self, server):
        if self.metrics_port:
            start_metrics_server(self.metrics_port, self.metrics_lock, self.metrics_host)
            server.log.info("metrics on %s:%s/metrics", self.metrics_host, self.metrics_port)
        take_over_sigterm(server, self.drain.start)

    def post_fork(self, server, worker):
        """Open this worker's metrics files now: prometheus_client moves every
        value to the new process's files at its first use, and probes (the only
        requests an idle pod gets) do not touch the metrics (config.probes). So
        /metrics lists every series, at 0, before a worker's first request."""
        from config.metrics import database_busy

        database_busy.inc(0)

    def pre_request(self, worker, req):
        """While draining, answer every request with ``Connection: close``: clients
        then open their next connection elsewhere, so no idle keep-alive
        connection is left to be cut when the workers stop (a client sending on
        one at that moment would get a reset)."""
        if self.drain.file.exists():
            req.force_close()

    def child_exit(self, server, worker):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, str(self.metrics_dir))
        with self.metrics_lock:
            archive_worker_metrics(worker.pid, self.metrics_dir)

    def on_exit(self, server):
        self.drain.file.unlink(missing_ok=True)
        if self.owns_metrics_dir:
            shutil.rmtree(self.metrics_dir, ignore_errors=True)


def start_metrics_server(port: int, lock: threading.Lock, host: str = ALL_INTERFACES) -> None:
    """Serve the sum of every worker's metrics on ``port`` (a thread of the master)."""
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    class LockedCollector(MultiProcessCollector):
        def collect(self):
            with lock:
                return list(super().collect())

    registry = CollectorRegistry()
    LockedCollector(registry)
    start_http_server(port, addr=host, registry=registry)


def archive_worker_metrics(pid: int, directory: Path) -> None:
    """Add a dead worker's counters and histograms to ``<type>_archive.db``, then
    delete its files: recycled workers would otherwise leave a file each, read
    on every scrape, until /tmp is full.
    """
    for kind in ARCHIVED_TYPES:
        worker_file = directory / f"{kind}_{pid}.db"
        if worker_file.exists():
            merge_metrics_file(worker_file, directory / f"{kind}_archive.db")
            worker_file.unlink()


def merge_metrics_file(source: Path, archive: Path) -> None:
    """Add every value of one multiprocess metrics file to another (made if missing).

    prometheus_client has no public API for this: MmapedDict is its private file
    format (prometheus-client pinned to one minor version in pyproject.toml;
    tests/runtime/test_gunicorn_config.py checks it on every upgrade).
    """
    from prometheus_client.mmap_dict import MmapedDict

    target = MmapedDict(str(archive))
    try:
        for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(str(source)):
            archived, _ = target.read_value(key)
            target.write_value(key, archived + value, timestamp)
    finally:
        target.close()


class Drain:
    """Fail readiness (the drain file) for ``seconds``, then send SIGTERM again."""

    def __init__(self, file: Path, seconds: int):
        self.file = file
        self.seconds = seconds

    def start(self, server) -> bool:
        """Begin draining; False when that is over or off (the stop proceeds)."""
        if self.file.exists() or not self.seconds:
            return False
        self.file.touch()
        server.log.info("SIGTERM: readiness fails now; stopping in %ss", self.seconds)
        timer = threading.Timer(self.seconds, os.kill, (os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()
        return True


def take_over_sigterm(arbiter, first_sigterm) -> None:
    """Let ``first_sigterm(arbiter)`` take a SIGTERM; when it returns False (a
    second SIGTERM), gunicorn's own graceful stop runs. SIGINT/SIGQUIT stop at once.

    gunicorn has no hook for the master's signals: its arbiter dispatches each one
    to a ``handle_<name>`` method, so this replaces ``handle_term`` on the
    instance (gunicorn pinned to one major version in pyproject.toml; tested by
    tests/runtime/test_gunicorn_config.py and, for real, tests/runtime/test_gunicorn.py).
    """
    stop = arbiter.handle_term

    def handle_term():
        if not first_sigterm(arbiter):
            stop()  # raises StopIteration: gunicorn's graceful stop

    arbiter.handle_term = handle_term
