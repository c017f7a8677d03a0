"""Lists and sharing: who may see and change which tasks, and the writes to lists.

Access is decided in one place per model: ``get_list`` and ``get_task`` return the
object the user may use, or raise. Someone who is neither the owner nor a member
gets ``DoesNotExist`` (the adapters answer 404, exactly as for a missing id); a
member without the right gets ``PermissionDenied`` (403). ``Access`` is what one
request knows about the user's lists: one query for their memberships, then every
read is ``visible_tasks()`` (their own tasks and their shared lists' tasks).

A list's tasks belong to the list's owner (``Task.owner``), so a task moves to
another owner only when it moves to a list of theirs.
"""

import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taskapp.statements import Statement, is_sql
from taskapp.tasks.models import (
    INBOX_NAME,
    LIST_COLOURS,
    LIST_NAME_MAX,
    ListMember,
    Role,
    Status,
    Task,
    TaskList,
    TaskTag,
)
from taskapp.tasks.validators import has_control_characters, is_storable_text

READ, WRITE, OWN = "read", "write", "own"


def _uuid(value, model):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise model.DoesNotExist(f"No {model._meta.model_name} {str(value)[:40]!r}.") from None


@dataclass
class Access:
    """The lists a user may see beyond their own, with their role in each."""

    user: object
    roles: dict = field(default_factory=dict)  # shared list id -> Role

    @classmethod
    def of(cls, user) -> "Access":
        """The user's memberships, read now (one query; a removed member loses the
        list on their very next request)."""
        alias = router.db_for_read(ListMember)
        if not is_sql(alias):
            return cls(user=user, roles=dict(_memberships(user.pk)))
        # Every API request asks this: run as SQL compiled once (taskapp.statements).
        to_id = TaskList._meta.pk.to_python
        rows = _MEMBERSHIPS.rows(alias, user.pk)
        return cls(user=user, roles={to_id(list_id): role for list_id, role in rows})

    @property
    def shared_ids(self) -> list:
        return list(self.roles)

    def visible_tasks(self):
        """Every task the user may read: their own and their shared lists'."""
        if not self.roles:
            # Through the reverse manager every task comes back with ``task.owner``
            # already set: no per-row query, no join.
            return self.user.tasks.all()
        shared = Q(owner=self.user) | Q(task_list_id__in=self.shared_ids)
        return Task.objects.filter(shared).select_related("owner")

    def visible_lists(self):
        if not self.roles:
            return TaskList.objects.filter(owner=self.user)
        return TaskList.objects.filter(Q(owner=self.user) | Q(pk__in=self.shared_ids))

    def can_write(self, task_list_id, owner_id) -> bool:
        return owner_id == self.user.pk or self.roles.get(task_list_id) == Role.EDITOR

    def read_only_list_ids(self) -> list:
        return [pk for pk, role in self.roles.items() if role != Role.EDITOR]


def _memberships(user_id):
    return ListMember.objects.filter(user_id=user_id).values_list("task_list_id", "role")


_MEMBERSHIPS = Statement(
    _memberships, sentinel=-1, field=ListMember._meta.get_field("user").target_field
)


def _access(user, access: Access | None) -> Access:
    return access if access is not None else Access.of(user)


def get_list(user, list_id, need: str = READ, access: Access | None = None) -> TaskList:
    """The list ``list_id`` if ``user`` may ``need`` it (read, write its tasks, own it).

    Raises TaskList.DoesNotExist for a list the user is not in (as for no list at
    all) and PermissionDenied for a member asking more than their role allows.
    """
    list_id = _uuid(list_id, TaskList)
    task_list = TaskList.objects.get(pk=list_id)
    if task_list.owner_id == user.pk:
        return task_list
    role = _access(user, access).roles.get(list_id)
    if role is None:
        raise TaskList.DoesNotExist(f"No list {list_id}.")
    if need == OWN or (need == WRITE and role != Role.EDITOR):
        raise PermissionDenied(_("You can only view this list."))
    return task_list


def get_task(
    user, task_id, write: bool = False, access: Access | None = None, include_trash=True
) -> Task:
    """The task ``task_id`` if ``user`` may read it (``write``: change it).

    Raises Task.DoesNotExist for a task outside the user's lists (as for a missing
    one) and PermissionDenied for a write by a viewer.
    """
    access = _access(user, access)
    tasks = access.visible_tasks()
    if not include_trash:
        tasks = tasks.active()
    task = tasks.get(pk=_uuid(task_id, Task))
    if write and not access.can_write(task.task_list_id, task.owner_id):
        raise PermissionDenied(_("You can only view this list."))
    return task


def writable_task_ids(access: Access, ids) -> tuple[set, set]:
    """(writable, read-only) among the visible tasks with these ids."""
    rows = (
        access.visible_tasks()
        .filter(pk__in=list(ids))
        .values_list("pk", "task_list_id", "owner_id")
    )
    writable, read_only = set(), set()
    for pk, list_id, owner_id in rows:
        (writable if access.can_write(list_id, owner_id) else read_only).add(pk)
    return writable, read_only


