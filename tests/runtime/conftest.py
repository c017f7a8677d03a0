"""Fixtures of the runtime tests: a database outage on either backend, captured logs."""

import io
import logging
import sqlite3

import pytest
from django.db import connection

from taskapp.logging import JsonFormatter, RequestIdFilter

MONGO_IO_METHODS = (
    "find",
    "find_one",
    "aggregate",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "delete_one",
    "delete_many",
    "count_documents",
    "bulk_write",
    "find_one_and_update",
    "replace_one",
)


class Outage:
    """Every database round trip fails as when the server is gone, until end()."""

    def __init__(self):
        self._patch = pytest.MonkeyPatch()
        if connection.vendor == "mongodb":
            self._break_mongo()
        else:
            self._break_sqlite()

    def _break_sqlite(self):
        def fail(*args, **kwargs):
            raise sqlite3.OperationalError("unable to open database file")

        self._patch.setattr(connection, "create_cursor", fail)

    def _break_mongo(self):
        from mongomock_ng.collection import Collection
        from mongomock_ng.database import Database
        from pymongo.errors import ServerSelectionTimeoutError

        def fail(*args, **kwargs):
            raise ServerSelectionTimeoutError("mongo:27017: [Errno 111] Connection refused")

        for name in MONGO_IO_METHODS:
            self._patch.setattr(Collection, name, fail)
        self._patch.setattr(Database, "command", fail)

    def end(self):
        self._patch.undo()


@pytest.fixture
def database_down(db):
    outage = Outage()
    yield outage
    outage.end()


@pytest.fixture
def json_logs():
    """Everything logged during the test, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)
