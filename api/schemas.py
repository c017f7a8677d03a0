"""Request and response shapes: what pydantic validates and OpenAPI describes.

Input schemas forbid unknown fields (422 naming the field). The domain services
do the real validation (lengths, tag rules, trimming); these only check types.
Responses are built as plain dicts by api.render (fast); the task's output
schemas are made from the same declaration (taskapp.tasks.fields), and the API
tests check every response against the published schema.
"""

import re
from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    StrictBool,
    TypeAdapter,
    WithJsonSchema,
    create_model,
)

from api.render import TaskRenderer
from taskapp.tasks.fields import (
    BULK_ACTIONS,
    BULK_MAX_IDS,
    EXPORT_COLUMNS,
    PAGE_LIMIT_DEFAULT,
    PAGE_LIMIT_MAX,
    PAGE_OFFSET_MAX,
    PRIORITY_NAMES,
    PUT_DEFAULTS,
    QUERY_TEXT_MAX,
    STATUS_NAMES,
    TASK_FIELDS,
)
from taskapp.tasks.models import (
    DESCRIPTION_MAX,
    LIST_COLOURS,
    LIST_NAME_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    Role,
)
from taskapp.tasks.selectors import DEFAULT_SORT, SORT_FIELDS


def _lower(value):
    # "Done" and " HIGH " are accepted as on import and in the UI.
    return value.strip().lower() if isinstance(value, str) else value


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_text(value):
    # Only YYYY-MM-DD: pydantic alone also reads numbers as Unix timestamps
    # (?due_before=0 was 1970-01-01).
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.match(value)):
        return value
    raise ValueError("Expected a date as YYYY-MM-DD.")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
SORT_VALUES = tuple(prefix + key for key in SORT_FIELDS for prefix in ("", "-"))
SortName = Literal[SORT_VALUES]
StatusName = Annotated[Literal[STATUS_NAMES], BeforeValidator(_lower)]
PriorityName = Annotated[Literal[PRIORITY_NAMES], BeforeValidator(_lower)]
# The domain's bulk actions, but "delete" means "to the trash" here, as
# DELETE /tasks/{id} does.
BULK_API_NAMES = {"trash": "delete"}
BULK_API_ACTIONS = (*(BULK_API_NAMES.get(action, action) for action in BULK_ACTIONS), "move")
# name -> (type, description) of the declared task fields.
_DECLARED = {field.name: (field.type, field.description) for field in TASK_FIELDS}
SORT_HELP = (
    f"One of {', '.join(SORT_FIELDS)}; prefix with '-' for descending. Default {DEFAULT_SORT}."
)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class StrictOut(Schema):
    # Published as additionalProperties: false.
    model_config = ConfigDict(extra="forbid")


# --- Errors -----------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. validation_error.")
    message: str = Field(description="What went wrong, for people.")
    fields: dict | None = Field(
        None, description="Per-field messages: {field: [messages]}; imports: {rows: {n: {...}}}."
    )


class ErrorOut(Schema):
    error: ErrorDetail


# --- Tasks ------------------------------------------------------------------------


# The published constraints of the text fields (api.md "Tasks"). The domain
# validators (taskapp.tasks.validators) enforce them with their own messages, so
# they are only published here: lengths and counts (counted after trimming and
# normalising, so a title of 200 characters plus padding still fits), no control
# characters, a title not blank, a tag that normalises to a label (or to nothing).
_NO_CONTROL = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
TITLE_PATTERN = rf"^{_NO_CONTROL}*[^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85]{_NO_CONTROL}*$"
DESCRIPTION_PATTERN = rf"^{_NO_CONTROL}*$"
# Blanks as str.split() sees them, but for the control characters among them.
_BLANK = r"[^\S\x0b\x0c\x1c-\x1f]"
TAG_INPUT_PATTERN = rf"^{_BLANK}*(?:#*\w[\w.+#/:-]*(?:{_BLANK}+[\w.+#/:-]+)*|#*){_BLANK}*$"

