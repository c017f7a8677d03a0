"""taskapp.tasks.exchange: JSON and CSV export, round trips, unreadable files."""

import csv
import io
import json

import pytest

from taskapp.tasks import exchange, services
from taskapp.tasks.exchange import ImportFileError
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(user):
    services.task_create(
        owner=user,
        title='Write, "quoted" report',
        description="line 1\nline 2",
        priority="urgent",
        due_date="2030-01-31",
        tags="work, q1",
        status="done",
    )
    services.task_create(owner=user, title="Plain")
    return list(Task.objects.filter(owner=user).order_by("title"))


def comparable(task):
    row = exchange.task_to_dict(task, {task.task_list_id: task.task_list.name})
    return {key: row[key] for key in exchange.IMPORT_COLUMNS}


@pytest.mark.parametrize("fmt", exchange.FORMATS)
def test_it_round_trips_an_export(user, other_user, exported, fmt):
    content = exchange.export_json(exported) if fmt == "json" else exchange.export_csv(exported)
    imported = services.tasks_import(owner=other_user, rows=exchange.parse(content, fmt))
    assert sorted(map(comparable, imported), key=str) == sorted(map(comparable, exported), key=str)
    assert {t.pk for t in imported}.isdisjoint({t.pk for t in exported})


def test_it_exports_json_with_every_column(exported):
    data = json.loads(exchange.export_json(exported))
    assert data[1]["title"] == 'Write, "quoted" report'
    assert data[1]["priority"] == "urgent"
    assert data[1]["tags"] == ["work", "q1"]
    assert data[1]["due_date"] == "2030-01-31"
    assert data[1]["completed_at"] is not None
    assert data[0]["due_date"] is None
    assert list(data[0]) == list(exchange.EXPORT_COLUMNS)


def test_it_exports_csv_with_a_header_and_joined_tags(exported):
    rows = list(csv.DictReader(io.StringIO(exchange.export_csv(exported))))
    assert rows[1]["tags"] == "work,q1"
    assert rows[1]["description"] == "line 1\nline 2"
    assert rows[0]["due_date"] == ""


FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2 apples", "@SUM(A1)", "'=already quoted"]


@pytest.fixture
def formulas(user):
    for title in FORMULAS:
        services.task_create(owner=user, title=title, description="- first\n- second")
    return list(Task.objects.filter(owner=user).order_by("title"))


def test_it_exports_csv_cells_that_a_spreadsheet_would_run_as_text(formulas):
    rows = list(csv.DictReader(io.StringIO(exchange.export_csv(formulas))))
    assert sorted(row["title"] for row in rows) == sorted("'" + title for title in FORMULAS)
    assert {row["description"] for row in rows} == {"'- first\n- second"}
    assert {row["priority"] for row in rows} == {"normal"}


def test_it_round_trips_csv_cells_that_look_like_formulas(other_user, formulas):
    content = exchange.export_csv(formulas)
    imported = services.tasks_import(owner=other_user, rows=exchange.parse(content, "csv"))
    assert sorted(map(comparable, imported), key=str) == sorted(map(comparable, formulas), key=str)
    assert sorted(task.title for task in imported) == sorted(FORMULAS)


@pytest.mark.parametrize(
    ("cell", "title"),
    [("'=1+2", "=1+2"), ("''=1", "'=1"), ("'plain", "'plain"), ("'", "'"), ("it's", "it's")],
)
def test_it_takes_one_quote_off_an_escaped_csv_cell_on_import(cell, title):
    content = "title\n" + cell + "\n"
    assert exchange.parse(content, "csv") == [(2, {"title": title})]


def test_it_numbers_csv_rows_by_their_line():
    rows = exchange.parse(
        b'\xef\xbb\xbftitle,priority\nfirst,high\n"multi\nline",\nthird,\n', "csv"
    )
    assert rows == [
        (2, {"title": "first", "priority": "high"}),
        (4, {"title": "multi\nline"}),
        (5, {"title": "third"}),
    ]


def test_it_reads_a_short_csv_row_as_missing_values():
    assert exchange.parse("title,description\nonly title\n", "csv") == [
        (2, {"title": "only title"})
    ]


def test_it_accepts_a_json_object_with_a_tasks_list_and_ignores_export_columns():
    content = json.dumps({"tasks": [{"title": "a", "id": "x", "created_at": "y"}]})
    assert exchange.parse(content, "json") == [(1, {"title": "a"})]


def test_it_passes_unknown_json_fields_on_to_validation(user):
    rows = exchange.parse('[{"title": "a", "colour": "red"}]', "json")
    with pytest.raises(services.ImportRejected) as excinfo:
        services.tasks_import(owner=user, rows=rows)
    assert excinfo.value.errors == {1: {"colour": ["Unknown field."]}}


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        ("{not json", "json", "The file is not valid JSON"),
        (b"\xff\xfe", "json", "The file is not valid JSON"),
        ("", "json", "The file is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "json", "The file is not valid JSON: it is nested too"),
        ('"a string"', "json", "Expected a JSON array of tasks."),
        ('[{"title": "a"}, 3]', "json", "Item 2 is not an object."),
        (b"title\n\xff\n", "csv", "The CSV file must be UTF-8 encoded."),
        ("", "csv", "needs a header row with at least a title column"),
        ("name,priority\nx,low\n", "csv", "needs a header row with at least a title column"),
        ("title,colour\nx,red\n", "csv", "Unknown CSV columns: colour."),
        ("title\nx,extra\n", "csv", "Line 2 has more values than the header."),
        ("title\n" + "x" * 200_000 + "\n", "csv", "The CSV file cannot be read (line 2)"),
        ("title\nx\n", "xml", "Unknown format"),
    ],
)
def test_it_rejects_unreadable_files_with_a_clear_message(content, fmt, message):
    with pytest.raises(ImportFileError) as excinfo:
        exchange.parse(content, fmt)
    assert message in str(excinfo.value)
