"""Expected bodies and snapshots for the API tests."""

from unittest.mock import ANY

from django.utils import timezone

from taskapp.tasks.models import Task


def _iso(value):
    return value.isoformat() if value is not None else None


def expected_task(task_id, **overrides) -> dict:
    """What the API shows for the task as stored now (written out independently of
    api.render, so a mistake there fails the tests)."""
    task = Task.objects.get(pk=task_id)
    today = timezone.localdate()
    body = {
        "id": str(task.id),
        "url": f"http://testserver/api/v1/tasks/{task.id}",
        "list": str(task.task_list_id),
        "title": task.title,
        "description": task.description,
        "status": task.status,
        "priority": {1: "low", 2: "normal", 3: "high", 4: "urgent"}[task.priority],
        "due_date": _iso(task.due_date),
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else None,
        "tags": task.tag_names,
        "updated_by": task.updated_by,
        "overdue": task.status == "open" and task.due_date is not None and task.due_date < today,
        "in_trash": task.deleted_at is not None,
        "etag": f'"{task.id.hex}-{task.version}"',
        "created_at": _iso(task.created_at),
        "updated_at": _iso(task.updated_at),
        "completed_at": _iso(task.completed_at),
        "deleted_at": _iso(task.deleted_at),
    }
    body.update(overrides)
    return body


def error(code, message=ANY, fields=None) -> dict:
    body = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


def snapshot(owner) -> list[tuple]:
    """Every stored field of the owner's tasks, to prove that nothing changed."""
    return list(
        Task.objects.filter(owner=owner)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "tag_names",
            "deleted_at",
            "version",
        )
    )
