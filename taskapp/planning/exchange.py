"""Export and import with the plan: a task's steps and repeat rule ride along.

Wraps taskapp.tasks.exchange (which knows the task's own declared fields, among
them ``due_time`` and ``list``, by name) and adds two columns: ``subtasks`` (a
list of {"title", "done"}) and ``recurrence`` (the rule as in the API, or null).
In CSV both are JSON text in their cell. Old exports, without these columns,
import as before. Reminders are not carried: they are instants for one person's
mailbox, not part of the task.
"""

import csv
import io
import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from taskapp.planning import services
from taskapp.planning.models import SUBTASKS_MAX, Recurrence, Subtask
from taskapp.tasks import exchange
from taskapp.tasks import services as task_services
from taskapp.tasks.exchange import ImportFileError
from taskapp.tasks.fields import EXPORT_COLUMNS
from taskapp.tasks.validators import clean_task_fields

PLAN_COLUMNS = ("subtasks", "recurrence")
FORMATS = exchange.FORMATS


def _plans(tasks) -> tuple[list, dict, dict, dict]:
    """The tasks with their list names, steps and rules: three queries whatever
    their number."""
    tasks, list_names = exchange._with_list_names(tasks)
    ids = [task.pk for task in tasks]
    steps: dict = {}
    for step in Subtask.objects.filter(task_id__in=ids).order_by("position", "created_at", "pk"):
        steps.setdefault(step.task_id, []).append({"title": step.title, "done": step.done})
    recurrences = {
        task_id: _rule_json(rec) for task_id, rec in services.recurrences_for(ids).items()
    }
    return tasks, list_names, steps, recurrences


def _rule_json(recurrence: Recurrence) -> dict:
    data = services.recurrence_as_dict(recurrence)
    data.pop("text")
    return data


def _rows(tasks):
    tasks, list_names, steps, recurrences = _plans(tasks)
    for task in tasks:
        row = exchange.task_to_dict(task, list_names)
        row["subtasks"] = steps.get(task.pk, [])
        row["recurrence"] = recurrences.get(task.pk)
        yield row


def export_json(tasks) -> str:
    return json.dumps(list(_rows(tasks)), ensure_ascii=False, indent=2)


def export_csv(tasks) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=(*EXPORT_COLUMNS, *PLAN_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in _rows(tasks):
        row["tags"] = ",".join(row["tags"])
        row["subtasks"] = json.dumps(row["subtasks"], ensure_ascii=False) if row["subtasks"] else ""
        row["recurrence"] = json.dumps(row["recurrence"]) if row["recurrence"] else ""
        writer.writerow(
            {
                key: "" if value is None else exchange._escaped_cell(str(value))
                for key, value in row.items()
            }
        )
    return out.getvalue()


def _split_csv(content: bytes | str) -> tuple[str, list[dict]]:
    """The CSV without the plan columns (for taskapp.tasks.exchange) and those
    columns' cells per record, in order."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file must be UTF-8 encoded.")) from None
    content = content.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(content))
    try:
        records = list(reader)
    except csv.Error:
        return content, []  # taskapp.tasks.exchange says what is wrong, with the line
    if not records:
        return content, []
    header = [name.strip() for name in records[0]]
    plan = [i for i, name in enumerate(header) if name in PLAN_COLUMNS]
    if not plan:
        return content, [{} for _ in records[1:]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    extras = []
    for number, record in enumerate(records):
        writer.writerow([cell for i, cell in enumerate(record) if i not in plan])
        if number:
            extras.append(
                {header[i]: record[i] for i in plan if i < len(record) and record[i].strip()}
            )
    return out.getvalue(), extras


def parse(content: bytes | str, fmt: str) -> list[tuple[int, dict]]:
    """Rows as taskapp.tasks.exchange.parse gives them, with ``subtasks`` and
    ``recurrence`` where the file has them (raw: checked on import)."""
    if fmt != "csv":
        return exchange.parse(content, fmt)
    stripped, extras = _split_csv(content)
    rows = exchange.parse(stripped, "csv")
    for (_number, fields), extra in zip(rows, extras, strict=False):
        for key, cell in extra.items():
            try:
                fields[key] = json.loads(cell)
            except ValueError:
                fields[key] = cell  # reported as invalid by the import, with its row
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
    tasks = task_services.tasks_import(owner=owner, rows=task_rows)
    try:
        _write_plans(tasks, plans)
    except Exception:
        task_services.tasks_bulk(owner=owner, ids=[t.pk for t in tasks], action="purge")
        raise
    return tasks


def _write_plans(tasks, plans) -> None:
    steps, recurrences = [], []
    for task, (task_steps, rule) in zip(tasks, plans, strict=True):
        steps += [
            Subtask(task=task, title=s["title"], done=s["done"], position=i)
            for i, s in enumerate(task_steps)
        ]
        if rule is not None:
            start = task.due_date or services.today_of(task.owner)
            recurrences.append(
                Recurrence(task=task, **rule, anchor_day=start.day, anchor_month=start.month)
            )
    Subtask.objects.bulk_create(steps, batch_size=1000)
    Recurrence.objects.bulk_create(recurrences, batch_size=1000)
