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

import logging
import random
import threading
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from taskapp.tasks import lists, metrics, selectors
from taskapp.tasks.fields import BULK_ACTIONS, IMPORT_MAX_ROWS, PUT_DEFAULTS
from taskapp.tasks.models import Status, Task, TaskTag
from taskapp.tasks.validators import clean_ids, clean_task_fields

log = logging.getLogger(__name__)

# Tasks written per bulk insert by an import (their tag rows follow each batch).
IMPORT_BATCH = 500


# An unconditional write (no If-Match) that loses the compare-and-set to another
# write of the same task reads the task again and retries, this many times in all,
# after a random pause of up to RETRY_PAUSE_S * 2**attempt, at most RETRY_PAUSE_MAX_S
# (writers racing on one task fall out of step; one that keeps losing waits longer
# rather than giving up while faster ones keep winning). Each lost race means another
# write landed, so the total work stays bounded.
WRITE_ATTEMPTS = 20
RETRY_PAUSE_S = 0.002
RETRY_PAUSE_MAX_S = 0.1


class StaleVersion(Exception):
    """The task changed since the caller read it (a stale If-Match or a race)."""


class WriteContention(StaleVersion):
    """An unconditional write lost the race WRITE_ATTEMPTS times in a row."""


class ImportRejected(Exception):
    """Some import rows are invalid; nothing was imported.

    ``errors`` maps a row number to ``{field: [messages]}``.
    """

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        super().__init__(f"{len(errors)} invalid row(s)")
        self.errors = errors


_last_now = [None]  # the last time _now() gave in this process
_now_lock = threading.Lock()


def _now():
    """The current time at the precision both backends store (MongoDB keeps
    milliseconds), so a task's timestamps read the same before and after a reload;
    and never the same twice in one process: writes within one millisecond get the
    next one, so tasks made one after the other sort in that order ("newest first"
    would otherwise fall back to their random ids), and every write moves updated_at
    on (selectors.visible_state). A burst of more than a thousand writes a second
    in one process runs ahead of the clock by that much until it slows down."""
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    with _now_lock:
        last = _last_now[0]
        if last is not None and now <= last:
            now = last + timedelta(milliseconds=1)
        _last_now[0] = now
    return now


def write_block():
    """A transaction where the database has one; see the module docstring."""
    if connection.vendor == "mongodb":
        return nullcontext()
    return transaction.atomic()


# --- Single tasks -----------------------------------------------------------------


def _changes(task: Task, cleaned: dict, now) -> dict:
    """The model field values that ``cleaned`` would change on ``task``.

    The task itself is left alone: it takes the values only once they are
    stored, so a refused write (StaleVersion) leaves the caller's copy as it was.
    """
    changes = {}
    for name, value in cleaned.items():
        if name == "list":
            # Where the task goes was checked by _target_list; None keeps it where it is.
            if value is not None and value != task.task_list_id:
                changes["task_list_id"] = value
        elif name == "status":
            if value != task.status:
                changes["status"] = value
                changes["completed_at"] = now if value == Status.DONE else None
        elif name == "tags":
            if value != task.tag_names:
                changes["tag_names"] = value
        elif getattr(task, name) != value:
            changes[name] = value
    return changes


def _apply(task: Task, cleaned: dict, now) -> None:
    """Set cleaned values on a task that is not stored yet."""
    for name, value in _changes(task, cleaned, now).items():
        setattr(task, name, value)


def _sync_tag_rows(task: Task, existing: set[str] | None = None) -> None:
    """Make the task's TaskTag rows match task.tag_names (``existing``: known rows)."""
    wanted = set(task.tag_names)
    if existing is None:
        existing = set(TaskTag.objects.filter(task=task).values_list("name", flat=True))
    if existing - wanted:
        TaskTag.objects.filter(task=task, name__in=existing - wanted).delete()
    missing = [name for name in task.tag_names if name not in existing]
    if missing:
        TaskTag.objects.bulk_create(
            [TaskTag(task=task, owner_id=task.owner_id, name=name) for name in missing]
        )