Title = Annotated[
    str,
    Field(
        description=_DECLARED["title"][1],
        json_schema_extra={"maxLength": TITLE_MAX, "pattern": TITLE_PATTERN},
    ),
]
Description = Annotated[
    str, Field(json_schema_extra={"maxLength": DESCRIPTION_MAX, "pattern": DESCRIPTION_PATTERN})
]
TagInput = Annotated[
    str, Field(json_schema_extra={"maxLength": TAG_MAX, "pattern": TAG_INPUT_PATTERN})
]
Tags = Annotated[list[TagInput], Field(json_schema_extra={"maxItems": TAGS_MAX})]


class TaskIn(Strict):
    """A whole task (POST, PUT). Fields left out take their defaults."""

    title: Title
    description: Description | None = Field(
        PUT_DEFAULTS["description"], description=f"{_DECLARED['description'][1]} null: none."
    )
    status: StatusName = PUT_DEFAULTS["status"]
    priority: PriorityName = PUT_DEFAULTS["priority"]
    due_date: IsoDate | None = PUT_DEFAULTS["due_date"]
    due_time: str | None = Field(PUT_DEFAULTS["due_time"], description=_DECLARED["due_time"][1])
    tags: Tags | None = Field(
        default_factory=lambda: list(PUT_DEFAULTS["tags"]),
        description=f"{_DECLARED['tags'][1]} null: none.",
    )
    # Last: the name shadows the builtin for the rest of the class body.
    list: UUID | None = Field(None, description=_DECLARED["list"][1])


def _import_row() -> dict:
    """One row of a JSON import, as the import reads it: TaskIn's fields, read as
    CSV cells are (tags also as one comma-separated text, priority also as its
    number, status, priority and due date as any text the validators then check),
    and an export's other columns, which are ignored."""
    row = {**TaskIn.model_json_schema(), "title": "ImportRow", "description": "One imported task."}
    properties = row["properties"]
    properties["tags"] = {"anyOf": [*properties["tags"]["anyOf"], {"type": "string"}]}
    properties["priority"] = {
        "anyOf": [
            properties["priority"],
            {"type": "integer", "minimum": 1, "maximum": 4},
            {"type": "string"},
        ]
    }
    # As CSV cells: any case, blanks around, "" for the default or no date.
    properties["status"] = {"anyOf": [properties["status"], {"type": "string"}]}
    properties["due_date"] = {"anyOf": [*properties["due_date"]["anyOf"], {"type": "string"}]}
    for name in EXPORT_COLUMNS:
        properties.setdefault(name, {"description": "An export's column; ignored."})
    return row


def _null_refused(annotation):
    """``annotation`` or None in Python, published as ``annotation`` alone: a
    field left out is None, an explicit null reaches the domain validators,
    which refuse it with their message ("Title must be text.")."""
    return Annotated[annotation | None, WithJsonSchema(TypeAdapter(annotation).json_schema())]


IMPORT_ROW = _import_row()


class TaskPatch(Strict):
    """Some fields of a task (PATCH); only the fields sent change."""

    title: _null_refused(Title) = None
    description: Description | None = None
    status: _null_refused(StatusName) = None
    priority: _null_refused(PriorityName) = None
    due_date: IsoDate | None = None
    tags: Tags | None = None
    due_time: str | None = None
    list: UUID | None = None  # last: shadows the builtin


def _task_schema(name: str, fields_: dict, doc: str) -> type[Schema]:
    """An output schema from (type, description) pairs; unknown keys are refused,
    so the published schema says exactly what a response holds."""
    return create_model(
        name,
        __base__=StrictOut,
        __doc__=doc,
        **{key: (kind, Field(description=text or None)) for key, (kind, text) in fields_.items()},
    )


TaskOut = _task_schema(
    "TaskOut",
    {"id": _DECLARED["id"], **TaskRenderer.DERIVED, **_DECLARED},
    "A task as the API shows it.",
)
TaskExport = _task_schema(
    "TaskExport",
    {
        **{name: _DECLARED[name] for name in EXPORT_COLUMNS},
        "list": (str, "The name of the task's list (imports take a name or a list id)."),
        # The plan (taskapp.planning.exchange): in CSV, JSON text in the cell.
        "subtasks": (list[dict], 'The checklist: [{"title": ..., "done": ...}].'),
        "recurrence": (dict | None, "The repeat rule as in .../recurrence, or null."),
    },
    "A task in a JSON export (CSV exports have the same columns).",
)


