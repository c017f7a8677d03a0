"""Test environment, and the database the suite runs on.

Loaded as a pytest plugin (``-p tests.plugin``) so it acts before Django reads
its settings. It sets the environment the tests run with, and picks one of three
databases (docs/testing.md):

- SQLite (the default, ``make test-py``);
- a real MongoDB server (``make test-mongo-real``): MONGODB_URI set from outside,
  without TASKAPP_TEST_DB=mongo. The settings then use django-mongodb-backend on
  that server; the test database is ``test_<name>`` beside the URI's database.
  A server that does not answer stops the run at once with one line;
- MongoDB over an in-process stand-in (``make test-mongo``, TASKAPP_TEST_DB=mongo,
  which wins over any MONGODB_URI): MONGODB_URI points at a fake server from
  mongomock-ng, with the fixes the backend needs (see ../shared/environment.md).

The stand-in's fixes: the backend imports MongoClient and Collection by name,
so those names are routed to the fake; ``$getField`` with an expression input is
evaluated (otherwise count() and aggregates silently give 0/None); search indexes
report "not supported" as a real server without Atlas Search does; a duplicate
key in a bulk insert raises DuplicateKeyError, which the backend turns into
IntegrityError as it does for a real server; ``$dateTrunc`` accepts the
``timezone`` (UTC only) and ``startOfWeek`` arguments the backend always sends
(QuerySet.dates(), the admin's date hierarchy), which mongomock-ng refuses with
NotImplementedError although a real server has supported them since 5.0.
"""

import os

import pytest

MONGO_URI = "mongodb://127.0.0.1:27017/taskapp"


# How long the first ping of a real server may take before the run stops.
REAL_SERVER_TIMEOUT_MS = int(os.environ.get("TASKAPP_TEST_MONGODB_WAIT_MS", "10000"))


def _enabled() -> bool:
    return os.environ.get("TASKAPP_TEST_DB", "sqlite") == "mongo"


def _real_server_uri() -> str:
    """MONGODB_URI when the suite runs on a real server, else ""."""
    return "" if _enabled() else os.environ.get("MONGODB_URI", "")


def _server_problem(uri: str) -> str | None:
    """Why the server at uri does not answer a ping, or None when it does."""
    import pymongo
    from pymongo.errors import ConfigurationError, PyMongoError

    try:
        client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=REAL_SERVER_TIMEOUT_MS)
    except (ConfigurationError, ValueError) as exc:
        return f"MONGODB_URI is not a valid MongoDB URI: {exc}"
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        servers = client.topology_description.server_descriptions()
        hosts = ",".join(f"{host}:{port}" for host, port in servers)
        return f"the MongoDB server at {hosts} (MONGODB_URI) does not answer: {type(exc).__name__}"
    finally:
        client.close()
    return None


def install() -> None:
    import datetime

    import django_mongodb_backend.base as backend_base
    import mongomock_ng
    from mongomock_ng import aggregate, collection
    from pymongo.errors import DuplicateKeyError, OperationFailure

    server = mongomock_ng.MongoClient(MONGO_URI)._store  # one store for every connection

    def fake_client(host=None, **kwargs):
        kwargs.pop("driver", None)
        return mongomock_ng.MongoClient(host or MONGO_URI, _store=server, **kwargs)

    def fake_collection(database, name, **kwargs):
        return database.get_collection(name, **kwargs)

    backend_base.MongoClient = fake_client
    backend_base.Collection = fake_collection

    original_field_operator = aggregate._Parser._handle_field_operator

    def field_operator(self, operator, values):
        if operator == "$getField" and isinstance(values, dict) and "input" in values:
            values = {**values, "input": self.parse(values["input"])}
            field_name = self.parse(values.get("field", ""))
            doc = values["input"]
            return doc.get(field_name) if isinstance(doc, dict) else None
        return original_field_operator(self, operator, values)

    aggregate._Parser._handle_field_operator = field_operator

    def list_search_indexes(self, *args, **kwargs):
        raise OperationFailure("Search indexes are not supported by this server.", code=115)

    collection.Collection.list_search_indexes = list_search_indexes

    original_insert_many = collection.Collection.insert_many

    def insert_many(self, documents, *args, **kwargs):
        from pymongo.errors import BulkWriteError

        try:
            return original_insert_many(self, documents, *args, **kwargs)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors") or []
            if errors and errors[0].get("code") == 11000:
                raise DuplicateKeyError(errors[0].get("errmsg", "duplicate key"), 11000) from exc
            raise

    collection.Collection.insert_many = insert_many

    original_date_trunc = aggregate._handle_date_trunc_operator
    utc_names = {None, "UTC", "Etc/UTC", "GMT", "Z", "+00:00", "+0000", "00:00"}

    def date_trunc(values, out_value):
        # The tests run with TIME_ZONE=UTC, so the zone changes nothing; a week
        # starts on the day the query names (the backend sends Monday).
        values = dict(values)
        out_value = dict(out_value)
        zone = out_value.pop("timezone", None)
        values.pop("timezone", None)
        if zone not in utc_names:
            raise NotImplementedError(f"$dateTrunc timezone {zone!r} in the stand-in")
        start_of_week = str(out_value.pop("startOfWeek", "sunday"))[:3].lower()
        values.pop("startOfWeek", None)
        if out_value.get("unit") == "week" and start_of_week == "mon":
            if out_value["date"] is None:
                return None
            day = out_value["date"].replace(hour=0, minute=0, second=0, microsecond=0)
            return day - datetime.timedelta(days=day.weekday())
        return original_date_trunc(values, out_value)

    aggregate._handle_date_trunc_operator = date_trunc


TEST_ENVIRONMENT = {
    "TASKAPP_DEBUG": "false",
    "TASKAPP_SECRET_KEY": "test-secret-key-not-for-production",
    "TASKAPP_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "TASKAPP_SECURE_COOKIES": "false",
}


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    for name, value in TEST_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if _enabled():
        os.environ["MONGODB_URI"] = MONGO_URI
        install()
    # A real server is checked before Django reads the URI: one line, not a
    # traceback or an error per test.
    elif (uri := _real_server_uri()) and (problem := _server_problem(uri)):
        raise pytest.UsageError(problem)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A fast hasher for tests: every user fixture hashes a password, and PBKDF2
    takes about 0.3 s each time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config):
    if _enabled():
        backend = "MongoDB (django-mongodb-backend over the mongomock-ng stand-in)"
    elif _real_server_uri():
        # Set from outside (the GitHub workflow's mongo service): a real server.
        backend = "MongoDB (django-mongodb-backend, real server from MONGODB_URI)"
    else:
        backend = "SQLite"
    return f"taskapp database: {backend}"