# --- Reads ------------------------------------------------------------------------


def _inboxes(owner_id):
    """The owner's Inbox first (there is one; the oldest wins should there be two)."""
    return TaskList.objects.filter(owner_id=owner_id, is_inbox=True).order_by("created_at")


_INBOX = Statement(
    lambda owner_id: _inboxes(owner_id).values_list("pk")[:1],
    sentinel=-1,
    field=TaskList._meta.get_field("owner").target_field,
)


def inbox_id(user) -> uuid.UUID:
    """The primary key of the user's Inbox (made on first need): what a new task
    without a list needs, in one query compiled once (taskapp.statements)."""
    alias = router.db_for_read(TaskList)
    rows = _INBOX.rows(alias, user.pk) if is_sql(alias) else ()
    if rows:
        return TaskList._meta.pk.to_python(rows[0][0])
    return inbox_for(user).pk


def inbox_for(user) -> TaskList:
    """The user's Inbox, made on first need (sign-up makes it too)."""
    inbox = _inboxes(user.pk).first()
    if inbox is None:
        inbox = TaskList.objects.create(owner=user, name=INBOX_NAME, is_inbox=True)
    return inbox


def lists_with_counts(user, access: Access | None = None, archived: bool = False) -> list:
    """The user's live lists (own first, then shared), each with ``open_count`` and
    ``role`` ("owner", "editor", "viewer"): two queries whatever the number of lists."""
    access = _access(user, access)
    inbox_for(user)
    lists = list(
        access.visible_lists()
        .live()
        .filter(archived_at__isnull=not archived)
        .select_related("owner")
        .order_by("-is_inbox", "name", "created_at")
    )
    counts = dict(
        Task.objects.filter(
            task_list_id__in=[item.pk for item in lists],
            status=Status.OPEN,
            deleted_at__isnull=True,
        )
        .values("task_list_id")
        .annotate(n=Count("pk"))
        .values_list("task_list_id", "n")
    )
    for item in lists:
        item.open_count = counts.get(item.pk, 0)
        item.role = "owner" if item.owner_id == user.pk else access.roles[item.pk]
    lists.sort(key=lambda item: (item.role != "owner", not item.is_inbox, item.name.lower()))
    return lists


def list_members(task_list) -> list:
    """The list's members with their users: one query."""
    return list(
        ListMember.objects.filter(task_list=task_list).select_related("user").order_by("created_at")
    )


# --- Writes to lists ----------------------------------------------------------------


def clean_list_name(value) -> str:
    if not isinstance(value, str) or has_control_characters(value):
        raise ValidationError({"name": [_("Name must be text.")]})
    if not is_storable_text(value):
        raise ValidationError(
            {"name": [_("Name must be valid Unicode text (no lone surrogates).")]}
        )
    name = " ".join(value.split())
    if not name:
        raise ValidationError({"name": [_("Give the list a name.")]})
    if len(name) > LIST_NAME_MAX:
        raise ValidationError(
            {"name": [_("Names are at most %(max)d characters.") % {"max": LIST_NAME_MAX}]}
        )
    return name


def clean_colour(value) -> str:
    colour = value.strip().lower() if isinstance(value, str) else value
    if colour not in LIST_COLOURS:
        raise ValidationError(
            {"colour": [_("Colour must be one of %(c)s.") % {"c": ", ".join(LIST_COLOURS)}]}
        )
    return colour


def list_create(*, owner, name, colour="grey") -> TaskList:
    name = clean_list_name(name)
    colour = clean_colour(colour)
    return TaskList.objects.create(owner=owner, name=name, colour=colour)


def list_update(*, task_list: TaskList, name=None, colour=None, archived=None) -> TaskList:
    """Rename, recolour, archive or unarchive (the Inbox keeps its name and stays)."""
    changes = {}
    if name is not None:
        name = clean_list_name(name)
        if task_list.is_inbox and name != task_list.name:
            raise ValidationError({"name": [_("The Inbox cannot be renamed.")]})
        changes["name"] = name
    if colour is not None:
        changes["colour"] = clean_colour(colour)
    if archived is not None:
        if task_list.is_inbox and archived:
            raise ValidationError({"archived": [_("The Inbox cannot be archived.")]})
        if archived != task_list.is_archived:
            changes["archived_at"] = timezone.now() if archived else None
    for key, value in changes.items():
        setattr(task_list, key, value)
    if changes:
        TaskList.objects.filter(pk=task_list.pk).update(**changes)
    return task_list


