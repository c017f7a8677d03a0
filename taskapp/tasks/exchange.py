"""Export and import of tasks as JSON or CSV, shared by the API and the UI.

The two formats carry the same columns. Import only parses here; validation and
the all-or-nothing write are services.tasks_import's job.
"""

import csv
import io
import json
from itertools import islice

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from taskapp.tasks import bounded
from taskapp.tasks.fields import (
    COLUMNS,
    EDITABLE_FIELDS,
    EXPORT_COLUMNS,
    IMPORT_MAX_ROWS,
    task_fields,
)
from taskapp.tasks.models import Task, TaskList

# The columns come from the task's declaration (taskapp.tasks.fields): an
# export carries every declared field but deleted_at; an import sets the
# editable ones.
IMPORT_COLUMNS = EDITABLE_FIELDS
# The id and timestamps of an export are accepted and ignored on import, so an
# export can be imported again as it is (new ids are given).
IGNORED_ON_IMPORT = frozenset(EXPORT_COLUMNS) - frozenset(IMPORT_COLUMNS)
FORMATS = ("json", "csv")
# Rows read from the database per round trip of an export, and written per piece.
EXPORT_CHUNK = 500
# A spreadsheet runs a cell that starts with one of these as a formula (CSV
# injection, OWASP). Export puts a "'" before such a cell, which spreadsheets
# show as text; import takes exactly that one "'" off again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not the rows in it). ``syntax``: it is
    not JSON at all (the API answers that as for any broken JSON body)."""

    def __init__(self, message, *, syntax: bool = False, detail: str = ""):
        super().__init__(message)
        self.syntax = syntax
        self.detail = detail


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


def _export_dicts(tasks):
    """The export's rows. A queryset is read in chunks of EXPORT_CHUNK rows
    (``.values().iterator()``, a server-side cursor on both backends), so an
    export costs the same memory for 100 tasks or 100,000."""
    if isinstance(tasks, QuerySet):
        rows = tasks.values(*COLUMNS).iterator(chunk_size=EXPORT_CHUNK)
        # The names of each chunk's lists: one query per chunk.
        while chunk := list(islice(rows, EXPORT_CHUNK)):
            ids = {row["task_list_id"] for row in chunk}
            names = dict(TaskList.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
            for row in chunk:
                fields = task_fields(row)
                out = {column: fields[column] for column in EXPORT_COLUMNS}
                if "list" in out:
                    out["list"] = names.get(row["task_list_id"], out["list"])
                yield out
    else:
        tasks, list_names = _with_list_names(tasks)
        yield from (task_to_dict(task, list_names) for task in tasks)


def _in_pieces(parts, size: int = EXPORT_CHUNK):
    """Join an iterable of strings into pieces of ``size`` parts (fewer writes)."""
    piece = []
    for part in parts:
        piece.append(part)
        if len(piece) == size:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def export_dicts(tasks):
    """The export's rows as dicts, streamed (see _export_dicts)."""
    return _export_dicts(tasks)


def iter_export_json(tasks):
    """The JSON export, piece by piece: exactly json.dumps(list, indent=2)."""
    return iter_json(_export_dicts(tasks))


def iter_json(items):
    """A JSON array of ``items`` (dicts), piece by piece, as json.dumps(indent=2)."""

    def parts():
        yield "["
        separator = "\n  "
        for item in items:
            # json.dumps escapes newlines inside strings: every "\n" is indentation.
            yield separator + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            separator = ",\n  "
        yield "]" if separator == "\n  " else "\n]"

    return _in_pieces(parts())


def export_json(tasks) -> str:
    return "".join(iter_export_json(tasks))


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


def _csv_line(row: dict) -> dict:
    row["tags"] = ",".join(row["tags"])
    return {key: "" if value is None else _escaped_cell(str(value)) for key, value in row.items()}


def iter_export_csv(tasks):
    """The CSV export, EXPORT_CHUNK rows at a time."""
    return iter_csv(_export_dicts(tasks))


