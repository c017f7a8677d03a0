"""taskapp.tasks.services: validation, completed_at, versions, trash, bulk, import, purge."""

import uuid
from datetime import UTC, date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from taskapp.tasks import selectors, services
from taskapp.tasks.models import Priority, Status, Task, TaskTag
from taskapp.tasks.services import BulkResult, ImportRejected, StaleVersion

pytestmark = pytest.mark.django_db


def tag_rows(task):
    return sorted(TaskTag.objects.filter(task_id=task.pk).values_list("name", flat=True))


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- task_create ------------------------------------------------------------------


def test_it_creates_with_defaults(user):
    task = services.task_create(owner=user, title="Buy milk")
    stored = Task.objects.get(pk=task.pk)
    assert stored.owner == user
    assert stored.description == ""
    assert stored.status == Status.OPEN
    assert stored.priority == Priority.NORMAL
    assert stored.due_date is None
    assert stored.tag_names == []
    assert stored.completed_at is None
    assert stored.deleted_at is None
    assert stored.version == 1
    assert stored.created_at == stored.updated_at


def test_it_trims_and_collapses_the_title(user):
    task = services.task_create(owner=user, title="  Buy \n milk\t ")
    assert Task.objects.get(pk=task.pk).title == "Buy milk"


@pytest.mark.parametrize("title", ["", "   ", None, 5])
def test_it_rejects_a_missing_or_blank_title(user, title):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title=title)
    assert list(errors_of(excinfo)) == ["title"]
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "a\x00b"),
        ("title", "bell\x07"),
        ("title", "\x1bgreen"),
        ("title", "a\x1cb"),
        ("title", "del\x7f"),
        ("description", "nul\x00"),
    ],
)
def test_it_rejects_control_characters(user, field, value):
    task_for_update = services.task_create(owner=user, title="before")
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, **{"title": "t", field: value})
    label = field.capitalize()
    assert errors_of(excinfo) == {field: [f"{label} must not contain control characters."]}
    with pytest.raises(ValidationError):
        services.task_update(task=task_for_update, **{field: value})
    assert Task.objects.count() == 1
    assert Task.objects.get().version == 1


def test_it_keeps_tabs_and_line_breaks_in_a_description(user):
    task = services.task_create(owner=user, title="t", description="a\tb\r\nc")
    assert Task.objects.get(pk=task.pk).description == "a\tb\r\nc"


def test_it_requires_a_title_when_left_out(user):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user)
    assert errors_of(excinfo) == {"title": ["Title is required."]}


def test_it_accepts_200_characters_of_title_and_not_201(user):
    assert len(services.task_create(owner=user, title="x" * 200).title) == 200
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="x" * 201)
    assert "at most 200" in errors_of(excinfo)["title"][0]


def test_it_limits_the_description_to_10000_characters(user):
    services.task_create(owner=user, title="ok", description="d" * 10_000)
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="long", description="d" * 10_001)
    assert list(errors_of(excinfo)) == ["description"]
    assert Task.objects.count() == 1


def test_it_rejects_a_description_that_is_not_text(user):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="t", description=["no"])
    assert list(errors_of(excinfo)) == ["description"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [("low", 1), ("NORMAL", 2), (" high ", 3), ("urgent", 4), (4, 4), (Priority.LOW, 1)],
)
def test_it_accepts_priorities_by_name_or_number(user, given, stored):
    assert services.task_create(owner=user, title="t", priority=given).priority == stored


@pytest.mark.parametrize("priority", ["meh", 0, 5, True, 2.0, None])
def test_it_rejects_unknown_priorities(user, priority):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="t", priority=priority)
    assert errors_of(excinfo) == {
        "priority": ["Priority must be one of low, normal, high, urgent."]
    }


@pytest.mark.parametrize("status", ["closed", "", None, 1])
def test_it_rejects_unknown_statuses(user, status):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="t", status=status)
    assert errors_of(excinfo) == {"status": ["Status must be open or done."]}