def _compare_and_set(task: Task, changes: dict, expected_version: int | None, now) -> None:
    """Write ``changes`` only if the stored version is the one expected; bump it.

    One update of one row (one document on MongoDB), so it is atomic on both
    backends: of two racing writers, exactly one wins.
    """
    expected = task.version if expected_version is None else expected_version
    updated = Task.objects.filter(pk=task.pk, version=expected).update(
        **changes, updated_at=now, version=expected + 1
    )
    if not updated:
        raise StaleVersion
    for name, value in changes.items():
        setattr(task, name, value)
    task.version = expected + 1
    task.updated_at = now


def _target_list(user, list_id):
    """The list a task is put into: one the user may write to, else their Inbox."""
    if list_id is None:
        return lists.inbox_for(user)
    try:
        return lists.get_list(user, list_id, lists.WRITE)
    except lists.TaskList.DoesNotExist:
        raise ValidationError({"list": [_("No such list.")]}) from None


def _by(user) -> str:
    return user.get_username() if user is not None else ""


def task_create(*, owner, **fields) -> Task:
    """Create a task from raw field values (title required).

    ``owner`` is the user creating it; the task belongs to the owner of the list it
    goes into (``list``: one the user may write to; left out: their Inbox).
    """
    fields.setdefault("title", "")
    cleaned = clean_task_fields(fields)
    list_id = cleaned.pop("list", None)
    if list_id is None:  # most new tasks: the Inbox, whose owner is the user
        list_id, list_owner_id = lists.inbox_id(owner), owner.pk
    else:
        target = _target_list(owner, list_id)
        list_id, list_owner_id = target.pk, target.owner_id
    now = _now()
    task = Task(
        owner_id=list_owner_id,
        task_list_id=list_id,
        created_at=now,
        updated_at=now,
        updated_by=_by(owner),
    )
    _apply(task, cleaned, now)
    with write_block():
        task.save(force_insert=True)
        try:
            _sync_tag_rows(task, existing=set())
        except Exception:
            _undo_create([task.pk])
            raise
    metrics.tasks_created.inc()
    return task


def _undo_create(ids: list) -> None:
    """Take back tasks just written when a later write of the same call failed.

    On SQLite the surrounding transaction rolls back anyway; on MongoDB (no
    transaction) this is what keeps a failed create or import from leaving a
    task behind.
    """
    if connection.vendor == "mongodb":
        TaskTag.objects.filter(task_id__in=ids).delete()
        Task.objects.filter(pk__in=ids).delete()


