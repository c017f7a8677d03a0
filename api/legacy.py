"""The original FastAPI backend's routes, kept for existing scripts.

Tasks are addressed by title, as the original did. Titles are not unique here,
so a title that names several tasks answers 409 with their ids (use /api/v1/
with an id then). Each route answers with and without a trailing slash, as the
original's curl examples use both (``PUT /api/task/string/?desc=string2``); both
are in the OpenAPI schema, each under an operation id of its own.
"""

import json

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from ninja import Query, Router

from api import schemas
from api.errors import ApiError, not_found
from api.render import json_response
from taskapp.tasks import selectors, services
from taskapp.tasks.selectors import TaskFilter

router = Router(tags=["original API"])

# gunicorn's own answer to a request line past its limit (docs/api.md, "Limits"): a
# long ?desc= can reach it before Taskapp runs. Not in the JSON error shape.
URI_TOO_LONG = {
    "responses": {
        414: {"description": "The request line is longer than 8,190 bytes (gunicorn; HTML)."}
    }
}
# Tasks read from the database per round trip of the streamed list.
LIST_CHUNK = 500
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
@router.get(
    "/task/",
    response={200: list[schemas.LegacyTaskOut], **ERRORS},
    operation_id="legacy_list_slash",
)
def legacy_list(request):
    """Your tasks and those of lists shared with you, outside the trash, oldest
    first (streamed: any number of tasks costs the same memory)."""
    tasks = selectors.task_list(owner=request.auth.user, filters=TaskFilter(sort="created"))
    rows = tasks.values("id", "title", "description").iterator(chunk_size=LIST_CHUNK)
    return StreamingHttpResponse(_json_array(rows), content_type="application/json")


def _json_array(rows):
    """A JSON array of the original's task dicts, LIST_CHUNK items per piece."""
    separator = "["
    piece = []
    for row in rows:
        piece.append(separator + json.dumps({**row, "id": str(row["id"])}, ensure_ascii=False))
        separator = ", "
        if len(piece) == LIST_CHUNK:
            yield "".join(piece)
            piece = []
    piece.append("[]" if separator == "[" else "]")
    yield "".join(piece)


@router.post("/task/", response={200: schemas.LegacyTaskOut, **ERRORS})
@router.post(
    "/task", response={200: schemas.LegacyTaskOut, **ERRORS}, operation_id="legacy_create_no_slash"
)
def legacy_create(request, payload: schemas.LegacyTaskIn):
    """Add a task from {"title", "description"}; answers 200 as the original did."""
    task = services.task_create(owner=request.auth.user, **payload.model_dump())
    return json_response(_task_dict(task))


@router.get("/task/{title}", response={200: schemas.LegacyTaskOut, **ERRORS})
@router.get(
    "/task/{title}/",
    response={200: schemas.LegacyTaskOut, **ERRORS},
    operation_id="legacy_get_slash",
)
def legacy_get(request, title: str):
    """The task with this title."""
    return json_response(_task_dict(_task_by_title(request, title)))


@router.put(
    "/task/{title}/", response={200: schemas.LegacyTaskOut, **ERRORS}, openapi_extra=URI_TOO_LONG
)
@router.put(
    "/task/{title}",
    response={200: schemas.LegacyTaskOut, **ERRORS},
    operation_id="legacy_update_no_slash",
    openapi_extra=URI_TOO_LONG,
)
def legacy_update(request, title: str, desc: Query[schemas.LegacyDescQuery]):
    """Set the description of the task with this title (``?desc=...``)."""
    task = services.task_update(
        task=_task_by_title(request, title, write=True), by=request.auth.user, description=desc.desc
    )
    return json_response(_task_dict(task))


@router.delete("/task/{title}", response={200: schemas.LegacyTaskOut, **ERRORS})
@router.delete(
    "/task/{title}/",
    response={200: schemas.LegacyTaskOut, **ERRORS},
    operation_id="legacy_delete_slash",
)
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
