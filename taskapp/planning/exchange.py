"""Export and import with the plan: a task's steps and repeat rule ride along.

Wraps taskapp.tasks.exchange (which knows the task's own declared fields, among
them ``due_time`` and ``list``, by name) and adds two columns: ``subtasks`` (a
list of {"title", "done"}) and ``recurrence`` (the rule as in the API, or null).
In CSV both are JSON text in their cell. Old exports, without these columns,
import as before. Reminders are not carried: they are instants for one person's
mailbox, not part of the task.
"""

import contextlib
import json
import uuid
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from taskapp.planning import services
from taskapp.planning.models import SUBTASKS_MAX, Recurrence, Subtask
from taskapp.tasks import exchange
from taskapp.tasks import services as task_services
from taskapp.tasks.exchange import EXPORT_CHUNK
from taskapp.tasks.exchange import ImportFileError as ImportFileError  # re-exported
from taskapp.tasks.fields import EXPORT_COLUMNS
from taskapp.tasks.validators import clean_task_fields

PLAN_COLUMNS = ("subtasks", "recurrence")
FORMATS = exchange.FORMATS
# The most JSON objects one imported row may hold: the task, its steps, its rule.
OBJECTS_PER_ROW = 1 + SUBTASKS_MAX + 1


def _plans(ids: list) -> tuple[dict, dict]:
    """Steps and rules of a chunk of tasks (by id as exported): two queries."""
    pks = [uuid.UUID(str(task_id)) for task_id in ids]
    steps: dict = {}
    for step in Subtask.objects.filter(task_id__in=pks).order_by("position", "created_at", "pk"):
        steps.setdefault(str(step.task_id), []).append({"title": step.title, "done": step.done})
    recurrences = {
        str(task_id): _rule_json(rec) for task_id, rec in services.recurrences_for(pks).items()
    }
    return steps, recurrences


def _rule_json(recurrence: Recurrence) -> dict:
    data = services.recurrence_as_dict(recurrence)
    data.pop("text")
    return data


def _rows(tasks):
    """The export's rows with their plan, streamed: the tasks are read in chunks
    of EXPORT_CHUNK (taskapp.tasks.exchange) and each chunk's steps and rules are
    fetched together, two queries per chunk whatever its size."""
    rows = exchange.export_dicts(tasks)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        steps, recurrences = _plans([row["id"] for row in chunk])
        for row in chunk:
            row["subtasks"] = steps.get(str(row["id"]), [])
            row["recurrence"] = recurrences.get(str(row["id"]))
            yield row


def iter_export_json(tasks):
    return exchange.iter_json(_rows(tasks))


def export_json(tasks) -> str:
    return "".join(iter_export_json(tasks))


def _csv_rows(tasks):
    for row in _rows(tasks):
        row["subtasks"] = json.dumps(row["subtasks"], ensure_ascii=False) if row["subtasks"] else ""
        row["recurrence"] = json.dumps(row["recurrence"]) if row["recurrence"] else ""
        yield row


def iter_export_csv(tasks):
    return exchange.iter_csv(_csv_rows(tasks), (*EXPORT_COLUMNS, *PLAN_COLUMNS))


def export_csv(tasks) -> str:
    return "".join(iter_export_csv(tasks))


def parse(content: bytes | str, fmt: str) -> list[tuple[int, dict]]:
    """Rows as taskapp.tasks.exchange.parse gives them (bounded: caps checked while
    reading, before parsing), with ``subtasks`` and ``recurrence`` where the file
    has them (raw: checked on import). In CSV their cells are JSON text."""
    if fmt == "json":
        return exchange.parse_json(content, objects_per_row=OBJECTS_PER_ROW)
    if fmt != "csv":
        return exchange.parse(content, fmt)
    rows = exchange.parse_csv(content, extra_columns=PLAN_COLUMNS)
    for _number, fields in rows:
        for key in PLAN_COLUMNS:
            cell = fields.get(key)
            if isinstance(cell, str):
                if not cell.strip():
                    del fields[key]
                    continue
                # Not JSON: left as text, reported as invalid by the import, with its row.
                with contextlib.suppress(ValueError):
                    fields[key] = json.loads(cell)
    return rows


