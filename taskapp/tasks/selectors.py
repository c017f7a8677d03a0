"""Reads of tasks, shared by the API and the UI.

Every read is scoped to one owner: another user's task is indistinguishable from
a missing one (both raise Task.DoesNotExist, which the adapters answer with 404).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Q
from django.utils import timezone

from taskapp.tasks.models import Status, Task, TaskTag

# Public sort keys -> model fields. Every ordering ends with the primary key so
# that pages are stable when the sort key ties.
SORT_FIELDS = {
    "due": "due_date",
    "priority": "priority",
    "created": "created_at",
    "updated": "updated_at",
    "title": "title",
}
DEFAULT_SORT = "-created"


@dataclass(frozen=True)
class TaskFilter:
    status: str | None = None
    tag: str | None = None
    priority: int | None = None
    q: str | None = None
    due_before: date | None = None
    due_after: date | None = None
    overdue: bool | None = None
    trash: bool = False
    sort: str = DEFAULT_SORT


def sort_is_valid(sort: str) -> bool:
    return sort.removeprefix("-") in SORT_FIELDS


def _ordering(sort: str) -> list:
    key = sort.removeprefix("-")
    descending = sort.startswith("-")
    field = F(SORT_FIELDS[key])
    # Tasks without a due date sort after those with one, whichever the direction.
    nulls = {"nulls_last": True} if key == "due" else {}
    primary = field.desc(**nulls) if descending else field.asc(**nulls)
    tiebreak = "-pk" if descending else "pk"
    return [primary, tiebreak]


def task_list(*, owner, filters: TaskFilter = TaskFilter(), today: date | None = None):
    """The owner's tasks matching ``filters``, sorted; a lazy queryset."""
    today = today or timezone.localdate()
    tasks = Task.objects.owned_by(owner)
    tasks = tasks.trashed() if filters.trash else tasks.active()
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.priority:
        tasks = tasks.filter(priority=filters.priority)
    if filters.tag:
        tagged = TaskTag.objects.filter(owner=owner, name=filters.tag).values("task_id")
        tasks = tasks.filter(pk__in=tagged)
    if filters.q:
        tasks = tasks.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.due_before:
        tasks = tasks.filter(due_date__lte=filters.due_before)
    if filters.due_after:
        tasks = tasks.filter(due_date__gte=filters.due_after)
    if filters.overdue is True:
        tasks = tasks.overdue(today)
    elif filters.overdue is False:
        tasks = tasks.exclude(pk__in=Task.objects.owned_by(owner).overdue(today).values("pk"))
    return tasks.order_by(*_ordering(filters.sort))


def get_task(*, owner, task_id, include_trash: bool = True) -> Task:
    """The owner's task with this id; raises Task.DoesNotExist otherwise."""
    tasks = Task.objects.owned_by(owner)
    if not include_trash:
        tasks = tasks.active()
    return tasks.get(pk=task_id)


def tasks_with_title(*, owner, title: str) -> list[Task]:
    """Active tasks whose title is exactly ``title`` (the original API's key)."""
    return list(Task.objects.owned_by(owner).active().filter(title=title).order_by("created_at"))


def task_counts(*, owner, today: date | None = None) -> dict[str, int]:
    """Open, done, overdue and trashed counts for the owner (four count queries)."""
    today = today or timezone.localdate()
    mine = Task.objects.owned_by(owner)
    active = mine.active()
    return {
        "open": active.filter(status=Status.OPEN).count(),
        "done": active.filter(status=Status.DONE).count(),
        "overdue": active.overdue(today).count(),
        "trash": mine.trashed().count(),
    }


def owner_tags(*, owner) -> list[str]:
    """Every tag name the owner uses on a task that is not in the trash."""
    names = (
        TaskTag.objects.filter(owner=owner, task__deleted_at__isnull=True)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )
    return list(names)


def week_bounds(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week containing ``today``."""
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)
