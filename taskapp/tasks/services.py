"""Every write to tasks goes through here; the API and the UI both call these.

MongoDB has no multi-document transactions without a replica set (Django's
``atomic()`` is a no-op there), so each function is written to stay correct
without one (docs/decisions/0003-transactions-on-mongodb.md):
- validate everything first, write second, so bad input never writes anything;
- single-row changes are one compare-and-set update on (id, version), which
  MongoDB applies atomically to the one document;
- multi-row writes (import) undo what they wrote if a later write fails.
On SQLite the same blocks also run inside a real transaction.
"""

from contextlib import nullcontext
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from taskapp.tasks.models import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Priority,
    Status,
    Task,
    TaskTag,
    normalize_tags,
)

EDITABLE_FIELDS = ("title", "description", "status", "priority", "due_date", "tags")
IMPORT_MAX_ROWS = 10_000


class StaleVersion(Exception):
    """The task changed since the caller read it (a stale If-Match or a race)."""


class ImportRejected(Exception):
    """Some import rows are invalid; nothing was imported.

    ``errors`` maps a row number to ``{field: [messages]}``.
    """

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        super().__init__(f"{len(errors)} invalid row(s)")
        self.errors = errors


def write_block():
    """A transaction where the database has one; see the module docstring."""
    if connection.vendor == "mongodb":
        return nullcontext()
    return transaction.atomic()


# --- Validation: raw values in, domain values out ---------------------------------


def _clean_title(value) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Title must be text."), code="invalid")
    title = " ".join(value.split())
    if not title:
        raise ValidationError(_("Title is required."), code="required")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _("Title must be at most %(max)d characters (it has %(len)d).")
            % {"max": TITLE_MAX, "len": len(title)},
            code="max_length",
        )
    return title


def _clean_description(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Description must be text."), code="invalid")
    description = value.strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            _("Description must be at most %(max)d characters.") % {"max": DESCRIPTION_MAX},
            code="max_length",
        )
    return description


def _clean_status(value) -> str:
    if value not in Status.values:
        raise ValidationError(_("Status must be open or done."), code="invalid_choice")
    return value


def _clean_priority(value) -> int:
    if isinstance(value, Priority):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in Priority.values:
        return value
    if isinstance(value, str):
        return int(Priority.from_name(value.strip() or "normal"))
    raise ValidationError(
        _("Priority must be one of low, normal, high, urgent."), code="invalid_choice"
    )


def _clean_due_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise ValidationError(_("Due date must be a date (YYYY-MM-DD)."), code="invalid")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed:
            return parsed
    raise ValidationError(_("Due date must be a date (YYYY-MM-DD)."), code="invalid")


_CLEANERS = {
    "title": _clean_title,
    "description": _clean_description,
    "status": _clean_status,
    "priority": _clean_priority,
    "due_date": _clean_due_date,
    "tags": normalize_tags,
}