def test_it_sets_completed_at_when_created_done(user):
    task = services.task_create(owner=user, title="t", status="Done")
    assert task.status == Status.DONE
    assert task.completed_at is not None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2030-01-31", date(2030, 1, 31)),
        (date(2030, 2, 1), date(2030, 2, 1)),
        ("", None),
        (None, None),
    ],
)
def test_it_accepts_due_dates(user, given, stored):
    task = services.task_create(owner=user, title="t", due_date=given)
    assert Task.objects.get(pk=task.pk).due_date == stored


@pytest.mark.parametrize("due", ["tomorrow", "2030-02-30", "31.01.2030", 20300131, timezone.now()])
def test_it_rejects_bad_due_dates(user, due):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="t", due_date=due)
    assert errors_of(excinfo) == {"due_date": ["Due date must be a date (YYYY-MM-DD)."]}


def test_it_normalises_tags_and_writes_their_rows(user):
    task = services.task_create(owner=user, title="t", tags=" Work Stuff, #home,,HOME, c++ ")
    assert task.tag_names == ["work-stuff", "home", "c++"]
    assert tag_rows(task) == ["c++", "home", "work-stuff"]


def test_it_accepts_20_tags_and_not_21(user):
    services.task_create(owner=user, title="t", tags=[f"t{i}" for i in range(20)])
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="t", tags=[f"t{i}" for i in range(21)])
    assert errors_of(excinfo) == {"tags": ["A task can have at most 20 tags."]}


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (["x" * 33], "longer than 32"),
        ([5], "Tags must be text."),
        (5, "Tags must be a list"),
        ({"a": 1}, "Tags must be a list"),
        (["a;b"], "may only hold"),
        (["-a"], "may only hold"),
        (["a\x00b"], "Tags must not contain control characters."),
        ("work, a\x1bb", "Tags must not contain control characters."),
    ],
)
def test_it_rejects_bad_tags(user, tags, message):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="t", tags=tags)
    assert message in errors_of(excinfo)["tags"][0]
    assert not Task.objects.exists()
    assert not TaskTag.objects.exists()


def test_it_names_every_bad_field_and_unknown_ones(user):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(owner=user, title="", priority="x", colour="red")
    assert errors_of(excinfo) == {
        "colour": ["Unknown field."],
        "title": ["Title is required."],
        "priority": ["Priority must be one of low, normal, high, urgent."],
    }


# --- task_update / task_replace / task_set_status --------------------------------


def test_it_updates_given_fields_only_and_bumps_the_version(user, monkeypatch):
    task = services.task_create(owner=user, title="t", description="keep", tags="a")
    later = task.created_at + timedelta(seconds=5)
    monkeypatch.setattr(services, "_now", lambda: later)
    services.task_update(task=task, title="new", tags="b, c")
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.description, stored.version) == ("new", "keep", 2)
    assert stored.updated_at == later
    assert task.updated_at == later
    assert tag_rows(task) == ["b", "c"]
    assert stored.tag_names == ["b", "c"]


def test_it_does_not_bump_the_version_when_nothing_changes(user):
    task = services.task_create(owner=user, title="t")
    services.task_update(task=task, title=" t ")
    assert Task.objects.get(pk=task.pk).version == 1


def test_it_refuses_a_stale_expected_version_and_changes_nothing(user):
    task = services.task_create(owner=user, title="t")
    with pytest.raises(StaleVersion):
        services.task_update(task=task, expected_version=7, title="new")
    assert Task.objects.get(pk=task.pk).title == "t"


def test_it_refuses_an_update_when_another_write_came_first(user):
    mine = services.task_create(owner=user, title="t")
    theirs = Task.objects.get(pk=mine.pk)
    services.task_update(task=theirs, title="theirs")
    with pytest.raises(StaleVersion):
        services.task_update(task=mine, expected_version=1, title="mine")
    stored = Task.objects.get(pk=mine.pk)
    assert (stored.title, stored.version) == ("theirs", 2)


