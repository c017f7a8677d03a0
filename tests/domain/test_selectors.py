"""taskapp.tasks.selectors: every filter, every sort both ways, counts, owner isolation."""

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taskapp.tasks import selectors, services
from taskapp.tasks.models import Task
from taskapp.tasks.selectors import TaskFilter

pytestmark = pytest.mark.django_db

TODAY = date(2030, 6, 12)  # a Wednesday


def titles(owner, **filters):
    today = filters.pop("today", TODAY)
    return [
        t.title
        for t in selectors.task_list(owner=owner, filters=TaskFilter(**filters), today=today)
    ]


@pytest.fixture
def tasks(user, other_user):
    """Five of ann's tasks (one in the trash) and one of bob's that matches everything."""
    make = services.task_create
    made = {
        "apple": make(
            owner=user,
            title="apple",
            priority="low",
            due_date=TODAY - timedelta(days=1),
            tags="home",
        ),
        "Banana": make(
            owner=user,
            title="Banana",
            description="yellow FRUIT",
            priority="urgent",
            due_date=TODAY,
            tags="home, work",
        ),
        "cherry": make(
            owner=user,
            title="cherry",
            status="done",
            due_date=TODAY - timedelta(days=5),
            tags="work",
        ),
        "date": make(owner=user, title="date", priority="high"),
        "trashed": make(
            owner=user, title="trashed", tags="home", due_date=TODAY - timedelta(days=9)
        ),
        "bob": make(
            owner=other_user,
            title="apple fruit",
            tags="home, work",
            due_date=TODAY - timedelta(days=1),
        ),
    }
    services.task_trash(task=made["trashed"])
    # One second apart in the order above: "newest first" is well defined even
    # though both backends store milliseconds and creation took less.
    start = timezone.now() - timedelta(hours=1)
    for offset, task in enumerate(made.values()):
        task.created_at = start + timedelta(seconds=offset)
        Task.objects.filter(pk=task.pk).update(created_at=task.created_at)
    return made


def test_it_lists_active_tasks_newest_first_by_default(user, tasks):
    assert titles(user) == ["date", "cherry", "Banana", "apple"]


def test_it_lists_the_trash_on_its_own(user, tasks):
    assert titles(user, trash=True) == ["trashed"]


def test_it_never_shows_another_users_tasks(other_user, tasks):
    assert titles(other_user) == ["apple fruit"]
    assert titles(other_user, tag="home") == ["apple fruit"]


@pytest.mark.parametrize(
    ("status", "expected"), [("open", ["date", "Banana", "apple"]), ("done", ["cherry"])]
)
def test_it_filters_by_status(user, tasks, status, expected):
    assert titles(user, status=status) == expected


def test_it_filters_by_priority(user, tasks):
    assert titles(user, priority=4) == ["Banana"]


def test_it_filters_by_tag_once_per_task_and_normalises_it(user, tasks):
    assert titles(user, tag="work") == ["cherry", "Banana"]
    assert titles(user, tag=" #HOME ") == ["Banana", "apple"]
    assert titles(user, tag="nope") == []


def test_it_searches_title_and_description_ignoring_case(user, tasks):
    assert titles(user, q="fruit") == ["Banana"]
    assert titles(user, q="APP") == ["apple"]
    assert titles(user, q="(a.*") == []


def test_it_filters_by_due_dates_inclusively(user, tasks):
    assert titles(user, due_before=TODAY) == ["cherry", "Banana", "apple"]
    assert titles(user, due_after=TODAY) == ["Banana"]
    assert titles(
        user, due_after=TODAY - timedelta(days=1), due_before=TODAY - timedelta(days=1)
    ) == ["apple"]


def test_it_filters_overdue_and_not_overdue(user, tasks):
    assert titles(user, overdue=True) == ["apple"]
    assert titles(user, overdue=False) == ["date", "cherry", "Banana"]


