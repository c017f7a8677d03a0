"""Taskapp's own Prometheus metrics, beside django-prometheus' request metrics.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR is set before any worker imports
prometheus_client, so each worker writes its values to files there and the
metrics server in the gunicorn master adds them all up (taskapp/gunicorn.conf.py).
Without it (tests, ``make run``) the values live in the process.

Services call the one-line helpers below; docs/operations.md lists every metric.
"""

from prometheus_client import Counter

tasks_created = Counter("taskapp_tasks_created", "Tasks created (API, UI, import).")
tasks_completed = Counter("taskapp_tasks_completed", "Tasks marked done.")
tasks_deleted = Counter("taskapp_tasks_deleted", "Tasks moved to the trash.")
database_errors = Counter(
    "taskapp_database_errors",
    "Requests or readiness checks that failed because the database was unavailable.",
    ["source"],
)
# Every source from the start, so dashboards show 0 rather than "no data".
DATABASE_ERROR_SOURCES = ("request", "readiness")
for _source in DATABASE_ERROR_SOURCES:
    database_errors.labels(source=_source)


def database_error(source: str) -> None:
    """Count one failed database round trip; source is 'request' or 'readiness'."""
    database_errors.labels(source=source).inc()


def tasks_bulk_applied(action: str, count: int) -> None:
    """Count a bulk action by what it did to the tasks it touched."""
    counter = {"done": tasks_completed, "trash": tasks_deleted}.get(action)
    if counter is not None and count:
        counter.inc(count)