def test_an_unconditional_update_that_loses_the_race_retries_on_the_newer_version(user):
    mine = services.task_create(owner=user, title="t", tags=["a"])
    theirs = Task.objects.get(pk=mine.pk)
    services.task_update(task=theirs, title="theirs", tags=["b"])
    services.task_update(task=mine, description="mine")  # read at version 1
    stored = Task.objects.get(pk=mine.pk)
    assert (stored.title, stored.description, stored.version) == ("theirs", "mine", 3)
    assert (mine.version, mine.tag_names) == (3, ["b"])


def test_it_accepts_the_current_expected_version(user):
    task = services.task_create(owner=user, title="t")
    services.task_update(task=task, expected_version=1, title="new")
    assert task.version == 2
    assert task.etag == f'"{task.pk.hex}-2"'


def test_it_leaves_nothing_changed_when_an_update_is_invalid(user):
    task = services.task_create(owner=user, title="t")
    with pytest.raises(ValidationError):
        services.task_update(task=task, title="ok", due_date="never")
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.version) == ("t", 1)


def test_it_sets_and_clears_completed_at_with_the_status(user):
    task = services.task_create(owner=user, title="t")
    services.task_set_status(task=task, status="done")
    done = Task.objects.get(pk=task.pk)
    assert done.status == Status.DONE
    assert done.completed_at is not None
    services.task_set_status(task=task, status="open")
    reopened = Task.objects.get(pk=task.pk)
    assert (reopened.status, reopened.completed_at, reopened.version) == ("open", None, 3)


def test_it_keeps_completed_at_when_marked_done_again(user):
    task = services.task_create(owner=user, title="t", status="done")
    first = task.completed_at
    services.task_set_status(task=task, status="done")
    assert Task.objects.get(pk=task.pk).completed_at == first


def test_it_replaces_every_field_and_defaults_the_rest(user):
    task = services.task_create(
        owner=user, title="t", description="d", priority="high", due_date="2030-01-01", tags="a"
    )
    services.task_replace(task=task, title="only title")
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.description, stored.priority, stored.due_date) == (
        "only title",
        "",
        Priority.NORMAL,
        None,
    )
    assert stored.tag_names == []
    assert tag_rows(task) == []


def test_it_requires_a_title_on_replace(user):
    task = services.task_create(owner=user, title="t")
    with pytest.raises(ValidationError) as excinfo:
        services.task_replace(task=task, description="d")
    assert list(errors_of(excinfo)) == ["title"]


def test_it_refuses_a_stale_replace(user):
    task = services.task_create(owner=user, title="t")
    with pytest.raises(StaleVersion):
        services.task_replace(task=task, expected_version=2, title="x")


# --- trash ------------------------------------------------------------------------


def test_it_moves_to_the_trash_and_restores_as_it_was(user):
    task = services.task_create(owner=user, title="t", tags="a")
    services.task_trash(task=task)
    trashed = Task.objects.get(pk=task.pk)
    assert trashed.deleted_at is not None
    assert trashed.version == 2
    services.task_restore(task=task)
    restored = Task.objects.get(pk=task.pk)
    assert (restored.deleted_at, restored.version, restored.title) == (None, 3, "t")
    assert tag_rows(task) == ["a"]


def test_it_treats_trashing_twice_and_restoring_an_active_task_as_no_ops(user):
    task = services.task_create(owner=user, title="t")
    services.task_restore(task=task)
    services.task_trash(task=task)
    services.task_trash(task=task)
    assert Task.objects.get(pk=task.pk).version == 2


def test_it_refuses_a_stale_trash_or_restore(user):
    task = services.task_create(owner=user, title="t")
    with pytest.raises(StaleVersion):
        services.task_trash(task=task, expected_version=5)
    assert Task.objects.get(pk=task.pk).deleted_at is None
    services.task_trash(task=task)
    with pytest.raises(StaleVersion):
        services.task_restore(task=task, expected_version=1)
    assert Task.objects.get(pk=task.pk).deleted_at is not None


