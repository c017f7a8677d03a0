"""gunicorn settings for both images: ``gunicorn -c taskapp/gunicorn.conf.py``.

Everything that differs between deployments comes from the environment
(docs/configuration.md, "Serving"). Three behaviours live here:

- Metrics from every worker: PROMETHEUS_MULTIPROC_DIR is set (and emptied)
  before any worker starts, workers write their values there, a dead worker's
  gauges are dropped and its counts moved into archive files (so recycled
  workers leave no files behind), and the master serves the sum of all of them
  on TASKAPP_METRICS_PORT (a separate port, so the public ingress never sees it).
- Graceful shutdown: on SIGTERM the master first creates the drain file, so
  /readyz answers 503 while the workers keep serving for TASKAPP_DRAIN_SECONDS
  (load balancers stop sending traffic); then gunicorn's normal graceful stop
  lets in-flight requests finish within TASKAPP_GRACEFUL_TIMEOUT and exits 0.
- JSON request logs on stdout (taskapp.logging.GunicornLogger).
- A bad environment stops the master with one line on stderr (exit status 2)
  before any worker starts, never with a traceback.
"""

import contextlib
import logging
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from taskapp.env import configuration_error_line, env_choice, env_int, env_list


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


with exit_on_bad_configuration():
    port = env_int("PORT", 8000, minimum=1, maximum=65535)
    workers = env_int("TASKAPP_WORKERS", default_workers(available_cpus()), minimum=1)
    threads = env_int("TASKAPP_THREADS", 2, minimum=1)
    # A request running longer than this is killed with its worker.
    timeout = env_int("TASKAPP_TIMEOUT", 30, minimum=1)
    # After SIGTERM (and the drain), how long in-flight requests may still take.
    graceful_timeout = env_int("TASKAPP_GRACEFUL_TIMEOUT", 20, minimum=0)
    drain_seconds = env_int("TASKAPP_DRAIN_SECONDS", 5, minimum=0)
    max_requests = env_int("TASKAPP_MAX_REQUESTS", 1000, minimum=0)
    trusted_proxies = env_list("TASKAPP_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
    loglevel = env_choice("TASKAPP_LOG_LEVEL", "info", ("debug", "info", "warning", "error"))
    metrics_port = env_int("TASKAPP_METRICS_PORT", 9100, minimum=0, maximum=65535)

# --- Serving ----------------------------------------------------------------------

bind = [f"0.0.0.0:{port}"]
worker_class = "gthread"
keepalive = 5
# Recycle workers now and then (bounds slow leaks); the jitter keeps them from
# all restarting at once.
max_requests_jitter = max_requests // 10
# Only these peers may set X-Forwarded-Proto (and, in taskapp.middleware,
# X-Forwarded-For): anyone else could claim https or another address.
forwarded_allow_ips = ",".join(trusted_proxies)
wsgi_app = "taskapp.wsgi:application"
# gunicorn's runtime control socket would live in $HOME (read-only in the image);
# nothing uses it.
control_socket_disable = True

# --- Logs -------------------------------------------------------------------------

accesslog = "-"
errorlog = "-"
logger_class = "taskapp.logging.GunicornLogger"
# Python warnings become log records too, so stdout/stderr stay one JSON object a line.
logging.captureWarnings(True)

# --- Metrics ----------------------------------------------------------------------

# Set before any worker imports prometheus_client (it reads this at import time).
owns_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if owns_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="taskapp-metrics-")
metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
# Kept beside the metrics, outside their *.db pattern; read by taskapp.health.
drain_file = metrics_dir / "draining"
os.environ["TASKAPP_DRAIN_FILE"] = str(drain_file)
# Where a dead worker's counts go (its own files are removed): the collector reads
# every *.db file and takes the metric type from the name before the first "_".
ARCHIVED_TYPES = ("counter", "histogram", "summary")
# The metrics server (a thread of the master) must not read the files while
# child_exit moves a dead worker's values: it would count them twice.
metrics_lock = threading.Lock()

# --- Django's settings ------------------------------------------------------------

# Read once in the master, so that a bad environment (a missing secret key, say)
# stops here with one line instead of in every worker gunicorn boots.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskapp.settings")
with exit_on_bad_configuration():
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads them all)


def on_starting(server):
    """Start from empty metrics: files of a previous run would be added in."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, exist_ok=True)


def when_ready(server):
    if metrics_port:
        from prometheus_client import CollectorRegistry, start_http_server
        from prometheus_client.multiprocess import MultiProcessCollector

        class LockedCollector(MultiProcessCollector):
            def collect(self):
                with metrics_lock:
                    return list(super().collect())

        registry = CollectorRegistry()
        LockedCollector(registry)
        start_http_server(metrics_port, registry=registry)
        server.log.info("metrics on :%s/metrics", metrics_port)
    _drain_before_stopping(server)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
    with metrics_lock:
        archive_worker_metrics(worker.pid, metrics_dir)


def archive_worker_metrics(pid: int, directory: Path) -> None:
    """Add a dead worker's counters and histograms to ``<type>_archive.db``, then
    delete its files: recycled workers would otherwise leave a file each, read
    on every scrape, until /tmp is full.
    """
    from prometheus_client.mmap_dict import MmapedDict

    for kind in ARCHIVED_TYPES:
        worker_file = directory / f"{kind}_{pid}.db"
        if not worker_file.exists():
            continue
        archive = MmapedDict(str(directory / f"{kind}_archive.db"))
        try:
            for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(str(worker_file)):
                archived, _ = archive.read_value(key)
                archive.write_value(key, archived + value, timestamp)
        finally:
            archive.close()
        worker_file.unlink()


def on_exit(server):
    drain_file.unlink(missing_ok=True)
    if owns_metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def _drain_before_stopping(server):
    """Make the first SIGTERM fail readiness and keep serving; stop after the drain.

    gunicorn's master dispatches signals to ``handle_<name>`` methods of the
    arbiter; this instance attribute takes the first SIGTERM. A second SIGTERM
    (or SIGINT/SIGQUIT) stops at once as usual.
    """
    stop = server.handle_term

    def handle_term():
        if drain_file.exists() or not drain_seconds:
            return stop()  # raises StopIteration: gunicorn's graceful stop
        drain_file.touch()
        server.log.info("SIGTERM: readiness fails now; stopping in %ss", drain_seconds)
        timer = threading.Timer(drain_seconds, os.kill, (os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()

    server.handle_term = handle_term
