"""What the task services did, as Prometheus counters (docs/operations.md lists them).

Under gunicorn every worker writes its values to PROMETHEUS_MULTIPROC_DIR and the
metrics server in the master adds them up (config/gunicorn.py); without it (tests,
``make run``) the values live in the process.
"""

from prometheus_client import Counter

tasks_created = Counter("taskapp_tasks_created", "Tasks created (API, UI, import).")
tasks_completed = Counter("taskapp_tasks_completed", "Tasks marked done.")
tasks_deleted = Counter("taskapp_tasks_deleted", "Tasks moved to the trash.")


def tasks_bulk_applied(action: str, count: int) -> None:
    """Count a bulk action by what it did to the tasks it touched."""
    counter = {"done": tasks_completed, "trash": tasks_deleted}.get(action)
    if counter is not None and count:
        counter.inc(count)
