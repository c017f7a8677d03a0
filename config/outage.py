"""The database is unavailable: how to tell, how to say why, how to check.

One module for the readiness probe (config.probes), the 503 middleware
(config.middleware) and ``manage.py wait_for_database``; it imports none of them.
"""

import re
import sqlite3

import pymongo
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from pymongo.errors import ConnectionFailure

# Kubernetes gives the probe 3 s (timeoutSeconds): the check must answer before
# that, so it never waits for pymongo's server selection (TASKAPP_MONGODB_TIMEOUT_MS,
# 5 s) to give up.
PING_TIMEOUT_SECONDS = 2

_CONNECTION_ERRORS = OperationalError | InterfaceError | ConnectionFailure
# pymongo appends its timeouts and a description of the whole topology.
_PYMONGO_DETAILS = re.compile(r" \(configured timeouts:.*|, Timeout: .*")


def ping_database(timeout: float = PING_TIMEOUT_SECONDS) -> None:
    """One cheap round trip: MongoDB's ``ping`` command, or ``SELECT 1``.

    With MongoDB, pymongo.timeout() caps server selection and the command
    together at ``timeout`` seconds. SQLite's ``SELECT 1`` takes no lock, so
    its busy timeout never applies; opening the file is all it can fail on.
    """
    if connection.vendor == "mongodb":
        with pymongo.timeout(timeout):
            connection.ensure_connection()
            connection.connection.admin.command("ping")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def unapplied_migrations() -> list[str]:
    """The migrations ``migrate`` would apply now, as ``app.name``."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def is_database_unavailable(exc: BaseException) -> bool:
    """True for errors that mean "cannot reach the database", not "bad query".

    django-mongodb-backend wraps pymongo errors in django.db.DatabaseError, so
    the chain of causes is searched for pymongo's ConnectionFailure family
    (ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout, ...).
    """
    return isinstance(_connection_failure(exc), _CONNECTION_ERRORS)


def _connection_failure(exc: BaseException) -> BaseException:
    """The error in exc's chain of causes that says why; exc itself if none does."""
    seen = set()
    current = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, _CONNECTION_ERRORS):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return exc


# SQLite's answers when another connection holds the write lock longer than the busy
# timeout (SQLITE_BUSY, SQLITE_LOCKED): the database is up, just busy.
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def is_database_busy(exc: BaseException) -> bool:
    """True when the database is reachable but another writer held its lock for
    longer than the busy timeout: a retryable 503, not an outage."""
    cause = _connection_failure(exc)
    is_operational = isinstance(cause, OperationalError | sqlite3.OperationalError)
    return is_operational and str(cause).lower().startswith(_BUSY_MESSAGES)


def outage_reason(exc: BaseException) -> str:
    """One short line naming the cause, e.g. ``ServerSelectionTimeoutError:
    mongo:27017: [Errno 111] Connection refused``; django-mongodb-backend's
    DatabaseError wrapper alone says nothing."""
    cause = _connection_failure(exc)
    message = _PYMONGO_DETAILS.sub("", " ".join(str(cause).split()))
    return f"{type(cause).__name__}: {message}"[:200] if message else type(cause).__name__


def mark_logged(response: HttpResponse) -> HttpResponse:
    """Keep Django from logging this 5xx again (django.request, at ERROR): it has
    been logged as what it is, once. The attribute is django.utils.log's own."""
    response._has_been_logged = True
    return response
