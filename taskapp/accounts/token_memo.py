"""API token lookup for every request: the verified token is kept per process,
and re-checked against the database on each use by one indexed query.

Looking a token up through the ORM (hash, join on the user, two model instances)
costs ~0.7 ms of CPU, most of it Django compiling the query. Once a token is
known, each request asks the database again, with a statement compiled once per
process (~0.05 ms): the token's and its user's row, by primary key, if the token
is not revoked and the user is active. No row: 401, so a revoked or deleted
token, or a deactivated user, is refused on the very next request on every
worker. A row that differs from the kept objects (a renamed token, a changed
e-mail address): the objects are read again through the ORM. Nothing is served
from memory that the database would not answer now. Only SQL databases take
this path; on MongoDB every request makes the full ORM lookup.

The token's ``last_used_at`` is not compared (ApiToken.touch refreshes it at
most once a minute, per process).
"""

import threading
import uuid
from collections import OrderedDict
from datetime import UTC, datetime

from django.db import connections, router

from taskapp.accounts.models import TOKEN_PREFIX, ApiToken, hash_token
from taskapp.statements import Statement

MAX_TOKENS = 512  # per process; the least recently used is dropped
_SENTINEL = uuid.UUID(int=0)

_lock = threading.Lock()
_tokens: OrderedDict[str, tuple[ApiToken, tuple]] = OrderedDict()  # hash -> (token, row)


def active_token(raw: str):
    """The active token matching ``raw`` (with its user), or None: as
    ApiToken.objects.for_raw_token, in one query (two when the row changed)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    db = router.db_for_read(ApiToken)
    connection = connections[db]
    if connection.vendor == "mongodb":
        return ApiToken.objects.using(db).for_raw_token(raw)
    key = hash_token(raw)
    with _lock:
        kept = _tokens.get(key)
        if kept is not None:
            _tokens.move_to_end(key)
    if kept is not None:
        token, seen = kept
        now = current_row(connection, token.pk)
        if now is None:
            forget(key)
            return None
        if now == seen:
            return token
    token = ApiToken.objects.using(db).for_raw_token(raw)
    if token is None:
        forget(key)
    else:
        remember(key, token, row_of(token, connection))
    return token


def _columns():
    from django.contrib.auth import get_user_model

    token = [f.attname for f in ApiToken._meta.concrete_fields if f.name != "last_used_at"]
    user = [f"user__{f.attname}" for f in get_user_model()._meta.concrete_fields]
    return token + user


def row_of(token, connection) -> tuple:
    """The kept objects' columns, comparable with current_row()."""
    values = []
    for column in _columns():
        obj, attname = (token.user, column[6:]) if column.startswith("user__") else (token, column)
        field = next(f for f in obj._meta.concrete_fields if f.attname == attname)
        value = getattr(obj, attname)
        if not isinstance(value, datetime):
            value = field.get_db_prep_value(value, connection)
        values.append(_comparable(value))
    return tuple(values)


def current_row(connection, pk):
    """One indexed query: the token's and its user's columns, or None when the
    token is gone or revoked or its user inactive."""
    rows = _CHECK.rows(connection.alias, pk)
    return tuple(_comparable(value) for value in rows[0]) if rows else None


def _comparable(value):
    # Datetimes as naive UTC: the driver may return them naive (SQLite) or aware.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _check(pk):
    """The check, as ApiTokenQuerySet.for_raw_token but by primary key."""
    return (
        ApiToken.objects.active()
        .filter(pk=pk, user__is_active=True)
        .order_by()
        .values_list(*_columns())[:1]
    )


_CHECK = Statement(_check, sentinel=_SENTINEL, field=ApiToken._meta.pk)


def remember(key: str, token, row: tuple) -> None:
    with _lock:
        _tokens[key] = (token, row)
        while len(_tokens) > MAX_TOKENS:
            _tokens.popitem(last=False)


def forget(key: str) -> None:
    with _lock:
        _tokens.pop(key, None)


def clear() -> None:
    with _lock:
        _tokens.clear()
