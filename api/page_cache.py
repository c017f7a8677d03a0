"""Pages of GET /api/v1/tasks, kept in each worker and checked on every request.

A script that polls its list asks the same page again and again; building it
(a count, the page's rows through the ORM, 50 dicts, JSON) is most of what the
API's busiest route costs. So a rendered page is kept, and served again only
while the data it was built from is unchanged: every request first reads
``selectors.visible_state`` (one query: how many tasks the user can see, the
sum of their versions, the latest update), and a page kept with a different
state is built anew. Nothing is trusted from memory that the database would
answer differently now; it is the same idea as an ETag, checked by the server.

The key holds everything else a page is made from: the user, the lists they
may see and their role in each, the path with its query string, the scheme and
host (the page's links), and today's date (``overdue``). The state is read
before the page is built, so a write landing in between makes the kept page
newer than its state, never older: the next request builds it again.

The state relies on every write bumping a version and setting updated_at to now
(taskapp.tasks.services); servers whose clocks disagree by more than the time
between two writes could, in theory, pair a purge with an import that leaves all
three numbers as they were: keep the pods' clocks synchronised (NTP), as anything
ordering by time needs.

Per process, least recently used first out, bounded in bytes
(``TASKAPP_API_PAGE_CACHE_MB``, 0 turns it off; docs/configuration.md).
"""

import threading
from collections import OrderedDict

from django.conf import settings

# What an entry costs beside its body (the key, the state, the dict's slot): counted,
# so that many small pages (an empty filter answers ~80 bytes) stay within the bytes.
ENTRY_OVERHEAD = 512


def _cost(key: tuple, body: bytes) -> int:
    # key[2] is the path with its query string (page_key): the one part of the key
    # whose length a client chooses.
    return len(body) + len(key[2]) + ENTRY_OVERHEAD


class PageCache:
    def __init__(self):
        self._pages: OrderedDict[tuple, tuple[tuple, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def limit() -> int:
        return settings.API_PAGE_CACHE_BYTES

    def get(self, key: tuple, state: tuple) -> bytes | None:
        """The page kept under ``key`` if it was built from ``state``."""
        with self._lock:
            kept = self._pages.get(key)
            if kept is None or kept[0] != state:
                return None
            self._pages.move_to_end(key)
            return kept[1]

    def put(self, key: tuple, state: tuple, body: bytes) -> None:
        limit, cost = self.limit(), _cost(key, body)
        if cost > limit:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= _cost(key, old[1])
            self._pages[key] = (state, body)
            self._bytes += cost
            while self._bytes > limit:
                dropped_key, (_state, dropped) = self._pages.popitem(last=False)
                self._bytes -= _cost(dropped_key, dropped)

    def size(self) -> tuple[int, int]:
        """(pages, bytes) kept, each page counted with its key (``_cost``)."""
        with self._lock:
            return len(self._pages), self._bytes

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


pages = PageCache()


def page_key(request, access, today) -> tuple:
    return (
        access.user.pk,
        tuple(sorted((str(list_id), role) for list_id, role in access.roles.items())),
        request.get_full_path(),
        request.scheme,
        request.get_host(),
        today.isoformat(),
    )


def cached_page(request, access, today, state: tuple, build) -> bytes:
    """The page's JSON: kept, when ``state`` is the one it was built from; else
    ``build()`` (which returns the bytes), kept for the next request."""
    if pages.limit() <= 0:
        return build()
    key = page_key(request, access, today)
    body = pages.get(key, state)
    if body is None:
        body = build()
        pages.put(key, state, body)
    return body
