"""Writes without If-Match never answer 412 under concurrency (issue 10): the
services retry a lost compare-and-set on a fresh read. Real concurrency: gunicorn
on loopback, two workers of eight threads, on a SQLite file; the MongoDB side is
the same compare-and-set (one update of one document), covered without threads
by tests/domain/test_services.py on the stand-in."""

import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from urllib.parse import quote, urlsplit

import pytest

from bench import loopback

PORTS = range(18380, 18400)  # this file's share of the runtime port range
CLIENTS = 16
ROUNDS = 10


@pytest.fixture(scope="module")
def api():
    with loopback.serve(ports=PORTS, tasks=1, workers=2, threads=8) as served:
        yield served


def _client(api):
    return http.client.HTTPConnection(urlsplit(api.url).netloc, timeout=60)


def _call(conn, api, method, path, body=None, headers=None):
    all_headers = {"Authorization": f"Bearer {api.token}", **(headers or {})}
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    return response.status, response.getheaders(), response.read()


def _in_parallel(api, work) -> list[int]:
    """``work(conn, client, round)`` CLIENTS x ROUNDS times, CLIENTS at once; the statuses."""

    def one_client(client):
        conn = _client(api)
        try:
            return [work(conn, client, n) for n in range(ROUNDS)]
        finally:
            conn.close()

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [status for statuses in pool.map(one_client, range(CLIENTS)) for status in statuses]


def test_concurrent_patches_without_if_match_all_apply(api):
    task = f"/api/v1/tasks/{api.task_ids[0]}"

    def patch(conn, client, n):
        body = json.dumps({"description": f"{client}-{n}", "tags": [f"c{client}"]})
        return _call(conn, api, "PATCH", task, body)[0]

    statuses = _in_parallel(api, patch)
    assert statuses == [200] * CLIENTS * ROUNDS
    with closing(_client(api)) as conn:
        stored = json.loads(_call(conn, api, "GET", task)[2])
    assert stored["etag"].endswith(f'-{1 + CLIENTS * ROUNDS}"')  # every write counted once


def test_concurrent_deletes_and_restores_without_if_match_all_apply(api):
    task = f"/api/v1/tasks/{api.task_ids[0]}"

    def delete_or_restore(conn, client, n):
        if client % 2:
            return _call(conn, api, "DELETE", task)[0]
        return _call(conn, api, "POST", f"{task}/restore")[0]

    statuses = _in_parallel(api, delete_or_restore)
    assert set(statuses) <= {200, 204}, sorted(set(statuses))


def test_concurrent_updates_through_the_original_routes_all_apply(api):
    with closing(_client(api)) as conn:
        task = f"/api/v1/tasks/{api.task_ids[0]}"
        title = json.loads(_call(conn, api, "GET", task)[2])["title"]
        _call(conn, api, "POST", f"{task}/restore")

    def put(conn, client, n):
        return _call(conn, api, "PUT", f"/api/task/{quote(title)}/?desc=d{client}-{n}")[0]

    assert _in_parallel(api, put) == [200] * CLIENTS * ROUNDS


def test_a_write_with_a_stale_if_match_still_answers_412(api):
    task = f"/api/v1/tasks/{api.task_ids[0]}"
    with closing(_client(api)) as conn:
        etag = dict(_call(conn, api, "GET", task)[1])["ETag"]
        first = _call(conn, api, "PATCH", task, '{"description": "first"}', {"If-Match": etag})
        stale = _call(conn, api, "PATCH", task, '{"description": "second"}', {"If-Match": etag})
    assert first[0] == 200
    assert stale[0] == 412
    assert json.loads(stale[2])["error"]["code"] == "precondition_failed"