def _with_retries(task: Task, expected_version: int | None, write, by=None):
    """``write(task)``; without an expected version, a lost compare-and-set is
    retried on a fresh read of the task (see WRITE_ATTEMPTS). With one (If-Match),
    it is the caller's answer: StaleVersion. A task deleted meanwhile raises
    Task.DoesNotExist. Each retry checks again that ``by`` may still change the
    task (it may have moved to a list they only view, or they may have left its
    list): PermissionDenied or Task.DoesNotExist then."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return write(task)
        except StaleVersion:
            if expected_version is not None:
                raise
        if attempt == WRITE_ATTEMPTS:
            raise WriteContention
        pause = min(RETRY_PAUSE_MAX_S, RETRY_PAUSE_S * 2**attempt)
        time.sleep(random.uniform(0, pause))  # noqa: S311  # nosec B311 - jitter only
        task.refresh_from_db()
        if by is not None and task.owner_id != by.pk:  # the owner may always write
            lists.get_task(by, task.pk, write=True)
    raise AssertionError("unreachable")


def task_update(*, task: Task, expected_version: int | None = None, by=None, **fields) -> Task:
    """Change some fields (PATCH semantics). Raises ValidationError or StaleVersion
    (only with ``expected_version``: see _with_retries).

    ``by`` is the user making the change (recorded as updated_by; a move to
    another list must be to one they may write to). Whether they may change this
    task at all is the caller's check (lists.get_task with write=True); retries
    check it again.
    """
    cleaned = clean_task_fields(fields)
    if expected_version is not None and expected_version != task.version:
        raise StaleVersion

    def write(task):
        now = _now()
        changes = _changes(task, cleaned, now)
        if "task_list_id" in changes:
            target = _target_list(by or task.owner, changes["task_list_id"])
            if target.owner_id != task.owner_id:
                changes["owner_id"] = target.owner_id
        if not changes:
            return changes
        if by is not None:
            changes["updated_by"] = _by(by)
        with write_block():
            _compare_and_set(task, changes, expected_version, now)
            if "owner_id" in changes:
                TaskTag.objects.filter(task=task).update(owner_id=changes["owner_id"])
            if "tag_names" in changes:
                _sync_tag_rows(task)
        return changes

    changes = _with_retries(task, expected_version, write, by=by)
    if changes.get("status") == Status.DONE:
        metrics.tasks_completed.inc()
    return task


def task_replace(*, task: Task, expected_version: int | None = None, by=None, **fields) -> Task:
    """PUT semantics: fields left out go back to their defaults (PUT_DEFAULTS);
    a PUT without a list leaves the task in its list."""
    full = {"title": "", **PUT_DEFAULTS, **fields}
    return task_update(task=task, expected_version=expected_version, by=by, **full)


def task_set_status(
    *, task: Task, status: str, expected_version: int | None = None, by=None
) -> Task:
    """Mark done or reopen; completed_at follows the status."""
    return task_update(task=task, expected_version=expected_version, by=by, status=status)


def _set_deleted_at(task: Task, expected_version: int | None, to_trash: bool, by=None) -> bool:
    """Move to the trash or out of it; False when it already was there. A task
    restored whose list was deleted comes back into its owner's Inbox."""
    if expected_version is not None and expected_version != task.version:
        raise StaleVersion

    def write(task):
        if task.in_trash == to_trash:
            return False
        now = _now()
        changes = {"deleted_at": now if to_trash else None}
        if by is not None:
            changes["updated_by"] = _by(by)
        if not to_trash and (
            task.task_list_id is None
            or lists.TaskList.objects.filter(
                pk=task.task_list_id, deleted_at__isnull=False
            ).exists()
        ):
            changes["task_list_id"] = lists.inbox_for(task.owner).pk
        _compare_and_set(task, changes, expected_version, now)
        return True

    return _with_retries(task, expected_version, write, by=by)


def task_trash(*, task: Task, expected_version: int | None = None, by=None) -> Task:
    """Move to the trash; the task keeps everything and can be restored."""
    if _set_deleted_at(task, expected_version, to_trash=True, by=by):
        metrics.tasks_deleted.inc()
    return task


def task_restore(*, task: Task, expected_version: int | None = None, by=None) -> Task:
    """Take the task out of the trash, as it was. A task whose list was deleted
    comes back into its owner's Inbox."""
    _set_deleted_at(task, expected_version, to_trash=False, by=by)
    return task


def task_delete_forever(*, task: Task, expected_version: int | None = None) -> None:
    """Delete the task and its tag rows for good (from the trash or not).

    With an expected version, the task is selected by id and version, so a stale
    caller deletes nothing (StaleVersion); without one, by id alone, and a task
    already gone raises Task.DoesNotExist. An orphan tag row left by a failure
    half-way on MongoDB is harmless: every tag read goes through a live task.
    """
    tasks = Task.objects.filter(pk=task.pk)
    if expected_version is not None:
        tasks = tasks.filter(version=expected_version)
    with write_block():
        deleted = _delete_tasks(tasks)
    if not deleted:
        if expected_version is None:
            raise Task.DoesNotExist(f"No task {task.pk}.")
        raise StaleVersion


def _delete_tasks(tasks) -> int:
    """Delete the tasks of a queryset; return how many.

    Django's cascade deletes their TaskTag rows in the same call (one query for
    all of them), before the tasks themselves.
    """
    _, per_model = tasks.delete()
    return per_model.get(Task._meta.label, 0)