def list_delete(*, task_list: TaskList) -> int:
    """Move the list and its live tasks to the trash, marked with one time so that
    restoring the list brings back exactly those tasks. Returns how many tasks."""
    if task_list.is_inbox:
        raise ValidationError({"list": [_("The Inbox cannot be deleted.")]})
    now = timezone.now().replace(microsecond=timezone.now().microsecond // 1000 * 1000)
    moved = Task.objects.filter(task_list=task_list, deleted_at__isnull=True).update(
        deleted_at=now, updated_at=now, version=F("version") + 1
    )
    TaskList.objects.filter(pk=task_list.pk).update(deleted_at=now)
    task_list.deleted_at = now
    return moved


def list_restore(*, task_list: TaskList) -> int:
    """Bring a deleted list back with the tasks it took to the trash."""
    if task_list.deleted_at is None:
        return 0
    restored = Task.objects.filter(task_list=task_list, deleted_at=task_list.deleted_at).update(
        deleted_at=None, updated_at=timezone.now(), version=F("version") + 1
    )
    TaskList.objects.filter(pk=task_list.pk).update(deleted_at=None)
    task_list.deleted_at = None
    return restored


# --- Sharing ----------------------------------------------------------------------


def _user_named(username):
    User = get_user_model()
    if not isinstance(username, str) or not is_storable_text(username):
        raise ValidationError({"username": [_("No user with this name.")]})
    try:
        return User.objects.get(**{User.USERNAME_FIELD: str(username).strip()}, is_active=True)
    except User.DoesNotExist:
        raise ValidationError({"username": [_("No user with this name.")]}) from None


def clean_role(value) -> str:
    role = value.strip().lower() if isinstance(value, str) else value
    if role not in Role.values:
        raise ValidationError({"role": [_("Role must be viewer or editor.")]})
    return role


def member_invite(*, task_list: TaskList, username, role) -> ListMember:
    """Share the list with a user (or change their role if already a member)."""
    role = clean_role(role)
    if task_list.is_inbox:
        raise ValidationError({"list": [_("The Inbox cannot be shared.")]})
    user = _user_named(username)
    if user.pk == task_list.owner_id:
        raise ValidationError({"username": [_("The owner is already in the list.")]})
    member, created = ListMember.objects.get_or_create(
        task_list=task_list, user=user, defaults={"role": role}
    )
    if not created and member.role != role:
        ListMember.objects.filter(pk=member.pk).update(role=role)
        member.role = role
    return member


def member_remove(*, task_list: TaskList, username) -> bool:
    """Take a member out (the owner removing them, or they leaving); False if they
    were not one. Their access ends with the row: every read checks membership."""
    User = get_user_model()
    user_ids = list(
        User.objects.filter(**{User.USERNAME_FIELD: str(username)}).values_list("pk", flat=True)
    )
    deleted, _per_model = ListMember.objects.filter(
        task_list=task_list, user_id__in=user_ids
    ).delete()
    return bool(deleted)


def list_transfer(*, task_list: TaskList, username) -> TaskList:
    """Hand the list (and its tasks) to one of its members; the old owner stays an editor."""
    if task_list.is_inbox:
        raise ValidationError({"list": [_("The Inbox cannot be given away.")]})
    new_owner = _user_named(username)
    if not ListMember.objects.filter(task_list=task_list, user=new_owner).exists():
        raise ValidationError({"username": [_("Only a member can become the owner.")]})
    old_owner_id = task_list.owner_id
    # Each write is idempotent: re-running after a crash finishes the handover.
    TaskList.objects.filter(pk=task_list.pk).update(owner=new_owner)
    task_ids = list(Task.objects.filter(task_list=task_list).values_list("pk", flat=True))
    Task.objects.filter(pk__in=task_ids).update(owner=new_owner)
    TaskTag.objects.filter(task_id__in=task_ids).update(owner=new_owner)
    ListMember.objects.filter(task_list=task_list, user=new_owner).delete()
    ListMember.objects.get_or_create(
        task_list=task_list, user_id=old_owner_id, defaults={"role": Role.EDITOR}
    )
    task_list.owner = new_owner
    return task_list


def list_names(user, access: Access | None = None) -> dict:
    """id -> name of every list the user can see (exports name the list)."""
    return dict(_access(user, access).visible_lists().values_list("pk", "name"))


def deleted_lists(user) -> list:
    """The user's own lists in the trash, newest first."""
    return list(
        TaskList.objects.filter(owner=user, deleted_at__isnull=False)
        .select_related("owner")
        .order_by("-deleted_at")
    )


def annotate_one(user, task_list, access: Access | None = None) -> TaskList:
    """Set ``open_count`` and ``role`` on one list, as lists_with_counts does."""
    task_list.open_count = Task.objects.filter(
        task_list=task_list, status=Status.OPEN, deleted_at__isnull=True
    ).count()
    if task_list.owner_id == user.pk:
        task_list.role = "owner"
    else:
        task_list.role = _access(user, access).roles.get(task_list.pk, Role.VIEWER)
    return task_list
