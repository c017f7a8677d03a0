"""A task as the outside world sees it, declared once.

``TASK_FIELDS`` drives everything that lists a task's fields: the API's task
(api.render builds it, api.schemas publishes it as TaskOut), the columns of
exports and imports (taskapp.tasks.exchange), the fields the services accept
and the defaults of a PUT (taskapp.tasks.services), and the admin's form.
Adding a field here adds it everywhere; tests/api checks every API response
against the published schema.

The limits and enum values live with the model (taskapp.tasks.models); the caps
of one request (page size, bulk ids, import rows) are here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from taskapp.tasks.models import (
    DESCRIPTION_MAX,
    PRIORITY_KEYS,
    TAGS_MAX,
    TITLE_MAX,
    Priority,
    Status,
)

PAGE_LIMIT_DEFAULT = 50
PAGE_LIMIT_MAX = 100
# Far past any list, and within every database's 64-bit integers.
PAGE_OFFSET_MAX = 1_000_000_000
# A search text or a tag in a query string.
QUERY_TEXT_MAX = 200
BULK_MAX_IDS = 1_000
BULK_ACTIONS = ("done", "reopen", "trash", "restore", "purge")
IMPORT_MAX_ROWS = 10_000

STATUS_NAMES = tuple(Status.values)  # ("open", "done")
PRIORITY_NAMES = tuple(PRIORITY_KEYS.values())  # ("low", "normal", "high", "urgent")

REQUIRED = object()  # the default of a field that has none (the title)


def iso(value) -> str | None:
    """A date or datetime as ISO 8601 text (None stays None)."""
    return value.isoformat() if value is not None else None


def hhmm(value) -> str | None:
    """A time of day as "HH:MM" (None stays None)."""
    return value.strftime("%H:%M") if value is not None else None


@dataclass(frozen=True)
class TaskField:
    name: str  # the key in the API, in exports and in imports
    column: str  # the Task model field it is stored in
    type: Any  # the Python type of its JSON value: what OpenAPI publishes
    to_json: Callable | None = None  # stored value -> JSON value (None: as stored)
    editable: bool = False  # clients set it: create, PUT, PATCH, import
    default: Any = None  # what a create or a PUT takes when the field is left out
    exported: bool = True  # a column of exports
    description: str = ""


TASK_FIELDS: tuple[TaskField, ...] = (
    TaskField("id", "id", UUID, to_json=str),
    TaskField(
        "title",
        "title",
        str,
        editable=True,
        default=REQUIRED,
        description=f"1-{TITLE_MAX} characters; surrounding and repeated spaces removed.",
    ),
    TaskField(
        "description",
        "description",
        str,
        editable=True,
        default="",
        description=f"Up to {DESCRIPTION_MAX:,} characters.",
    ),
    TaskField("status", "status", Literal[STATUS_NAMES], editable=True, default=Status.OPEN.value),
    TaskField(
        "priority",
        "priority",
        Literal[PRIORITY_NAMES],
        to_json=PRIORITY_KEYS.__getitem__,
        editable=True,
        default=Priority.NORMAL.key,
    ),
    TaskField("due_date", "due_date", date | None, to_json=iso, editable=True),
    TaskField(
        "due_time",
        "due_time",
        str | None,
        to_json=hhmm,
        editable=True,
        description="HH:MM on the due date, in the owner's time zone; needs a due_date.",
    ),
    TaskField(
        "tags",
        "tag_names",
        list[str],
        editable=True,
        default=(),
        description=f"Up to {TAGS_MAX} labels, normalised to lower-case-dashes.",
    ),
    TaskField(
        "list",
        "task_list_id",
        UUID,
        to_json=lambda value: str(value) if value is not None else None,
        editable=True,
        default=None,
        description="The id of the task's list (GET /api/v1/lists); left out: your Inbox. "
        "Exports carry the list's name; imports accept an id or a name.",
    ),
    TaskField(
        "updated_by",
        "updated_by",
        str,
        exported=False,
        description="The username of whoever changed the task last (lists can be shared).",
    ),
    TaskField("created_at", "created_at", datetime, to_json=iso),
    TaskField("updated_at", "updated_at", datetime, to_json=iso),
    TaskField("completed_at", "completed_at", datetime | None, to_json=iso),
    # Exports list live tasks; whether one is in the trash is the API's business.
    TaskField("deleted_at", "deleted_at", datetime | None, to_json=iso, exported=False),
)

EDITABLE_FIELDS = tuple(field.name for field in TASK_FIELDS if field.editable)
EXPORT_COLUMNS = tuple(field.name for field in TASK_FIELDS if field.exported)
# The values a PUT gives the fields it leaves out (the title has none: required).
PUT_DEFAULTS = {
    field.name: field.default
    for field in TASK_FIELDS
    if field.editable and field.default is not REQUIRED
}
# The model columns the fields are read from: what a page of tasks selects with
# .values() (plus whatever the caller derives more from, e.g. the version).
COLUMNS = tuple(field.column for field in TASK_FIELDS)

# (name, column, conversion) triples: task_fields runs once per row of a page,
# so the loop reads plain tuples rather than dataclass attributes.
_CONVERSIONS = tuple((field.name, field.column, field.to_json) for field in TASK_FIELDS)


def task_fields(row: dict) -> dict:
    """A task's fields as JSON-ready values, in TASK_FIELDS order.

    ``row`` is a ``.values(*COLUMNS)`` row or ``task.__dict__``: a page of the API
    is rendered from rows, as building model instances costs more than rendering.
    """
    return {
        name: row[column] if convert is None else convert(row[column])
        for name, column, convert in _CONVERSIONS
    }
