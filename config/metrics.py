"""The plumbing's own Prometheus metrics (the task counters are the domain's:
taskapp/tasks/metrics.py); docs/operations.md lists every metric."""

from prometheus_client import Counter

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


database_busy = Counter(
    "taskapp_database_busy",
    "Requests that answered 503 database_busy: the database was up, but another "
    "writer held its lock for longer than the busy timeout (SQLite).",
)


def database_was_busy() -> None:
    database_busy.inc()
