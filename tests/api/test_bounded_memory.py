"""Memory per request is bounded (issue 10): caps are checked while reading, before
parsing, and exports and the original list are streamed.

Peaks are measured with tracemalloc (Python allocations, deterministic); the RSS
figures of a real gunicorn worker are bench/memory.py's (docs/performance.md).
"""

import json
import os
import tracemalloc

import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.streaming import body

MB = 1024 * 1024
# What 5 MiB of `[{},{},…]` cost before: json.loads built 1.7 million dicts.
NEAR_CAP = 5 * MB - 4096
# A refused body of ~5 MB: the test client's copies of it, the request's, and its
# decoded text (before: 200-800 MB of parsed objects).
BODY_BUDGET = 40 * MB


@pytest.fixture
def _responses_match_the_openapi_schema():
    """Overrides tests/api/conftest.py's check here: it reads whole bodies into
    memory, which is what these tests measure (the other API tests check them)."""


def peak_of(call):
    """(result, peak bytes allocated by Python during call())."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def post(client, path, content, content_type):
    return client.post(path, content, content_type=content_type)


def test_a_json_import_of_empty_objects_is_refused_at_the_row_cap_before_parsing(api_client):
    content = ("[" + "{}," * (NEAR_CAP // 3 - 1) + "{}]").encode()
    response, peak = peak_of(
        lambda: post(api_client, "/api/v1/tasks/import", content, "application/json")
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"file": ["At most 10000 tasks per import."]}
    assert peak < BODY_BUDGET, f"peak {peak / MB:.0f} MB for a {len(content) / MB:.0f} MB body"
    assert not Task.objects.exists()


def test_a_csv_import_stops_reading_at_the_row_cap(api_client):
    content = ("title\n" + "a\n" * (NEAR_CAP // 2 - 8)).encode()
    response, peak = peak_of(lambda: post(api_client, "/api/v1/tasks/import", content, "text/csv"))
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"file": ["At most 10000 tasks per import."]}
    assert peak < BODY_BUDGET, f"peak {peak / MB:.0f} MB for a {len(content) / MB:.0f} MB body"


def test_a_csv_line_longer_than_any_task_is_refused_before_it_is_split(api_client):
    content = ("title,description\n" + "a," * 200_000 + "\n").encode()
    response = post(api_client, "/api/v1/tasks/import", content, "text/csv")
    assert response.status_code == 422
    assert "Line 2 of the CSV file is longer than" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "content",
    [
        "[" + "{}," * (NEAR_CAP // 3 - 1) + "{}]",
        '{"title": "x", "tags": [' + '"ab",' * (NEAR_CAP // 5 - 10) + '"ab"]}',
    ],
    ids=["objects", "strings"],
)
def test_a_json_body_with_too_many_values_answers_413_before_parsing(api_client, content):
    response, peak = peak_of(
        lambda: post(api_client, "/api/v1/tasks", content.encode(), "application/json")
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "more than 500000 values" in response.json()["error"]["message"]
    assert peak < BODY_BUDGET, f"peak {peak / MB:.0f} MB for a {len(content) / MB:.0f} MB body"


# The MongoDB stand-in (TASKAPP_TEST_DB=mongo) is the server and lives in this
# process: it holds every document a query returns, so Python's peak grows with
# the count there whatever the app does. On it, the tests check that the answer
# comes in many pieces (rows read in chunks); on SQLite and a real MongoDB
# server (make test-mongo-real), that the peak stays flat.
IN_PROCESS_SERVER = os.environ.get("TASKAPP_TEST_DB") == "mongo"


def _export_peak(client, path, count, user):
    services.tasks_import(
        owner=user,
        rows=[(n, {"title": f"T{n}", "description": "x" * 200}) for n in range(count)],
    )

    def consume():
        response = client.get(path)
        assert response.status_code == 200
        assert response.streaming
        sizes = [len(piece) for piece in response.streaming_content]
        return sum(sizes), len(sizes)

    return peak_of(consume)


@pytest.mark.parametrize(
    "path", ["/api/v1/tasks/export?format=json", "/api/v1/tasks/export?format=csv", "/api/task"]
)
def test_exports_and_the_original_list_are_streamed_in_constant_memory(api_client, user, path):
    (size_small, _), peak_small = _export_peak(api_client, path, 600, user)
    (size_large, pieces), peak_large = _export_peak(api_client, path, 2_400, user)  # 3,000
    assert size_large > 4 * size_small
    assert pieces >= 3_000 // 500  # written a chunk of 500 rows at a time
    if not IN_PROCESS_SERVER:
        # Four times the tasks, about the same peak: a chunk of rows at a time.
        assert peak_large < peak_small * 1.5 + 512 * 1024, (peak_small, peak_large)


def test_a_streamed_export_is_the_same_document_as_before(api_client, user):
    services.task_create(owner=user, title="One\nline", tags=["a"])
    services.task_create(owner=user, title="Two")
    streamed = body(api_client.get("/api/v1/tasks/export?format=json&sort=created")).decode()
    from taskapp.tasks.exchange import _with_list_names, task_to_dict

    tasks, names = _with_list_names(Task.objects.filter(owner=user).order_by("created_at", "pk"))
    # The export carries each task's list by name and its plan (taskapp.planning.exchange).
    rows = [{**task_to_dict(t, names), "subtasks": [], "recurrence": None} for t in tasks]
    assert streamed == json.dumps(rows, ensure_ascii=False, indent=2)
