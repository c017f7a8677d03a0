"""The original FastAPI backend's routes, kept for existing scripts.

Tasks are addressed by title, as the original did. Titles are not unique here,
so a title that names several tasks answers 409 with their ids (use /api/v1/
with an id then). Each route answers with and without a trailing slash, as the
original's curl examples use both (``PUT /api/task/string/?desc=string2``).
"""

from django.conf import settings
from django.urls import reverse
from ninja import Router

from api import schemas
from api.errors import ApiError, not_found
from api.render import json_response
from taskapp.tasks import selectors, services
from taskapp.tasks.selectors import TaskFilter

router = Router(tags=["original API"])

ERRORS = {code: schemas.ErrorOut for code in (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)}


def _task_dict(task) -> dict:
    # The original API's task: just these three fields.
    return {"id": str(task.id), "title": task.title, "description": task.description}


def _task_by_title(request, title: str, write: bool = False):
    """The one task (of the caller's own and shared lists) with this title: 404
    if none, 409 if several, 403 if ``write`` and it is in a list they only view."""
    tasks = selectors.tasks_with_title(owner=request.auth.user, title=title)
    if not tasks:
        raise not_found("No task with this title.")
    if len(tasks) > 1:
        ids = [str(task.id) for task in tasks]
        raise ApiError(
            "conflict",
            f"{len(ids)} tasks have this title; address one by id under /api/v1/tasks/: "
            + ", ".join(ids),
            {"ids": ids},
        )
    if write:
        return selectors.get_task(owner=request.auth.user, task_id=tasks[0].id, write=True)
    return tasks[0]


@router.get("/task", response={200: list[schemas.LegacyTaskOut], **ERRORS})
@router.get("/task/", response={200: list[schemas.LegacyTaskOut]}, include_in_schema=False)
def legacy_list(request):
    """All your tasks outside the trash, oldest first."""
    tasks = selectors.task_list(owner=request.auth.user, filters=TaskFilter(sort="created"))
    return json_response([_task_dict(task) for task in tasks])


@router.post("/task/", response={200: schemas.LegacyTaskOut, **ERRORS})
@router.post("/task", response={200: schemas.LegacyTaskOut}, include_in_schema=False)
def legacy_create(request, payload: schemas.LegacyTaskIn):
    """Add a task from {"title", "description"}; answers 200 as the original did."""
    task = services.task_create(owner=request.auth.user, **payload.model_dump())
    return json_response(_task_dict(task))


@router.get("/task/{title}", response={200: schemas.LegacyTaskOut, **ERRORS})
@router.get("/task/{title}/", response={200: schemas.LegacyTaskOut}, include_in_schema=False)
def legacy_get(request, title: str):
    """The task with this title."""
    return json_response(_task_dict(_task_by_title(request, title)))


@router.put("/task/{title}/", response={200: schemas.LegacyTaskOut, **ERRORS})
@router.put("/task/{title}", response={200: schemas.LegacyTaskOut}, include_in_schema=False)
def legacy_update(request, title: str, desc: str):
    """Set the description of the task with this title (``?desc=...``)."""
    task = services.task_update(
        task=_task_by_title(request, title, write=True), by=request.auth.user, description=desc
    )
    return json_response(_task_dict(task))


@router.delete("/task/{title}", response={200: schemas.LegacyTaskOut, **ERRORS})
@router.delete("/task/{title}/", response={200: schemas.LegacyTaskOut}, include_in_schema=False)
def legacy_delete(request, title: str):
    """Move the task with this title to the trash; answers the task."""
    task = services.task_trash(
        task=_task_by_title(request, title, write=True), by=request.auth.user
    )
    return json_response(_task_dict(task))


def root_document(request) -> dict:
    """What ``GET /`` answers on the api role (and ``GET /api/`` everywhere)."""

    def link(path):
        return request.build_absolute_uri(path)

    return {
        "name": "Taskapp",
        "version": settings.VERSION,
        "links": {
            "tasks": link(reverse("api:task_list")),
            "openapi": link(reverse("api:openapi-json")),
            "docs": link(reverse("api:openapi-view")),
            "original_tasks": link("/api/task"),
        },
    }