def clean_task_fields(data: dict) -> dict:
    """Validate the given fields; return domain values or raise one ValidationError
    whose message_dict names every bad field."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    errors: dict[str, list[str]] = {
        name: [_("Unknown field.")] for name in sorted(unknown)
    }
    cleaned = {}
    for name, value in data.items():
        if name in unknown:
            continue
        try:
            cleaned[name] = _CLEANERS[name](value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Single tasks -----------------------------------------------------------------


def _apply(task: Task, cleaned: dict, now) -> list[str]:
    """Set cleaned values on the task; return the names of changed model fields."""
    changed = []
    for name, value in cleaned.items():
        if name == "status":
            if value != task.status:
                task.set_status(value, now)
                changed += ["status", "completed_at"]
        elif name == "tags":
            if value != task.tag_names:
                task.tag_names = value
                changed.append("tag_names")
        elif getattr(task, name) != value:
            setattr(task, name, value)
            changed.append(name)
    return changed


def _sync_tag_rows(task: Task) -> None:
    wanted = set(task.tag_names)
    existing = set(TaskTag.objects.filter(task=task).values_list("name", flat=True))
    if existing - wanted:
        TaskTag.objects.filter(task=task, name__in=existing - wanted).delete()
    missing = [name for name in task.tag_names if name not in existing]
    if missing:
        TaskTag.objects.bulk_create(
            [TaskTag(task=task, owner_id=task.owner_id, name=name) for name in missing]
        )


def _compare_and_set(task: Task, fields: list[str], expected_version: int | None, now) -> None:
    """Write ``fields`` only if the stored version is the one expected; bump it."""
    expected = task.version if expected_version is None else expected_version
    values = {name: getattr(task, name) for name in fields}
    updated = Task.objects.filter(pk=task.pk, version=expected).update(
        **values, updated_at=now, version=expected + 1
    )
    if not updated:
        raise StaleVersion
    task.version = expected + 1
    task.updated_at = now


def task_create(*, owner, **fields) -> Task:
    """Create a task from raw field values (title required)."""
    fields.setdefault("title", "")
    cleaned = clean_task_fields(fields)
    now = timezone.now()
    task = Task(owner=owner, created_at=now, updated_at=now)
    _apply(task, cleaned, now)
    with write_block():
        task.save(force_insert=True)
        _sync_tag_rows(task)
    return task


def task_update(*, task: Task, expected_version: int | None = None, **fields) -> Task:
    """Change some fields (PATCH semantics). Raises ValidationError or StaleVersion."""
    cleaned = clean_task_fields(fields)
    if expected_version is not None and expected_version != task.version:
        raise StaleVersion
    now = timezone.now()
    changed = _apply(task, cleaned, now)
    if not changed:
        return task
    with write_block():
        _compare_and_set(task, changed, expected_version, now)
        if "tag_names" in changed:
            _sync_tag_rows(task)
    return task


def task_replace(*, task: Task, expected_version: int | None = None, **fields) -> Task:
    """PUT semantics: fields left out go back to their defaults."""
    full = {"description": "", "status": Status.OPEN, "priority": Priority.NORMAL,
            "due_date": None, "tags": [], "title": ""}
    full.update(fields)
    return task_update(task=task, expected_version=expected_version, **full)


def task_set_status(*, task: Task, status: str, expected_version: int | None = None) -> Task:
    return task_update(task=task, expected_version=expected_version, status=status)


def task_trash(*, task: Task, expected_version: int | None = None) -> Task:
    """Move to the trash; the task keeps everything and can be restored."""
    if task.in_trash:
        return task
    now = timezone.now()
    task.deleted_at = now
    _compare_and_set(task, ["deleted_at"], expected_version, now)
    return task


def task_restore(*, task: Task) -> Task:
    if not task.in_trash:
        return task
    now = timezone.now()
    task.deleted_at = None
    _compare_and_set(task, ["deleted_at"], None, now)
    return task


def task_delete_forever(*, task: Task, expected_version: int | None = None) -> None:
    if expected_version is not None and expected_version != task.version:
        raise StaleVersion
    with write_block():
        TaskTag.objects.filter(task=task).delete()
        Task.objects.filter(pk=task.pk).delete()


# --- Many tasks -------------------------------------------------------------------

BULK_ACTIONS = ("done", "reopen", "trash", "restore", "delete")


def tasks_bulk(*, owner, ids, action: str) -> list:
    """Apply ``action`` to the owner's tasks among ``ids``; return the ids it touched.

    Ids of other users' tasks are treated like unknown ids: silently not touched.
    """
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": [_("Unknown action.")]})
    tasks = Task.objects.owned_by(owner).filter(pk__in=list(ids))
    now = timezone.now()
    bump = {"updated_at": now, "version": F("version") + 1}
    if action == "done":
        tasks = tasks.active().filter(status=Status.OPEN)
        changes = {"status": Status.DONE, "completed_at": now, **bump}
    elif action == "reopen":
        tasks = tasks.active().filter(status=Status.DONE)
        changes = {"status": Status.OPEN, "completed_at": None, **bump}
    elif action == "trash":
        tasks = tasks.active()
        changes = {"deleted_at": now, **bump}
    elif action == "restore":
        tasks = tasks.trashed()
        changes = {"deleted_at": None, **bump}
    else:
        touched = list(tasks.values_list("pk", flat=True))
        with write_block():
            TaskTag.objects.filter(task_id__in=touched).delete()
            Task.objects.filter(pk__in=touched).delete()
        return touched
    touched = list(tasks.values_list("pk", flat=True))
    Task.objects.filter(pk__in=touched).update(**changes)
    return touched


def tasks_import(*, owner, rows: list[tuple[int, dict]]) -> list[Task]:
    """Create one task per row, all or nothing.

    ``rows`` pairs the number people see (a CSV line, a JSON item) with raw field
    values. Every row is validated before anything is written.
    """
    if len(rows) > IMPORT_MAX_ROWS:
        raise ImportRejected(
            {0: {"file": [_("At most %(max)d tasks per import.") % {"max": IMPORT_MAX_ROWS}]}}
        )
    errors: dict[int, dict[str, list[str]]] = {}
    now = timezone.now()
    tasks = []
    for number, raw in rows:
        fields = {"title": "", **raw}
        try:
            cleaned = clean_task_fields(fields)
        except ValidationError as exc:
            errors[number] = exc.message_dict
            continue
        task = Task(owner=owner, created_at=now, updated_at=now)
        _apply(task, cleaned, now)
        tasks.append(task)
    if errors:
        raise ImportRejected(errors)
    tag_rows = [
        TaskTag(task=task, owner=owner, name=name) for task in tasks for name in task.tag_names
    ]
    with write_block():
        try:
            Task.objects.bulk_create(tasks, batch_size=500)
            TaskTag.objects.bulk_create(tag_rows, batch_size=1000)
        except Exception:
            # Without a transaction (MongoDB), take back what was written.
            if connection.vendor == "mongodb":
                ids = [task.pk for task in tasks]
                TaskTag.objects.filter(task_id__in=ids).delete()
                Task.objects.filter(pk__in=ids).delete()
            raise
    return tasks


def trash_purge(*, older_than: timedelta, owner=None) -> int:
    """Delete for good the tasks that have been in the trash longer than ``older_than``."""
    cutoff = timezone.now() - older_than
    tasks = Task.objects.trashed().filter(deleted_at__lt=cutoff)
    if owner is not None:
        tasks = tasks.owned_by(owner)
    ids = list(tasks.values_list("pk", flat=True))
    with write_block():
        TaskTag.objects.filter(task_id__in=ids).delete()
        Task.objects.filter(pk__in=ids).delete()
    return len(ids)
