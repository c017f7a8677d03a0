"""Responses built as plain dicts: a page of 50 tasks must cost little per row."""

import json

from django.http import HttpResponse
from django.utils import timezone

from taskapp.tasks import fields
from taskapp.tasks.models import Status

OPEN = Status.OPEN.value


def json_response(data, status=200, headers=None) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json",
        headers=headers,
    )


class TaskRenderer:
    """Turns tasks into API dicts; holds what is the same for every row of a page.

    A task is its declared fields (taskapp.tasks.fields) plus what the API derives
    from them: ``DERIVED`` (published in TaskOut beside the declared fields). A
    page is rendered from ``.values(*COLUMNS)`` rows rather than model instances:
    building 50 models per request is a good part of a list request's time. The
    etag and overdue rules are Task.etag and Task.is_overdue, restated on the row.
    """

    COLUMNS = (*fields.COLUMNS, "version")
    # name -> (type, description) of the values row() adds to the declared fields.
    DERIVED = {
        "url": (str, "The task's own URL."),
        "overdue": (bool, "Open and due before today."),
        "in_trash": (bool, "Deleted to the trash (restore it with POST .../restore)."),
        "etag": (str, "The value to send in If-Match to update this version."),
    }

    def __init__(self, request, today=None):
        self.base_url = request.build_absolute_uri("/api/v1/tasks/")
        self.today = today or timezone.localdate()

    def task(self, task) -> dict:
        return self.row(task.__dict__)

    def row(self, row) -> dict:
        task_id, due = row["id"], row["due_date"]
        return {
            "id": str(task_id),
            "url": f"{self.base_url}{task_id}",
            **fields.task_fields(row),
            "overdue": row["status"] == OPEN and due is not None and due < self.today,
            "in_trash": row["deleted_at"] is not None,
            "etag": f'"{task_id.hex}-{row["version"]}"',
        }


def task_response(request, task, status=200, headers=None) -> HttpResponse:
    """One task, with its ETag (and whatever other headers the caller adds)."""
    return json_response(
        TaskRenderer(request).task(task),
        status=status,
        headers={"ETag": task.etag, **(headers or {})},
    )