# --- Many tasks -------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did to each id asked for (once each, in the order asked)."""

    action: str
    touched: list[uuid.UUID]  # changed by the action
    unchanged: list[uuid.UUID]  # the owner's tasks the action does not apply to
    not_found: list[uuid.UUID]  # not among the owner's tasks (another user's look the same)


def _bulk_targets(tasks, action: str, now):
    """The tasks among ``tasks`` that ``action`` applies to, and the update it makes
    (None for purge, which deletes)."""
    bump = {"updated_at": now, "version": F("version") + 1}
    if action == "done":
        return tasks.active().filter(status=Status.OPEN), {
            "status": Status.DONE,
            "completed_at": now,
            **bump,
        }
    if action == "reopen":
        return tasks.active().filter(status=Status.DONE), {
            "status": Status.OPEN,
            "completed_at": None,
            **bump,
        }
    if action == "trash":
        return tasks.active(), {"deleted_at": now, **bump}
    if action == "restore":
        return tasks.trashed(), {"deleted_at": None, **bump}
    return tasks, None  # purge: delete for good, in the trash or not


def tasks_bulk(*, owner, ids, action: str, list_id=None) -> BulkResult:
    """Apply ``action`` to the tasks among ``ids`` that ``owner`` (the acting user)
    may see: their own and those of the lists shared with them.

    Ids of tasks they cannot see are treated like unknown ids: not found, not
    touched. If any of the ids is in a list they may only view, nothing changes
    and PermissionDenied is raised. Tasks the action does not apply to (marking a
    done task done) are left unchanged. Each task changes in one update that also
    bumps its version. ``move`` puts the tasks into the list ``list_id``.
    """
    if action == "move":
        return _tasks_move(user=owner, ids=ids, list_id=list_id)
    if action not in BULK_ACTIONS:
        raise ValidationError(
            {
                "action": [
                    _("Unknown action; use one of %(actions)s.")
                    % {"actions": ", ".join(BULK_ACTIONS)}
                ]
            }
        )
    ids = list(dict.fromkeys(clean_ids(ids)))
    mine, read_only = lists.writable_task_ids(lists.Access.of(owner), ids)
    if read_only:
        raise PermissionDenied(_("Some of these tasks are in lists you can only view."))
    tasks = Task.objects.filter(pk__in=list(mine))
    now = _now()
    targets, changes = _bulk_targets(tasks, action, now)
    if changes is not None:
        changes["updated_by"] = _by(owner)
    # Purge applies to every task of the owner's: no second read.
    touched = mine if changes is None else set(targets.values_list("pk", flat=True))
    if changes is None:
        with write_block():
            _delete_tasks(Task.objects.filter(pk__in=touched))
    else:
        # The same conditions again: a task changed meanwhile by another request is
        # left as that request made it.
        targets.filter(pk__in=touched).update(**changes)
        metrics.tasks_bulk_applied(action, len(touched))
    return BulkResult(
        action=action,
        touched=[pk for pk in ids if pk in touched],
        unchanged=[pk for pk in ids if pk in mine and pk not in touched],
        not_found=[pk for pk in ids if pk not in mine],
    )


