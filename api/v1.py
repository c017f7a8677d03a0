"""/api/v1/: tasks, tags and the caller's account.

Reads go through taskapp.tasks.selectors, writes through taskapp.tasks.services,
import/export through taskapp.tasks.exchange. Another user's task is looked up
like a missing one, so every route answers 404 for it.
"""

from uuid import UUID

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

from api import page_cache, planning, schemas
from api.errors import invalid_json, unsupported_media_type, validation_error
from api.parser import is_json, media_type
from api.render import TaskRenderer, json_response, task_response
from taskapp.accounts import zones
from taskapp.accounts.models import user_timezone
from taskapp.planning import exchange as plan_exchange
from taskapp.tasks import lists, selectors, services
from taskapp.tasks.models import Priority

router = Router(tags=["tasks"])

ERRORS = {
    code: schemas.ErrorOut for code in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 503)
}
# The API's bulk action names -> the domain's (schemas.BULK_API_NAMES reversed).
BULK_ACTION_NAMES = {api: domain for domain, api in schemas.BULK_API_NAMES.items()}


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The task's ETag as you last read it; the write answers 412 "
    "precondition_failed if the task changed since. `*` or no header: not checked "
    "against a version you saw, but a write to the same task landing during the "
    "request still answers 412 (retry).",
}
ETAG = {
    "description": 'The task\'s version, e.g. "0b6f1c9e...-3"; send it back in If-Match.',
    "schema": {"type": "string"},
}


def _headers_doc(*, if_match: bool = False, etag_on: int | None = None) -> dict:
    """openapi_extra describing the If-Match request header and the ETag response
    header (ninja documents neither from the view's signature)."""
    extra: dict = {}
    if if_match:
        extra["parameters"] = [IF_MATCH]
    if etag_on is not None:
        extra["responses"] = {etag_on: {"headers": {"ETag": ETAG}}}
    return extra


def _owner(request):
    return request.auth.user


def _get_task(request, task_id, write: bool = True):
    """The caller's (or a shared list's) task; 404 if they cannot see it, 403 if
    ``write`` and they may only view it."""
    return selectors.get_task(owner=_owner(request), task_id=task_id, write=write)


STALE = 0  # versions start at 1


