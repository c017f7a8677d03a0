"""Request and response shapes: what pydantic validates and OpenAPI describes.

Input schemas forbid unknown fields (422 naming the field). The domain services
do the real validation (lengths, tag rules, trimming); these only check types.
Responses are built as plain dicts by api.render (fast); the output schemas here
document them.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, field_validator

from taskapp.tasks.selectors import DEFAULT_SORT, SORT_FIELDS, sort_is_valid


def _lower(value):
    # "Done" and " HIGH " are accepted as on import and in the UI.
    return value.strip().lower() if isinstance(value, str) else value


StatusName = Annotated[Literal["open", "done"], BeforeValidator(_lower)]
PriorityName = Annotated[Literal["low", "normal", "high", "urgent"], BeforeValidator(_lower)]
SORT_HELP = (
    f"One of {', '.join(SORT_FIELDS)}; prefix with '-' for descending. Default {DEFAULT_SORT}."
)


class Strict(Schema):
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


class TaskIn(Strict):
    """A whole task (POST, PUT). Fields left out take their defaults."""

    title: str = Field(description="1-200 characters; surrounding and repeated spaces removed.")
    description: str | None = Field("", description="Up to 10,000 characters; null: none.")
    status: StatusName = "open"
    priority: PriorityName = "normal"
    due_date: date | None = None
    tags: list[str] | None = Field(
        default_factory=list,
        description="Up to 20 labels, normalised to lower-case-dashes; null: none.",
    )


class TaskPatch(Strict):
    """Some fields of a task (PATCH); only the fields sent change."""

    title: str | None = None
    description: str | None = None
    status: StatusName | None = None
    priority: PriorityName | None = None
    due_date: date | None = None
    tags: list[str] | None = None


class TaskOut(Schema):
    id: UUID
    url: str
    title: str
    description: str
    status: StatusName
    priority: PriorityName
    due_date: date | None
    tags: list[str]
    overdue: bool
    in_trash: bool
    etag: str = Field(description="The value to send in If-Match to update this version.")
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    deleted_at: datetime | None


class TaskPage(Schema):
    items: list[TaskOut]
    total: int
    limit: int
    offset: int
    next: str | None = Field(description="Absolute URL of the next page, or null.")


class TaskQuery(Schema):
    status: StatusName | None = None
    tag: str | None = None
    priority: PriorityName | None = None
    q: str | None = Field(None, description="Text searched in title and description.")
    due_before: date | None = Field(None, description="Due on or before this date.")
    due_after: date | None = Field(None, description="Due on or after this date.")
    overdue: bool | None = Field(None, description="Open and due before today (or not).")
    trash: bool = Field(False, description="List the trash instead of the active tasks.")
    sort: str = Field(DEFAULT_SORT, description=SORT_HELP)

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value):
        if not sort_is_valid(value):
            raise ValueError(SORT_HELP)
        return value


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0)


class ExportQuery(Schema):
    format: Literal["json", "csv"] = "json"


class BulkIn(Strict):
    action: Literal["done", "reopen", "delete", "restore", "purge"] = Field(
        description="done, reopen, delete (to the trash), restore (from the trash), "
        "purge (delete for good)."
    )
    ids: list[UUID] = Field(min_length=1, max_length=1000)


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
    token: str = Field(description="The name of the token used for this request.")
    counts: dict[str, int] = Field(description="open, done, overdue and trash counts.")


# --- The original API -------------------------------------------------------------


class LegacyTaskIn(Strict):
    title: str
    description: str = ""


class LegacyTaskOut(Schema):
    id: UUID
    title: str
    description: str


class RootOut(Schema):
    name: str
    version: str
    links: dict[str, str]