def test_it_deletes_for_good_with_the_tag_rows(user):
    task = services.task_create(owner=user, title="t", tags="a,b")
    keep = services.task_create(owner=user, title="k", tags="a")
    services.task_delete_forever(task=task)
    assert not Task.objects.filter(pk=task.pk).exists()
    assert tag_rows(task) == []
    assert tag_rows(keep) == ["a"]


def test_it_refuses_a_stale_delete_and_keeps_the_task(user):
    task = services.task_create(owner=user, title="t")
    services.task_update(task=task, title="changed")
    with pytest.raises(StaleVersion):
        services.task_delete_forever(task=task, expected_version=1)
    assert Task.objects.filter(pk=task.pk).exists()


def test_an_unconditional_delete_of_a_stale_copy_deletes(user):
    task = services.task_create(owner=user, title="t")
    stale = Task.objects.get(pk=task.pk)
    services.task_update(task=task, title="changed")
    services.task_delete_forever(task=stale)
    assert not Task.objects.filter(pk=task.pk).exists()
    with pytest.raises(Task.DoesNotExist):
        services.task_delete_forever(task=stale)  # already gone


# --- tasks_bulk -------------------------------------------------------------------


def test_it_marks_many_done_and_reopens_them(user):
    a = services.task_create(owner=user, title="a")
    b = services.task_create(owner=user, title="b", status="done")
    result = services.tasks_bulk(owner=user, ids=[a.pk, str(b.pk)], action="done")
    assert result == BulkResult(action="done", touched=[a.pk], unchanged=[b.pk], not_found=[])
    stored = Task.objects.get(pk=a.pk)
    assert (stored.status, stored.version) == ("done", 2)
    assert stored.completed_at is not None
    result = services.tasks_bulk(owner=user, ids=[a.pk, b.pk], action="reopen")
    assert result.touched == [a.pk, b.pk]
    assert set(Task.objects.values_list("completed_at", flat=True)) == {None}
    assert Task.objects.get(pk=a.pk).version == 3


def test_it_trashes_restores_and_purges_many(user):
    a = services.task_create(owner=user, title="a", tags="x")
    b = services.task_create(owner=user, title="b")
    assert services.tasks_bulk(owner=user, ids=[a.pk, b.pk], action="trash").touched == [a.pk, b.pk]
    assert Task.objects.trashed().count() == 2
    assert services.tasks_bulk(owner=user, ids=[a.pk], action="restore").touched == [a.pk]
    assert Task.objects.get(pk=a.pk).deleted_at is None
    assert services.tasks_bulk(owner=user, ids=[a.pk, b.pk], action="purge").touched == [a.pk, b.pk]
    assert not Task.objects.exists()
    assert not TaskTag.objects.exists()


def test_it_reports_each_id_once_in_the_order_asked(user):
    a = services.task_create(owner=user, title="a")
    b = services.task_create(owner=user, title="b", status="done")
    missing = uuid.uuid4()
    result = services.tasks_bulk(owner=user, ids=[b.pk, missing, a.pk, b.pk], action="done")
    assert result == BulkResult(
        action="done", touched=[a.pk], unchanged=[b.pk], not_found=[missing]
    )


def test_it_leaves_other_users_tasks_alone_in_bulk(user, other_user):
    theirs = services.task_create(owner=other_user, title="theirs")
    for action in services.BULK_ACTIONS:
        result = services.tasks_bulk(owner=user, ids=[theirs.pk], action=action)
        assert (result.touched, result.unchanged, result.not_found) == ([], [], [theirs.pk])
    stored = Task.objects.get(pk=theirs.pk)
    assert (stored.status, stored.deleted_at, stored.version) == ("open", None, 1)


@pytest.mark.parametrize(
    ("ids", "action", "field"),
    [
        ([], "explode", "action"),
        (["not-a-uuid"], "done", "ids"),
        ("abc", "done", "ids"),
        (None, "done", "ids"),
        (["00000000-0000-0000-0000-000000000000"] * 1001, "done", "ids"),
    ],
)
def test_it_rejects_bad_bulk_requests(user, ids, action, field):
    with pytest.raises(ValidationError) as excinfo:
        services.tasks_bulk(owner=user, ids=ids, action=action)
    assert list(errors_of(excinfo)) == [field]