def _expected_version(request, task) -> int | None:
    """The version If-Match asks for: None without the header or with ``*``.

    A header that does not list the task's current ETag asks for a version that
    does not exist (STALE); one that does pins the write to this version (the
    services compare-and-set it).
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    if task.etag not in [tag.strip() for tag in header.split(",")]:
        # No version is 0: the service refuses with StaleVersion (412), after it
        # has validated the body (a bad body is a 422 whatever the header says).
        return STALE
    return task.version


def _reject_unknown_params(request, *schemas_) -> None:
    """422 for a query parameter no schema names: a typo (``?stauts=open``) must not
    answer every task as if no filter had been asked for."""
    known = {name for schema in schemas_ for name in schema.model_fields}
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise validation_error(
            {name: ["Unknown query parameter."] for name in unknown},
            f"Unknown query parameter(s): {', '.join(unknown)}.",
        )


def _task_filter(query: schemas.TaskQuery) -> selectors.TaskFilter:
    return selectors.TaskFilter(
        status=query.status,
        tag=query.tag,
        priority=int(Priority.from_name(query.priority)) if query.priority else None,
        q=query.q,
        due_before=query.due_before,
        due_after=query.due_after,
        overdue=query.overdue,
        trash=query.trash,
        list_id=query.list,
        sort=query.sort,
    )


def _next_url(request, page: schemas.PageQuery, total: int) -> str | None:
    if page.offset + page.limit >= total:
        return None
    params = request.GET.copy()
    params["offset"] = str(page.offset + page.limit)
    params["limit"] = str(page.limit)
    return f"{request.build_absolute_uri(request.path)}?{params.urlencode()}"


# --- Collection -------------------------------------------------------------------


@router.get("/tasks", response={200: schemas.TaskPage, **ERRORS}, url_name="task_list")
def list_tasks(request, query: Query[schemas.TaskQuery], page: Query[schemas.PageQuery]):
    """List your tasks, filtered, sorted and one page at a time."""
    _reject_unknown_params(request, schemas.TaskQuery, schemas.PageQuery)
    owner, today = _owner(request), timezone.localdate()
    access = lists.Access.of(owner)
    # Lazy, but checks the list filter now (404 for a list the user cannot see).
    tasks = selectors.task_list(
        owner=owner, filters=_task_filter(query), today=today, access=access
    )
    # Read before the page is built: see api.page_cache.
    state = selectors.visible_state(access)

    def build() -> bytes:
        return _task_page(request, tasks, page, today)

    body = page_cache.cached_page(request, access, today, state, build)
    return HttpResponse(body, content_type="application/json")


def _task_page(request, tasks, page: schemas.PageQuery, today) -> bytes:
    total = tasks.count()
    renderer = TaskRenderer(request, today=today)
    rows = tasks.values(*TaskRenderer.COLUMNS)[page.offset : page.offset + page.limit]
    page_json = {
        "items": [renderer.row(row) for row in rows],
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
        "next": _next_url(request, page, total),
    }
    return json_response(page_json).content


@router.post(
    "/tasks",
    response={201: planning.TaskCreated, **ERRORS},
    url_name="task_create",
    openapi_extra=_headers_doc(etag_on=201),
)
def create_task(request, payload: schemas.TaskIn, parse: bool = False):
    """Create a task. Answers 201 with a Location header.

    With `?parse=true` the title is a quick-add line: "Pay rent tomorrow !high #home
    @Bills every month" sets the due date, priority, tags, list and a repeat rule
    (fields sent beside it win), and the answer adds `parsed`: the line as typed and
    what was read from it. Preview with POST /tasks/parse."""
    fields = payload.model_dump(exclude_unset=True)
    if not parse:
        task = services.task_create(owner=_owner(request), **fields)
        response = task_response(request, task, status=201)
        response["Location"] = TaskRenderer(request).task(task)["url"]
        return response
    task, parsed = planning.quick_add(request, fields)
    body = {**TaskRenderer(request).task(task), "parsed": parsed}
    return json_response(body, status=201, headers={"ETag": task.etag, "Location": body["url"]})


@router.get(
    "/tasks/export",
    response={200: list[schemas.TaskExport], **ERRORS},
    url_name="task_export",
    openapi_extra={
        "responses": {200: {"content": {"application/json": {}, "text/csv": {}}}},
    },
)
def export_tasks(request, fmt: Query[schemas.ExportQuery], query: Query[schemas.TaskQuery]):
    """Download your tasks (the list filters apply) as JSON or CSV."""
    _reject_unknown_params(request, schemas.TaskQuery, schemas.ExportQuery)
    tasks = selectors.task_list(owner=_owner(request), filters=_task_filter(query))
    # Streamed: the rows are read and written in chunks (constant memory).
    if fmt.format == "csv":
        content, content_type = plan_exchange.iter_export_csv(tasks), "text/csv; charset=utf-8"
    else:
        content, content_type = plan_exchange.iter_export_json(tasks), "application/json"
    filename = f"taskapp-{timezone.localdate().isoformat()}.{fmt.format}"
    return StreamingHttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _import_rows(request):
    kind = media_type(request)
    if kind == "text/csv":
        return plan_exchange.parse(request.body, "csv")
    if is_json(kind):
        try:
            return plan_exchange.parse(request.body, "json")
        except plan_exchange.ImportFileError as exc:
            if exc.syntax:  # broken JSON is invalid_json (400), as for every body
                raise invalid_json(exc.detail) from None
            raise
    raise unsupported_media_type(("application/json", "text/csv"))


@router.post(
    "/tasks/import",
    response={201: schemas.ImportOut, **ERRORS},
    url_name="task_import",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"type": "array", "items": schemas.IMPORT_ROW},
                            {
                                "type": "object",
                                "properties": {
                                    "tasks": {"type": "array", "items": schemas.IMPORT_ROW}
                                },
                                "required": ["tasks"],
                            },
                        ]
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def import_tasks(request):
    """Create many tasks from a JSON array or a CSV file (an export's columns).

    All or nothing: every row is validated first; errors name the row numbers
    (JSON: the item's position from 1; CSV: the line in the file).
    """
    tasks = plan_exchange.tasks_import(owner=_owner(request), rows=_import_rows(request))
    ids = [str(task.id) for task in tasks]
    return json_response({"imported": len(ids), "ids": ids}, status=201)


@router.post("/tasks/bulk", response={200: schemas.BulkOut, **ERRORS}, url_name="task_bulk")
def bulk_tasks(request, payload: schemas.BulkIn):
    """Mark done, reopen, delete (to the trash), restore, purge or move (to `list`)
    many tasks at once. 403 forbidden, and nothing changes, if any of them is in a
    list you may only view."""
    action = BULK_ACTION_NAMES.get(payload.action, payload.action)
    result = services.tasks_bulk(
        owner=_owner(request), ids=payload.ids, action=action, list_id=payload.list
    )
    planning.after_bulk(request, action, result.touched)
    return json_response(
        {
            "action": payload.action,
            "touched": [str(pk) for pk in result.touched],
            "unchanged": [str(pk) for pk in result.unchanged],
            "not_found": [str(pk) for pk in result.not_found],
        }
    )


# --- One task ---------------------------------------------------------------------


IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "ETags you hold; 304 Not Modified (no body) when one is current.",
}


def _not_modified(request, etag: str) -> bool:
    """Whether If-None-Match names the current ETag (weak comparison, RFC 9110)."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    held = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in held or etag in held


@router.get(
    "/tasks/{task_id}",
    response={200: schemas.TaskOut, 304: None, **ERRORS},
    url_name="task_detail",
    openapi_extra={
        "parameters": [IF_NONE_MATCH],
        "responses": {200: {"headers": {"ETag": ETAG}}, 304: {"headers": {"ETag": ETAG}}},
    },
)
def get_task(request, task_id: UUID):
    """One task, with its ETag header (also when it is in the trash). Honours
    If-None-Match: 304 when the task has not changed."""
    task = _get_task(request, task_id, write=False)
    if _not_modified(request, task.etag):
        return HttpResponse(status=304, headers={"ETag": task.etag})
    return task_response(request, task)


@router.put(
    "/tasks/{task_id}",
    response={200: schemas.TaskOut, **ERRORS},
    url_name="task_put",
    openapi_extra=_headers_doc(if_match=True, etag_on=200),
)
def replace_task(request, task_id: UUID, payload: schemas.TaskIn):
    """Replace a task: fields left out go back to their defaults. Honours If-Match."""
    task = _get_task(request, task_id)
    before = planning.before_write(task)
    task = services.task_replace(
        task=task,
        expected_version=_expected_version(request, task),
        by=_owner(request),
        **payload.model_dump(exclude_unset=True),
    )
    planning.after_write(task, before)
    return task_response(request, task)


@router.patch(
    "/tasks/{task_id}",
    response={200: schemas.TaskOut, **ERRORS},
    url_name="task_patch",
    openapi_extra=_headers_doc(if_match=True, etag_on=200),
)
def update_task(request, task_id: UUID, payload: schemas.TaskPatch):
    """Change the fields sent, nothing else. Honours If-Match."""
    task = _get_task(request, task_id)
    before = planning.before_write(task)
    task = services.task_update(
        task=task,
        expected_version=_expected_version(request, task),
        by=_owner(request),
        **payload.model_dump(exclude_unset=True),
    )
    planning.after_write(task, before)
    return task_response(request, task)


@router.delete(
    "/tasks/{task_id}",
    response={204: None, **ERRORS},
    url_name="task_delete",
    openapi_extra=_headers_doc(if_match=True, etag_on=204),
)
def delete_task(request, task_id: UUID):
    """Move a task to the trash (restore it with POST .../restore). Honours If-Match."""
    task = _get_task(request, task_id)
    task = services.task_trash(
        task=task, expected_version=_expected_version(request, task), by=_owner(request)
    )
    return HttpResponse(status=204, headers={"ETag": task.etag})


@router.post(
    "/tasks/{task_id}/restore",
    response={200: schemas.TaskOut, **ERRORS},
    url_name="task_restore",
    openapi_extra=_headers_doc(if_match=True, etag_on=200),
)
def restore_task(request, task_id: UUID):
    """Take a task out of the trash. Honours If-Match."""
    task = _get_task(request, task_id)
    task = services.task_restore(
        task=task, expected_version=_expected_version(request, task), by=_owner(request)
    )
    return task_response(request, task)


@router.delete(
    "/tasks/{task_id}/permanent",
    response={204: None, **ERRORS},
    url_name="task_purge",
    openapi_extra=_headers_doc(if_match=True),
)
def purge_task(request, task_id: UUID):
    """Delete a task for good, in the trash or not. Honours If-Match."""
    task = _get_task(request, task_id)
    services.task_delete_forever(task=task, expected_version=_expected_version(request, task))
    return HttpResponse(status=204)


# --- Tags and account -------------------------------------------------------------


@router.get("/tags", response={200: schemas.TagsOut, **ERRORS}, tags=["tags"], url_name="tags")
def list_tags(request):
    """Every tag used on your tasks outside the trash, sorted."""
    return json_response({"items": selectors.owner_tags(owner=_owner(request))})


def _me(request) -> HttpResponse:
    user = _owner(request)
    return json_response(
        {
            "username": user.get_username(),
            "email": user.email,
            "timezone": user_timezone(user).key,
            "token": request.auth.name,
            "counts": selectors.task_counts(owner=user),
        }
    )


@router.get("/me", response={200: schemas.MeOut, **ERRORS}, tags=["account"], url_name="me")
def me(request):
    """Who the token belongs to, their time zone and their task counts."""
    return _me(request)


@router.patch(
    "/me", response={200: schemas.MeOut, **ERRORS}, tags=["account"], url_name="me_update"
)
def me_update(request, payload: schemas.MeIn):
    """Change your time zone (an IANA name such as "Europe/Berlin"): due times and
    reminders are read in it."""
    zones.set_timezone(_owner(request), payload.timezone)
    return _me(request)
