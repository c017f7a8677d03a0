"""Reads that run on every API request, compiled by the ORM once per process.

Compiling a query is most of what a small read costs in Django (~0.2-0.7 ms of
CPU against ~0.02 ms to run it on SQLite). A ``Statement`` is written as an
ordinary queryset, with a sentinel where the one value that changes from call
to call goes (a user's or a token's primary key); the ORM compiles it once per
database, and each call runs that SQL with the sentinel's parameter replaced.
So the query stays declared in the ORM's terms (the same conditions as the
queryset the ORM would run) and is asked of the database every time: nothing
is served from memory.

SQL databases only: on MongoDB the callers use the ORM as usual.
"""

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import Field, QuerySet


def is_sql(alias: str) -> bool:
    return connections[alias].vendor != "mongodb"


class Statement:
    """``build(sentinel)`` -> the queryset; ``rows(alias, value)`` runs it for ``value``.

    ``field`` prepares the value for the database (e.g. a UUID primary key as the
    32 hex digits SQLite stores); the sentinel must appear exactly once among the
    compiled query's parameters.
    """

    def __init__(self, build: Callable[[object], QuerySet], sentinel, field: Field):
        self._build = build
        self._sentinel = sentinel
        self._field = field
        self._compiled: dict[str, tuple[str, list, int]] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> tuple[str, list, int]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            connection = connections[alias]
            query = self._build(self._sentinel).using(alias).query
            sql, params = query.get_compiler(using=alias).as_sql()
            params = list(params)
            marker = self._field.get_db_prep_value(self._sentinel, connection)
            if params.count(marker) != 1:
                raise ValueError(f"The sentinel must be one parameter of: {sql}")
            compiled = (sql, params, params.index(marker))
            with self._lock:
                self._compiled[alias] = compiled
        return compiled

    def rows(self, alias: str, value) -> list[tuple]:
        sql, params, index = self._compile(alias)
        connection = connections[alias]
        params = list(params)
        params[index] = self._field.get_db_prep_value(value, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
