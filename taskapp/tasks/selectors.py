"""Reads of tasks, shared by the API and the UI.

Every read is scoped to what one user may see (taskapp.tasks.lists.Access): their
own tasks and those of the lists shared with them. Anyone else's task is
indistinguishable from a missing one (both raise Task.DoesNotExist, which the
adapters answer with 404). ``owner`` in these functions is that user.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import router
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Lower
from django.utils import timezone

from taskapp.statements import Statement, is_sql
from taskapp.tasks import lists
from taskapp.tasks.models import Status, Task, TaskTag
from taskapp.tasks.validators import normalize_tag

# Public sort keys -> model expressions. Titles sort without regard to case
# (both backends compare bytes otherwise: "Zoo" before "apple"). Every ordering
# ends with the creation time and the primary key so that pages are stable when
# the sort key ties.
SORT_FIELDS = {
    "due": F("due_date"),
    "priority": F("priority"),
    "created": F("created_at"),
    "updated": F("updated_at"),
    "title": Lower("title"),
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
    list_id: uuid.UUID | None = None  # one list (one the user may read)
    sort: str = DEFAULT_SORT
    # Open tasks before done ones, each group in ``sort`` order (the web list).
    open_first: bool = False


def sort_is_valid(sort: str) -> bool:
    return isinstance(sort, str) and sort.removeprefix("-") in SORT_FIELDS


def _ordering(sort: str) -> list:
    if not sort_is_valid(sort):
        raise ValueError(f"Unknown sort {sort!r}; use one of {', '.join(SORT_FIELDS)}.")
    key = sort.removeprefix("-")
    descending = sort.startswith("-")
    field = SORT_FIELDS[key]
    # Tasks without a due date sort after those with one, whichever the direction.
    nulls = {"nulls_last": True} if key == "due" else {}
    primary = field.desc(**nulls) if descending else field.asc(**nulls)
    if key == "created":
        return [primary, "-pk" if descending else "pk"]
    return [primary, "-created_at", "-pk"]


def task_list(
    *,
    owner,
    filters: TaskFilter = TaskFilter(),
    today: date | None = None,
    access: "lists.Access | None" = None,
):
    """The owner's tasks matching ``filters``, sorted; a lazy queryset."""
    today = today or timezone.localdate()
    access = access or lists.Access.of(owner)
    # No join on the owner (a join rebuilt the same user 50 times per page; on
    # MongoDB it is a $lookup per row): the rows carry owner_id only.
    tasks = access.visible_tasks()
    tasks = tasks.trashed() if filters.trash else tasks.active()
    if filters.list_id:
        # Raises TaskList.DoesNotExist for a list the user is not in (404).
        tasks = tasks.filter(task_list=lists.get_list(owner, filters.list_id, access=access))
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.priority:
        tasks = tasks.filter(priority=filters.priority)
    if filters.tag:
        # A subquery, not a join: one task with the tag matches once.
        tag = normalize_tag(filters.tag)
        tagged = TaskTag.objects.filter(name=tag).values("task_id")
        if not access.roles:
            tagged = tagged.filter(owner=owner)
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
        # Django adds the NULL handling: tasks without a due date are not overdue.
        tasks = tasks.exclude(status=Status.OPEN, due_date__lt=today)
    ordering = _ordering(filters.sort)
    if filters.open_first:
        # Status values sort "open" > "done": descending puts open tasks first.
        ordering = ["-status", *ordering]
    return tasks.order_by(*ordering)


def _own_tasks_state(owner_id):
    return (
        Task.objects.filter(owner_id=owner_id)
        .order_by()
        .values("owner_id")
        .annotate(count=Count("pk"), versions=Sum("version"), latest=Max("updated_at"))
        .values_list("count", "versions", "latest")
    )


_OWN_TASKS_STATE = Statement(
    _own_tasks_state, sentinel=-1, field=Task._meta.get_field("owner").target_field
)


def visible_state(access: "lists.Access") -> tuple:
    """A value that changes whenever any task the user can see changes: the
    number of those tasks (the trash included), the sum of their versions and
    the latest update, in one query.

    Every write of a task bumps its version and sets its updated_at to now
    (taskapp.tasks.services, lists); a task that appears (made, imported, moved
    in, restored) sets updated_at past the latest; one that goes (purged, moved
    out) lowers the count. Which lists the user may see is ``access.roles``: the
    caller keys on that. What a page cache (api.page_cache) checks on every
    request before it answers from memory.
    """
    alias = router.db_for_read(Task)
    if not access.roles and is_sql(alias):
        # The common case, every API list request: SQL compiled once per process.
        rows = _OWN_TASKS_STATE.rows(alias, access.user.pk)
        count, versions, latest = rows[0] if rows else (0, 0, None)
    else:
        totals = access.visible_tasks().aggregate(
            count=Count("pk"), versions=Sum("version"), latest=Max("updated_at")
        )
        count, versions, latest = totals["count"], totals["versions"] or 0, totals["latest"]
    return (count, versions, str(latest) if latest is not None else None)


def get_task(
    *, owner, task_id, include_trash: bool = True, write: bool = False, access=None
) -> Task:
    """The task with this id if ``owner`` may see it (``write``: change it); raises
    Task.DoesNotExist otherwise, PermissionDenied for a write by a viewer.
    ``access``: the user's memberships if already read (lists.Access).

    A malformed id is just another id that names no task of the user's.
    """
    return lists.get_task(owner, task_id, write=write, include_trash=include_trash, access=access)


def tasks_with_title(*, owner, title: str) -> list[Task]:
    """Active tasks whose title is exactly ``title`` (the original API's key).

    The title is compared as it is stored (trimmed, blanks collapsed), so the
    title a task was created with finds it again.
    """
    title = " ".join(str(title).split())
    tasks = lists.Access.of(owner).visible_tasks().active().filter(title=title)
    return list(tasks.order_by("created_at", "pk"))


def owned_task_ids(*, owner, ids) -> set:
    """Which of ``ids`` name tasks of the owner's (in the trash or not)."""
    tasks = lists.Access.of(owner).visible_tasks()
    return set(tasks.filter(pk__in=list(ids)).values_list("pk", flat=True))


def task_counts(*, owner, today: date | None = None, access=None) -> dict[str, int]:
    """Open, done, overdue and trashed counts for the owner (four count queries)."""
    today = today or timezone.localdate()
    mine = (access or lists.Access.of(owner)).visible_tasks()
    active = mine.active()
    return {
        "open": active.filter(status=Status.OPEN).count(),
        "done": active.filter(status=Status.DONE).count(),
        "overdue": active.overdue(today).count(),
        "trash": mine.trashed().count(),
    }


def owner_tags(*, owner, access=None) -> list[str]:
    """Every tag name on a task the user sees that is not in the trash."""
    access = access or lists.Access.of(owner)
    visible = Q(owner=owner)
    if access.roles:
        visible |= Q(task__task_list_id__in=access.shared_ids)
    names = (
        TaskTag.objects.filter(visible, task__deleted_at__isnull=True)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )
    return list(names)


def trash_purgeable(*, older_than: timedelta, owner=None, now=None):
    """The tasks that have been in the trash longer than ``older_than``."""
    cutoff = (now or timezone.now()) - older_than
    tasks = Task.objects.trashed().filter(deleted_at__lt=cutoff)
    if owner is not None:
        tasks = tasks.owned_by(owner)
    return tasks


def week_bounds(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week containing ``today``."""
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)
