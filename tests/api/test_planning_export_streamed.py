"""An export of many tasks with steps is streamed and carries the steps; an
import of as many writes them batch by batch."""

import csv
import io
import json

import pytest

from taskapp.planning import exchange as plan_exchange
from taskapp.planning.models import Recurrence, Subtask
from taskapp.tasks.exchange import EXPORT_CHUNK
from taskapp.tasks.models import Task
from taskapp.tasks.services import IMPORT_BATCH

pytestmark = pytest.mark.django_db

COUNT = 2 * EXPORT_CHUNK + 100  # three chunks


@pytest.fixture
def _responses_match_the_openapi_schema():
    """Overrides tests/api/conftest.py's check here: it reads the whole body and
    puts it back as one piece, which would hide how the export is streamed."""


def _import(api_client, count=COUNT):
    rows = [
        {
            "title": f"T{n}",
            "subtasks": [f"S{n}a", {"title": f"S{n}b", "done": True}],
            "recurrence": {"frequency": "week", "weekdays": ["mon"]} if n % 2 else None,
        }
        for n in range(count)
    ]
    response = api_client.post("/api/v1/tasks/import", rows, content_type="application/json")
    assert response.status_code == 201, response.content[:500]


def test_an_import_of_many_tasks_writes_their_plans_batch_by_batch(api_client, monkeypatch):
    calls = []
    write = plan_exchange._write_plans
    monkeypatch.setattr(
        plan_exchange,
        "_write_plans",
        lambda tasks, *rest: calls.append(len(tasks)) or write(tasks, *rest),
    )
    _import(api_client)
    assert calls == [IMPORT_BATCH, IMPORT_BATCH, COUNT - 2 * IMPORT_BATCH]
    assert Subtask.objects.count() == 2 * COUNT
    assert Recurrence.objects.count() == COUNT // 2


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_of_many_tasks_with_steps_is_streamed_and_carries_them(
    api_client, monkeypatch, fmt
):
    _import(api_client)
    fetched = []
    plans = plan_exchange._plans
    monkeypatch.setattr(plan_exchange, "_plans", lambda ids: fetched.append(len(ids)) or plans(ids))
    response = api_client.get(f"/api/v1/tasks/export?format={fmt}")
    assert response.status_code == 200
    assert response.streaming
    pieces = [bytes(piece) for piece in response.streaming_content]
    assert len(pieces) >= 3  # one piece per chunk of rows, not one document
    # The plans are fetched per chunk of rows (two queries each), not per task.
    assert fetched == [EXPORT_CHUNK, EXPORT_CHUNK, COUNT - 2 * EXPORT_CHUNK]
    text = b"".join(pieces).decode()
    if fmt == "json":
        rows = json.loads(text)
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            row["subtasks"] = json.loads(row["subtasks"])
            row["recurrence"] = json.loads(row["recurrence"]) if row["recurrence"] else None
    assert len(rows) == COUNT
    for row in rows:
        n = row["title"][1:]
        assert row["subtasks"] == [
            {"title": f"S{n}a", "done": False},
            {"title": f"S{n}b", "done": True},
        ]
        assert (row["recurrence"] is not None) == bool(int(n) % 2)
    # And it imports back as it is.
    Task.objects.all().delete()
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = api_client.post("/api/v1/tasks/import", text, content_type=content_type)
    assert response.status_code == 201, response.content[:500]
    assert Subtask.objects.count() == 2 * COUNT