def _tasks_move(*, user, ids, list_id) -> BulkResult:
    """Move the tasks among ``ids`` that ``user`` may write into the list ``list_id``."""
    ids = list(dict.fromkeys(clean_ids(ids)))
    target = _target_list(user, clean_task_fields({"list": list_id})["list"]) if list_id else None
    if target is None:
        raise ValidationError({"list": [_("Choose the list to move the tasks to.")]})
    mine, read_only = lists.writable_task_ids(lists.Access.of(user), ids)
    if read_only:
        raise PermissionDenied(_("Some of these tasks are in lists you can only view."))
    moving = Task.objects.filter(pk__in=list(mine)).exclude(task_list=target)
    touched = set(moving.values_list("pk", flat=True))
    now = _now()
    Task.objects.filter(pk__in=list(touched)).update(
        task_list=target,
        owner_id=target.owner_id,
        updated_at=now,
        updated_by=_by(user),
        version=F("version") + 1,
    )
    TaskTag.objects.filter(task_id__in=list(touched)).update(owner_id=target.owner_id)
    return BulkResult(
        action="move",
        touched=[pk for pk in ids if pk in touched],
        unchanged=[pk for pk in ids if pk in mine and pk not in touched],
        not_found=[pk for pk in ids if pk not in mine],
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class ImportForbidden(PermissionDenied):
    """Rows of an import name (by id) a list the user may only view; nothing was
    imported. ``errors`` maps their numbers to ``{"list": [message]}``, as
    ImportRejected's do."""

    def __init__(self, rows: list[int]):
        self.errors = {number: {"list": [_("You can only view this list.")]} for number in rows}
        shown = ", ".join(str(number) for number in rows[:10]) + (", …" if len(rows) > 10 else "")
        super().__init__(
            _("You can only view the list named in row(s) %(rows)s; nothing was imported.")
            % {"rows": shown}
        )


def _import_lists(user, rows, made: list) -> tuple[dict, lists.TaskList]:
    """Resolve each distinct "list" of an import to a list the user may write to,
    and find their Inbox: ({ref: TaskList}, inbox). A ref is a list id or a name
    (a list of theirs, made if missing); a list id that is not theirs nor shared
    with them is left out (those rows go to the Inbox, as old exports' rows do); a
    list they may only view raises ImportForbidden before anything is written.

    A fixed number of queries whatever the number of rows and lists: their own
    lists, then (only for ids that are not among them) the lists with those ids and
    their memberships, then one insert for all the lists to make. Every list made
    here (and the Inbox, if it had to be made) is appended to ``made``, so that a
    failed import can take it back.
    """
    own = list(lists.TaskList.objects.filter(owner=user, deleted_at__isnull=True))
    by_name: dict = {}
    for task_list in own:
        by_name.setdefault(task_list.name.lower(), task_list)
    by_id = {task_list.pk: task_list for task_list in own}
    ids = {}  # ref -> UUID, for the refs that are list ids
    for _number, raw in rows:
        ref = raw.get("list")
        if ref not in (None, "") and ref not in ids and _is_uuid(ref):
            ids[ref] = uuid.UUID(str(ref))
    others = {pk for pk in ids.values() if pk not in by_id}
    roles: dict = {}
    if others:
        roles = lists.Access.of(user).roles
        for task_list in lists.TaskList.objects.filter(pk__in=list(others)):
            if task_list.owner_id == user.pk or task_list.pk in roles:
                by_id[task_list.pk] = task_list
    resolved, to_make, view_only = {}, {}, []
    for number, raw in rows:
        ref = raw.get("list")
        if ref in (None, ""):
            continue
        if ref in ids:
            target = by_id.get(ids[ref])
            if target is None:
                continue  # not theirs, not shared with them: the Inbox
            if target.owner_id != user.pk and roles.get(target.pk) != lists.Role.EDITOR:
                view_only.append(number)
                continue
            resolved[ref] = target
        elif ref not in resolved:
            name = " ".join(str(ref).split())
            if name.lower() not in by_name:
                to_make[name.lower()] = by_name[name.lower()] = lists.TaskList(
                    owner=user, name=name
                )
            resolved[ref] = by_name[name.lower()]
    if view_only:
        raise ImportForbidden(view_only)
    inbox = next((task_list for task_list in own if task_list.is_inbox), None)
    if inbox is None:  # an account made without sign-up: made on first need
        inbox = lists.inbox_for(user)
        made.append(inbox.pk)
    if to_make:
        made.extend(task_list.pk for task_list in to_make.values())
        lists.TaskList.objects.bulk_create(list(to_make.values()))
    return resolved, inbox


def _undo_import(tasks: list, list_ids: list) -> None:
    """Take back everything a failed import wrote (MongoDB; on SQLite the
    transaction rolls it back): its tasks with their tag rows, steps, rules and
    reminders (Django's cascade, by id: also the tasks written into lists of other
    owners shared with the importer), then the lists it made, unless someone else
    has put a task into one meanwhile. Nothing else is touched: every id here was
    made by this import. If the undo itself fails (the database went away), what
    may be left is logged and the first error is the one raised."""
    if connection.vendor != "mongodb":
        return
    try:
        _undo_create([task.pk for task in tasks])
        if list_ids:
            used = set(
                Task.objects.filter(task_list_id__in=list_ids).values_list(
                    "task_list_id", flat=True
                )
            )
            lists.TaskList.objects.filter(pk__in=[pk for pk in list_ids if pk not in used]).delete()
    except Exception:
        log.exception(
            "import undo failed: up to %d task(s) (created_at=%s, updated_by=%r) and the "
            "lists %s may be left behind",
            len(tasks),
            tasks[0].created_at.isoformat() if tasks else "-",
            tasks[0].updated_by if tasks else "",
            [str(pk) for pk in list_ids],
        )


def tasks_import(*, owner, rows: list[tuple[int, dict]], after_batch=None) -> list[Task]:
    """Create one task per row, all or nothing.

    ``rows`` pairs the number people see (a CSV line, a JSON item) with raw field
    values. Every row is validated before anything is written. ``after_batch(batch,
    start)``, if given, writes what belongs to each batch of tasks (written from
    ``rows[start]`` on) right after it, within the same all or nothing: on SQLite
    one transaction holds the lists made, the tasks and what ``after_batch`` wrote;
    on MongoDB a failure takes all of it back (_undo_import) before it is raised.
    """
    if len(rows) > IMPORT_MAX_ROWS:
        raise ImportRejected(
            {0: {"file": [_("At most %(max)d tasks per import.") % {"max": IMPORT_MAX_ROWS}]}}
        )
    errors: dict[int, dict[str, list[str]]] = {}
    now = _now()
    tasks = []
    for number, raw in rows:
        fields = {"title": "", **raw}
        fields.pop("list", None)
        try:
            cleaned = clean_task_fields(fields)
        except ValidationError as exc:
            errors[number] = exc.message_dict
            continue
        ref = raw.get("list")
        if ref not in (None, "") and not _is_uuid(ref):
            try:
                lists.clean_list_name(ref)
            except ValidationError as exc:
                errors[number] = {"list": exc.message_dict["name"]}
                continue
        task = Task(created_at=now, updated_at=now, updated_by=_by(owner))
        _apply(task, cleaned, now)
        tasks.append((ref, task))
    if errors:
        raise ImportRejected(errors)
    if not tasks:
        return []
    made_lists: list = []
    with write_block():
        try:
            # Lists are resolved (and made) only once every row is known to be valid.
            targets, inbox = _import_lists(owner, rows, made_lists)
            for ref, task in tasks:
                target = targets.get(ref, inbox) if ref not in (None, "") else inbox
                task.task_list_id, task.owner_id = target.pk, target.owner_id
            # In batches, with the tag rows of each batch made just before they are
            # written: 10,000 tasks of 20 tags each are 200,000 TaskTag objects.
            for start in range(0, len(tasks), IMPORT_BATCH):
                batch = [task for _ref, task in tasks[start : start + IMPORT_BATCH]]
                Task.objects.bulk_create(batch)
                TaskTag.objects.bulk_create(
                    [
                        TaskTag(task=t, owner_id=t.owner_id, name=name)
                        for t in batch
                        for name in t.tag_names
                    ]
                )
                if after_batch is not None:
                    after_batch(batch, start)
        except ImportForbidden:
            raise  # raised before any write
        except Exception:
            _undo_import([task for _ref, task in tasks], made_lists)
            raise
    metrics.tasks_created.inc(len(tasks))
    return [task for _ref, task in tasks]


def trash_purge(*, older_than: timedelta, owner=None, now=None) -> int:
    """Delete for good the tasks that have been in the trash longer than ``older_than``."""
    tasks = selectors.trash_purgeable(older_than=older_than, owner=owner, now=now or _now())
    with write_block():
        return _delete_tasks(tasks)