def _clean_steps(raw) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > SUBTASKS_MAX:
        raise ValidationError(
            {"subtasks": [_("A list of at most %(max)d steps.") % {"max": SUBTASKS_MAX}]}
        )
    steps = []
    for item in raw:
        item = {"title": item} if isinstance(item, str) else item
        if not isinstance(item, dict):
            raise ValidationError({"subtasks": [_("Each step is a title or an object.")]})
        try:
            title = services._clean_subtask_title(item.get("title"))
        except ValidationError as exc:
            raise ValidationError({"subtasks": exc.message_dict["title"]}) from None
        steps.append({"title": title, "done": bool(item.get("done", False))})
    return steps


def tasks_import(*, owner, rows: list[tuple[int, dict]]):
    """services.tasks_import plus each task's steps and repeat rule; all or nothing
    (the plan parts are checked with the rest before anything is written)."""
    plans, errors, task_rows = [], {}, []
    for number, raw in rows:
        raw = dict(raw)
        steps_raw, rule_raw = raw.pop("subtasks", None), raw.pop("recurrence", None)
        try:
            steps = _clean_steps(steps_raw)
            rule = services.clean_recurrence(rule_raw) if rule_raw not in (None, "") else None
        except ValidationError as exc:
            errors[number] = exc.message_dict
            steps, rule = [], None
        plans.append((steps, rule))
        task_rows.append((number, raw))
    if errors:
        # Report the task fields' errors of every row too, as a plain import would.
        for number, raw in task_rows:
            try:
                # The list is a name or an id, resolved by the import itself.
                clean_task_fields({"title": "", **{k: v for k, v in raw.items() if k != "list"}})
            except ValidationError as exc:
                errors.setdefault(number, {}).update(exc.message_dict)
        raise task_services.ImportRejected(errors)
    todays: dict = {}  # a task owner's id -> their today, read once per import

    def write_plans(batch, start):
        _write_plans(batch, plans[start : start + len(batch)], todays)

    # A failure takes back the plan rows with their tasks (task_services._undo_import).
    return task_services.tasks_import(owner=owner, rows=task_rows, after_batch=write_plans)


def _todays(tasks, plans, known: dict) -> dict:
    """Today in the zone of each owner of ``tasks`` whose rule starts from today (a
    rule without a due date): one query for the owners not in ``known`` (with their
    profiles), none when there are none. Adds them to ``known``; returns it."""
    wanted = {
        task.owner_id
        for task, (_steps, rule) in zip(tasks, plans, strict=True)
        if rule is not None and task.due_date is None and task.owner_id not in known
    }
    if wanted:
        for user in get_user_model().objects.filter(pk__in=list(wanted)).select_related("profile"):
            known[user.pk] = services.today_of(user)
    return known


def _write_plans(tasks, plans, todays: dict) -> None:
    """The steps and rules of one batch of imported tasks (IMPORT_BATCH): at most
    three queries whatever the batch's size (the owners' zones, the steps, the rules)."""
    todays = _todays(tasks, plans, todays)
    steps, recurrences = [], []
    for task, (task_steps, rule) in zip(tasks, plans, strict=True):
        steps += [
            Subtask(task=task, title=s["title"], done=s["done"], position=i)
            for i, s in enumerate(task_steps)
        ]
        if rule is not None:
            start = task.due_date or todays[task.owner_id]
            recurrences.append(
                Recurrence(task=task, **rule, anchor_day=start.day, anchor_month=start.month)
            )
    Subtask.objects.bulk_create(steps, batch_size=1000)
    Recurrence.objects.bulk_create(recurrences, batch_size=1000)
