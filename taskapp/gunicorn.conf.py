"""gunicorn settings for both images: ``gunicorn -c taskapp/gunicorn.conf.py``.

Everything that differs between deployments comes from the environment
(docs/configuration.md, "Serving"). Three behaviours live here:

- Metrics from every worker: PROMETHEUS_MULTIPROC_DIR is set (and emptied)
  before any worker starts, workers write their values there, a dead worker's
  gauges are dropped, and the master serves the sum of all of them on
  TASKAPP_METRICS_PORT (a separate port, so the public ingress never sees it).
- Graceful shutdown: on SIGTERM the master first creates the drain file, so
  /readyz answers 503 while the workers keep serving for TASKAPP_DRAIN_SECONDS
  (load balancers stop sending traffic); then gunicorn's normal graceful stop
  lets in-flight requests finish within TASKAPP_GRACEFUL_TIMEOUT and exits 0.
- JSON request logs on stdout (taskapp.logging.GunicornLogger).
"""

import logging
import math
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from taskapp.env import env_choice, env_int, env_list


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


# --- Serving ----------------------------------------------------------------------

bind = [f"0.0.0.0:{env_int('PORT', 8000, minimum=1, maximum=65535)}"]
worker_class = "gthread"
workers = env_int("TASKAPP_WORKERS", default_workers(available_cpus()), minimum=1)
threads = env_int("TASKAPP_THREADS", 2, minimum=1)
# A request running longer than this is killed with its worker.
timeout = env_int("TASKAPP_TIMEOUT", 30, minimum=1)
# After SIGTERM (and the drain), how long in-flight requests may still take.
graceful_timeout = env_int("TASKAPP_GRACEFUL_TIMEOUT", 20, minimum=0)
drain_seconds = env_int("TASKAPP_DRAIN_SECONDS", 5, minimum=0)
keepalive = 5
# Recycle workers now and then (bounds slow leaks); the jitter keeps them from
# all restarting at once.
max_requests = env_int("TASKAPP_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10
# Only these peers may set X-Forwarded-Proto (and, in taskapp.middleware,
# X-Forwarded-For): anyone else could claim https or another address.
forwarded_allow_ips = ",".join(env_list("TASKAPP_TRUSTED_PROXIES", ["127.0.0.1", "::1"]))
wsgi_app = "taskapp.wsgi:application"
# gunicorn's runtime control socket would live in $HOME (read-only in the image);
# nothing uses it.
control_socket_disable = True

# --- Logs -------------------------------------------------------------------------

accesslog = "-"
errorlog = "-"
loglevel = env_choice("TASKAPP_LOG_LEVEL", "info", ("debug", "info", "warning", "error"))
logger_class = "taskapp.logging.GunicornLogger"
# Python warnings become log records too, so stdout/stderr stay one JSON object a line.
logging.captureWarnings(True)

# --- Metrics ----------------------------------------------------------------------

metrics_port = env_int("TASKAPP_METRICS_PORT", 9100, minimum=0, maximum=65535)
# Set before any worker imports prometheus_client (it reads this at import time).
owns_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if owns_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="taskapp-metrics-")
metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
# Kept beside the metrics, outside their *.db pattern; read by taskapp.health.
drain_file = metrics_dir / "draining"
os.environ["TASKAPP_DRAIN_FILE"] = str(drain_file)


def on_starting(server):
    """Start from empty metrics: files of a previous run would be added in."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, exist_ok=True)


def when_ready(server):
    if metrics_port:
        from prometheus_client import CollectorRegistry, start_http_server
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        start_http_server(metrics_port, registry=registry)
        server.log.info("metrics on :%s/metrics", metrics_port)
    _drain_before_stopping(server)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


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