class TaskPage(Schema):
    items: list[TaskOut]
    total: int
    limit: int
    offset: int
    next: str | None = Field(description="Absolute URL of the next page, or null.")


class TaskQuery(Schema):
    status: StatusName | None = None
    tag: str | None = Field(None, max_length=QUERY_TEXT_MAX)
    priority: PriorityName | None = None
    q: str | None = Field(
        None, max_length=QUERY_TEXT_MAX, description="Text searched in title and description."
    )
    due_before: IsoDate | None = Field(None, description="Due on or before this date.")
    due_after: IsoDate | None = Field(None, description="Due on or after this date.")
    overdue: bool | None = Field(None, description="Open and due before today (or not).")
    trash: bool = Field(False, description="List the trash instead of the active tasks.")
    list: UUID | None = Field(None, description="Only the tasks of this list.")
    sort: SortName = Field(DEFAULT_SORT, description=SORT_HELP)


class PageQuery(Schema):
    limit: int = Field(PAGE_LIMIT_DEFAULT, ge=1, le=PAGE_LIMIT_MAX)
    offset: int = Field(0, ge=0, le=PAGE_OFFSET_MAX)


class ExportQuery(Schema):
    format: Literal["json", "csv"] = "json"


class BulkIn(Strict):
    action: Literal[BULK_API_ACTIONS] = Field(
        description="done, reopen, delete (to the trash), restore (from the trash), "
        "purge (delete for good)."
    )
    ids: list[UUID] = Field(min_length=1, max_length=BULK_MAX_IDS)
    list: UUID | None = Field(None, description="move: the list to move the tasks to.")


class BulkOut(Schema):
    action: str
    touched: list[UUID] = Field(description="Ids the action changed.")
    unchanged: list[UUID] = Field(description="Your tasks the action did not apply to.")
    not_found: list[UUID] = Field(description="Ids that are not among your tasks.")


class ImportOut(Schema):
    imported: int
    ids: list[UUID]


class TagsOut(Schema):
    items: list[str]


class MeOut(Schema):
    username: str
    email: str
    timezone: str = Field(description="The IANA time zone due times and reminders are read in.")
    token: str = Field(description="The name of the token used for this request.")
    counts: dict[str, int] = Field(description="open, done, overdue and trash counts.")


class MeIn(Strict):
    timezone: str = Field(
        max_length=64, description='An IANA time zone name, e.g. "Europe/Berlin".'
    )


# --- The original API -------------------------------------------------------------


class LegacyTaskIn(Strict):
    title: Title
    description: Description = ""


class LegacyDescQuery(Schema):
    desc: Description


class LegacyTaskOut(Schema):
    id: UUID
    title: str
    description: str


# --- Lists and sharing ------------------------------------------------------------

ListColour = Annotated[Literal[LIST_COLOURS], BeforeValidator(_lower)]
RoleName = Annotated[Literal[tuple(Role.values)], BeforeValidator(_lower)]


class ListIn(Strict):
    name: str = Field(description=f"1-{LIST_NAME_MAX} characters.")
    colour: ListColour = "grey"


class ListPatch(Strict):
    name: str | None = None
    colour: ListColour | None = None
    archived: StrictBool | None = Field(None, description="Archived lists leave the sidebar.")


class ListOut(StrictOut):
    id: UUID
    url: str
    name: str
    colour: str
    inbox: bool = Field(description="Your Inbox: cannot be renamed, archived or deleted.")
    owner: str = Field(description="The owner's username.")
    role: Literal["owner", "editor", "viewer"] = Field(description="Your role in the list.")
    open_count: int = Field(description="Open tasks outside the trash.")
    archived: bool
    deleted_at: str | None = Field(description="In the trash since (restore with .../restore).")


class ListPage(Schema):
    items: list[ListOut]


class ListQuery(Schema):
    archived: bool = Field(False, description="Archived lists instead of the active ones.")
    trash: bool = Field(False, description="Your deleted lists instead of the live ones.")


class MemberIn(Strict):
    username: str
    role: RoleName = "viewer"


class MemberOut(StrictOut):
    username: str
    role: Literal["viewer", "editor"]
    added_at: str


class MemberPage(Schema):
    owner: str
    items: list[MemberOut]


class TransferIn(Strict):
    username: str = Field(description="A member, who becomes the owner; you stay as an editor.")