def iter_csv(rows, fieldnames=EXPORT_COLUMNS):
    """CSV of export rows (dicts whose extra columns are text already),
    EXPORT_CHUNK rows at a time."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    for number, row in enumerate(rows, start=1):
        writer.writerow(_csv_line(row))
        if number % EXPORT_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def export_csv(tasks) -> str:
    return "".join(iter_export_csv(tasks))


def _only_import_fields(raw: dict) -> dict:
    return {key: value for key, value in raw.items() if key not in IGNORED_ON_IMPORT}


def too_many_rows() -> ImportFileError:
    return ImportFileError(_("At most %(max)d tasks per import.") % {"max": IMPORT_MAX_ROWS})


def _not_json(error) -> ImportFileError:
    return ImportFileError(
        _("The file is not valid JSON: %(error)s") % {"error": error},
        syntax=True,
        detail=str(error),
    )


def parse_json(content: bytes | str, *, objects_per_row: int = 1) -> list[tuple[int, dict]]:
    """Items of a JSON array, numbered from 1.

    The row cap is checked before parsing: each task is an object and no field
    takes one, so a file with more objects than the cap allows (plus a
    ``{"tasks": [...]}`` wrapper) is refused unread (taskapp.tasks.bounded).
    A caller whose rows carry objects of their own (taskapp.planning.exchange:
    steps, a repeat rule) gives how many one row may hold at most.
    """
    try:
        text = bounded.decode_json(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _not_json(exc) from None
    if text.count("{") > IMPORT_MAX_ROWS * objects_per_row + 1:
        raise too_many_rows()
    try:
        data = bounded.load_json(text)
    except RecursionError:
        raise _not_json(_("it is nested too deeply")) from None
    except bounded.TooLarge:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        raise _not_json(exc) from None
    if isinstance(data, dict) and isinstance(data.get("tasks"), list):
        data = data["tasks"]
    if not isinstance(data, list):
        raise ImportFileError(_("Expected a JSON array of tasks."))
    if len(data) > IMPORT_MAX_ROWS:
        raise too_many_rows()
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(_("Item %(number)d is not an object.") % {"number": number})
        rows.append((number, _only_import_fields(item)))
    return rows


def parse_csv(content: bytes | str, *, extra_columns=()) -> list[tuple[int, dict]]:
    """Rows of a CSV file with a header, numbered by their line in the file.

    Read one line at a time (taskapp.tasks.bounded): reading stops at the first
    row past the cap, and an over-long line is refused before it is split.
    ``extra_columns``: columns a caller adds to the export (their cells are
    passed on as text).
    """
    if isinstance(content, str):
        content = content.removeprefix("\ufeff").encode("utf-8", "surrogatepass")
    reader = bounded.csv_records(content)
    try:
        return _csv_rows(reader, extra_columns)
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file must be UTF-8 encoded.")) from None
    except bounded.LineTooLong:
        raise ImportFileError(
            _("Line %(line)d of the CSV file is longer than %(max)d characters.")
            % {"line": reader.line_num + 1, "max": bounded.MAX_CSV_LINE}
        ) from None
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file cannot be read (line %(line)d): %(error)s")
            % {"line": max(reader.line_num, 1), "error": exc}
        ) from None


def _csv_header(reader) -> list[str]:
    for record in reader:
        if record:  # blank lines before the header are skipped, as csv.DictReader does
            return [name.strip() for name in record]
    return []


def _csv_rows(reader, extra_columns=()) -> list[tuple[int, dict]]:
    header = _csv_header(reader)
    if "title" not in header:
        raise ImportFileError(_("The CSV file needs a header row with at least a title column."))
    unknown = set(header) - set(EXPORT_COLUMNS) - set(extra_columns)
    if unknown:
        raise ImportFileError(
            _("Unknown CSV columns: %(columns)s.") % {"columns": ", ".join(sorted(unknown))}
        )
    rows = []
    for values in reader:
        if not values:
            continue  # a blank line
        if len(values) > len(header):
            raise ImportFileError(
                _("Line %(line)d has more values than the header.") % {"line": reader.line_num}
            )
        if len(rows) == IMPORT_MAX_ROWS:
            raise too_many_rows()
        record = dict(zip(header, values, strict=False))
        # An empty or missing CSV cell means "not given" (the default), except
        # for the title, which is required.
        fields = {
            key: _unescaped_cell(value)
            for key, value in _only_import_fields(record).items()
            if value != "" or key == "title"
        }
        fields.setdefault("title", "")
        rows.append((reader.line_num, fields))
    return rows


def parse(content: bytes | str, fmt: str) -> list[tuple[int, dict]]:
    """Rows of an import file in ``fmt`` (json or csv); raises ImportFileError."""
    if fmt == "csv":
        return parse_csv(content)
    if fmt == "json":
        return parse_json(content)
    raise ImportFileError(_("Unknown format “%(fmt)s”; use json or csv.") % {"fmt": str(fmt)[:20]})
