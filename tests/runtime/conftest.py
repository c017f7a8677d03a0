"""Fixtures of the runtime tests: a database outage on either backend, captured logs."""

import io
import logging
import sqlite3

import pytest
from django.db import OperationalError, connection

from config.logging import JsonFormatter, RequestIdFilter

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
    """Every database round trip fails as when the server is gone, until end().

    SQLite: the connection cannot open its file. MongoDB: the classes the
    connection really uses (pymongo's Database and Collection against a real
    server from MONGODB_URI; the stand-in's under TASKAPP_TEST_DB=mongo) raise
    what pymongo raises when no server answers. Either way the outage is checked
    before the test runs, so a patch that misses cannot pass unnoticed.
    """

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
        with pytest.raises(OperationalError):
            connection.cursor()

    def _break_mongo(self):
        from pymongo.errors import ServerSelectionTimeoutError

        def fail(*args, **kwargs):
            raise ServerSelectionTimeoutError("mongo:27017: [Errno 111] Connection refused")

        database = connection.database  # the client object only: no round trip yet
        collection_class = type(database.get_collection("outage"))
        for name in MONGO_IO_METHODS:
            self._patch.setattr(collection_class, name, fail)
        self._patch.setattr(type(database), "command", fail)
        with pytest.raises(ServerSelectionTimeoutError):
            connection.connection.admin.command("ping")

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