# --- tasks_import -----------------------------------------------------------------


def test_it_imports_every_row_with_tag_rows(user):
    tasks = services.tasks_import(
        owner=user,
        rows=[(1, {"title": "a", "tags": "x,y", "status": "done"}), (2, {"title": "b"})],
    )
    assert [t.title for t in tasks] == ["a", "b"]
    assert Task.objects.filter(owner=user).count() == 2
    a = Task.objects.get(title="a")
    assert a.completed_at is not None
    assert tag_rows(a) == ["x", "y"]


def test_it_imports_nothing_when_a_row_is_invalid(user):
    with pytest.raises(ImportRejected) as excinfo:
        services.tasks_import(
            owner=user,
            rows=[(2, {"title": "ok"}), (3, {"title": ""}), (4, {"priority": "x", "title": "t"})],
        )
    assert excinfo.value.errors == {
        3: {"title": ["Title is required."]},
        4: {"priority": ["Priority must be one of low, normal, high, urgent."]},
    }
    assert not Task.objects.exists()


def test_it_refuses_too_many_rows(user, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_MAX_ROWS", 2)
    with pytest.raises(ImportRejected) as excinfo:
        services.tasks_import(owner=user, rows=[(n, {"title": "t"}) for n in range(3)])
    assert excinfo.value.errors == {0: {"file": ["At most 2 tasks per import."]}}
    assert not Task.objects.exists()


def test_it_takes_back_written_tasks_when_a_later_write_fails(user, monkeypatch):
    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(TaskTag.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(RuntimeError):
        services.tasks_import(owner=user, rows=[(1, {"title": "a", "tags": "x"})])
    assert not Task.objects.exists()


def test_it_takes_back_a_created_task_when_its_tag_rows_fail(user, monkeypatch):
    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(TaskTag.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(RuntimeError):
        services.task_create(owner=user, title="a", tags="x")
    assert not Task.objects.exists()


# --- trash_purge ------------------------------------------------------------------


def test_it_purges_only_tasks_trashed_long_enough(user, other_user):
    now = timezone.now()
    old = services.task_create(owner=user, title="old", tags="x")
    recent = services.task_create(owner=user, title="recent")
    active = services.task_create(owner=other_user, title="active")
    theirs = services.task_create(owner=other_user, title="theirs")
    Task.objects.filter(pk__in=[old.pk, theirs.pk]).update(deleted_at=now - timedelta(days=40))
    Task.objects.filter(pk=recent.pk).update(deleted_at=now - timedelta(days=2))
    assert services.trash_purge(older_than=timedelta(days=30), owner=user, now=now) == 1
    assert services.trash_purge(older_than=timedelta(days=30), now=now) == 1
    assert set(Task.objects.values_list("title", flat=True)) == {"recent", "active"}
    assert not TaskTag.objects.filter(task_id=old.pk).exists()
    assert services.trash_purge(older_than=timedelta(0), now=now) == 1
    assert list(Task.objects.values_list("pk", flat=True)) == [active.pk]


def test_tasks_made_within_one_millisecond_keep_their_order(user, monkeypatch):
    """The clock standing still (or two writes in one millisecond): each write still
    gets a later time, so "newest first" is the order they were made in."""
    from datetime import datetime

    from django.utils import timezone

    frozen = datetime(2030, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    made = [services.task_create(owner=user, title=f"T{n}") for n in range(5)]
    times = [task.created_at for task in made]
    assert times == sorted(set(times))  # strictly increasing, whole milliseconds
    assert all(t.microsecond % 1000 == 0 for t in times)
    newest_first = selectors.task_list(owner=user)
    assert [task.title for task in newest_first] == ["T4", "T3", "T2", "T1", "T0"]