def test_it_combines_filters(user, tasks):
    assert titles(user, tag="home", status="open", q="an") == ["Banana"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("due", ["cherry", "apple", "Banana", "date"]),
        ("-due", ["Banana", "apple", "cherry", "date"]),
        ("priority", ["apple", "cherry", "date", "Banana"]),
        ("-priority", ["Banana", "date", "cherry", "apple"]),
        ("title", ["apple", "Banana", "cherry", "date"]),
        ("-title", ["date", "cherry", "Banana", "apple"]),
        ("created", ["apple", "Banana", "cherry", "date"]),
        ("-created", ["date", "cherry", "Banana", "apple"]),
    ],
)
def test_it_sorts_both_ways_with_undated_tasks_last(user, tasks, sort, expected):
    assert titles(user, sort=sort) == expected


def test_it_sorts_by_last_update(user, tasks):
    services.task_update(task=tasks["apple"], description="touched")
    assert titles(user, sort="-updated")[0] == "apple"
    assert titles(user, sort="updated")[-1] == "apple"


def test_it_breaks_ties_newest_first(user, tasks):
    # apple and date both become high: the newer one (date) comes first.
    services.task_update(task=tasks["apple"], priority="high")
    assert titles(user, sort="-priority") == ["Banana", "date", "apple", "cherry"]


def test_it_refuses_an_unknown_sort(user):
    assert not selectors.sort_is_valid("colour")
    assert selectors.sort_is_valid("-due")
    with pytest.raises(ValueError, match="Unknown sort"):
        selectors.task_list(owner=user, filters=TaskFilter(sort="colour"))


def test_it_lists_a_page_in_a_fixed_number_of_queries(user):
    def page_queries(count):
        Task.objects.all().delete()
        services.tasks_import(
            owner=user, rows=[(n, {"title": f"t{n}", "tags": "a,b"}) for n in range(count)]
        )
        with CaptureQueriesContext(connection) as ctx:
            page = list(selectors.task_list(owner=user, filters=TaskFilter(tag="a"))[:50])
            [(task.owner.username, task.tag_names) for task in page]
        return len(ctx.captured_queries)

    assert page_queries(2) == page_queries(30)


def test_it_gets_own_tasks_including_the_trash(user, tasks):
    assert selectors.get_task(owner=user, task_id=tasks["apple"].pk).title == "apple"
    assert selectors.get_task(owner=user, task_id=str(tasks["trashed"].pk)).title == "trashed"
    with pytest.raises(Task.DoesNotExist):
        selectors.get_task(owner=user, task_id=tasks["trashed"].pk, include_trash=False)


@pytest.mark.parametrize("task_id", ["bob", "not-a-uuid", str(uuid.uuid4()), "", None])
def test_it_answers_does_not_exist_for_others_and_bad_ids(user, tasks, task_id):
    if task_id == "bob":
        task_id = tasks["bob"].pk
    with pytest.raises(Task.DoesNotExist):
        selectors.get_task(owner=user, task_id=task_id)


def test_it_finds_active_tasks_by_exact_title(user, other_user, tasks):
    services.task_create(owner=user, title="apple")
    assert len(selectors.tasks_with_title(owner=user, title="apple")) == 2
    assert selectors.tasks_with_title(owner=user, title="  apple ")[0].pk == tasks["apple"].pk
    assert selectors.tasks_with_title(owner=user, title="trashed") == []
    assert selectors.tasks_with_title(owner=user, title="Apple") == []
    assert len(selectors.tasks_with_title(owner=other_user, title="apple fruit")) == 1


def test_it_counts_open_done_overdue_and_trash(user, other_user, tasks):
    assert selectors.task_counts(owner=user, today=TODAY) == {
        "open": 3,
        "done": 1,
        "overdue": 1,
        "trash": 1,
    }
    assert selectors.task_counts(owner=other_user, today=TODAY) == {
        "open": 1,
        "done": 0,
        "overdue": 1,
        "trash": 0,
    }


def test_it_lists_the_owners_tags_of_active_tasks_once(user, other_user, tasks):
    services.task_create(owner=other_user, title="x", tags="private")
    assert selectors.owner_tags(owner=user) == ["home", "work"]
    services.task_trash(task=tasks["apple"])
    services.task_trash(task=tasks["Banana"])
    assert selectors.owner_tags(owner=user) == ["work"]


def test_it_gives_monday_to_sunday():
    assert selectors.week_bounds(TODAY) == (date(2030, 6, 10), date(2030, 6, 16))
    assert selectors.week_bounds(date(2030, 6, 16)) == (date(2030, 6, 10), date(2030, 6, 16))
