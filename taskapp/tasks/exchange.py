"""Export and import of tasks as JSON or CSV, shared by the API and the UI.

The two formats carry the same columns. Import only parses here; validation and
the all-or-nothing write are services.tasks_import's job.
"""

import csv
import io
import json

from django.utils.translation import gettext as _

from taskapp.tasks.fields import EDITABLE_FIELDS, EXPORT_COLUMNS, task_fields
from taskapp.tasks.models import Task, TaskList

# The columns come from the task's declaration (taskapp.tasks.fields): an
# export carries every declared field but deleted_at; an import sets the
# editable ones.
IMPORT_COLUMNS = EDITABLE_FIELDS
# The id and timestamps of an export are accepted and ignored on import, so an
# export can be imported again as it is (new ids are given).
IGNORED_ON_IMPORT = frozenset(EXPORT_COLUMNS) - frozenset(IMPORT_COLUMNS)
FORMATS = ("json", "csv")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV
# injection, OWASP). Export puts a "'" before such a cell, which spreadsheets
# show as text; import takes exactly that one "'" off again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not the rows in it)."""


def task_to_dict(task: Task, list_names: dict | None = None) -> dict:
    """A task's export row. The list goes by its name (``list_names``: id -> name),
    so that an export imports into another account's lists of the same names."""
    fields = task_fields(task.__dict__)
    row = {column: fields[column] for column in EXPORT_COLUMNS}
    if "list" in row and list_names is not None:
        row["list"] = list_names.get(task.task_list_id, row["list"])
    return row


def _with_list_names(tasks) -> tuple[list, dict]:
    """The tasks, and the names of their lists (one query for all of them)."""
    tasks = list(tasks)
    ids = {task.task_list_id for task in tasks}
    return tasks, dict(TaskList.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def export_json(tasks) -> str:
    tasks, list_names = _with_list_names(tasks)
    rows = [task_to_dict(task, list_names) for task in tasks]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def _escaped_cell(value: str) -> str:
    """``value`` safe to open in a spreadsheet. A value that already looks
    escaped ("'=x") gets a "'" too, so that import gives back exactly what was
    exported."""
    if value.startswith(FORMULA_TRIGGERS) or (
        value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS)
    ):
        return "'" + value
    return value


def _unescaped_cell(value):
    if isinstance(value, str) and value.startswith("'"):
        rest = value[1:]
        if rest.startswith(FORMULA_TRIGGERS) or (
            rest.startswith("'") and rest[1:].startswith(FORMULA_TRIGGERS)
        ):
            return rest
    return value


def export_csv(tasks) -> str:
    tasks, list_names = _with_list_names(tasks)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for task in tasks:
        row = task_to_dict(task, list_names)
        row["tags"] = ",".join(row["tags"])
        writer.writerow(
            {key: "" if value is None else _escaped_cell(str(value)) for key, value in row.items()}
        )
    return out.getvalue()


def _only_import_fields(raw: dict) -> dict:
    return {key: value for key, value in raw.items() if key not in IGNORED_ON_IMPORT}


def parse_json(content: bytes | str) -> list[tuple[int, dict]]:
    """Items of a JSON array, numbered from 1."""
    try:
        data = json.loads(content)
    except RecursionError:
        raise ImportFileError(_("The file is not valid JSON: it is nested too deeply.")) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFileError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from None
    if isinstance(data, dict) and isinstance(data.get("tasks"), list):
        data = data["tasks"]
    if not isinstance(data, list):
        raise ImportFileError(_("Expected a JSON array of tasks."))
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(_("Item %(number)d is not an object.") % {"number": number})
        rows.append((number, _only_import_fields(item)))
    return rows


def parse_csv(content: bytes | str) -> list[tuple[int, dict]]:
    """Rows of a CSV file with a header, numbered by their line in the file."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file must be UTF-8 encoded.")) from None
    reader = csv.DictReader(io.StringIO(content.removeprefix("\ufeff")))
    try:
        return _csv_rows(reader)
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file cannot be read (line %(line)d): %(error)s")
            % {"line": reader.line_num + 1, "error": exc}
        ) from None


def _csv_rows(reader: csv.DictReader) -> list[tuple[int, dict]]:
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    if "title" not in header:
        raise ImportFileError(_("The CSV file needs a header row with at least a title column."))
    unknown = set(header) - set(EXPORT_COLUMNS)
    if unknown:
        raise ImportFileError(
            _("Unknown CSV columns: %(columns)s.") % {"columns": ", ".join(sorted(unknown))}
        )
    rows = []
    for record in reader:
        if None in record:
            raise ImportFileError(
                _("Line %(line)d has more values than the header.") % {"line": reader.line_num}
            )
        # An empty or missing CSV cell means "not given" (the default), except
        # for the title, which is required.
        fields = {
            key: _unescaped_cell(value)
            for key, value in _only_import_fields(record).items()
            if value not in ("", None) or key == "title"
        }
        fields.setdefault("title", "")
        if fields["title"] is None:
            fields["title"] = ""
        rows.append((reader.line_num, fields))
    return rows


def parse(content: bytes | str, fmt: str) -> list[tuple[int, dict]]:
    """Rows of an import file in ``fmt`` (json or csv); raises ImportFileError."""
    if fmt == "csv":
        return parse_csv(content)
    if fmt == "json":
        return parse_json(content)
    raise ImportFileError(_("Unknown format “%(fmt)s”; use json or csv.") % {"fmt": str(fmt)[:20]})
