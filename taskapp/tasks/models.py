"""The task domain: tasks, their tags, and the trash.

Primary keys are UUIDs stored in the ``_id`` column so that the same models and
migrations serve SQLite and MongoDB (where the key is the document ``_id``).
Writes go through taskapp.tasks.services; reads through taskapp.tasks.selectors.
What a task shows the outside (API, exports, admin) is declared once in
taskapp.tasks.fields; the rules its fields are held to are taskapp.tasks.validators.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The limits of a task's fields: the model, the validators, the forms and the
# published API schema all read these.
TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
TAGS_MAX = 20
TAG_MAX = 32


def new_id():
    return uuid.uuid4()


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Priority(models.IntegerChoices):
    # Stored as numbers so that sorting by priority is a plain index sort.
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")

    @classmethod
    def from_name(cls, name: str) -> "Priority":
        try:
            return cls[str(name).upper()]
        except KeyError:
            raise ValidationError(
                _("Priority must be one of low, normal, high, urgent."), code="invalid_choice"
            ) from None

    @property
    def key(self) -> str:
        return self.name.lower()


PRIORITY_KEYS = {int(priority): priority.key for priority in Priority}


LIST_NAME_MAX = 100
INBOX_NAME = "Inbox"
# Colours a list can take (the UI offers these as swatches with names).
LIST_COLOURS = ("grey", "red", "orange", "yellow", "green", "teal", "blue", "purple", "pink")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")  # reads the list's tasks
    EDITOR = "editor", _("Editor")  # reads and writes them


class TaskListQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)


class TaskList(models.Model):
    """A named group of tasks; every task is in exactly one.

    Each user has one Inbox (``is_inbox``), which cannot be renamed, archived or
    deleted. A list's owner can share it (ListMember); the tasks of a list belong
    to its owner (``Task.owner`` follows the list), so every owner-scoped read
    stays as it was and sharing only adds the lists one is a member of.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="task_lists",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=LIST_NAME_MAX)
    colour = models.CharField(_("colour"), max_length=16, default="grey")
    is_inbox = models.BooleanField(_("inbox"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # A deleted list waits in the trash with its tasks; restoring it brings both back.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = TaskListQuerySet.as_manager()

    class Meta:
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        ordering = ["-is_inbox", "name", "created_at"]
        indexes = [models.Index(fields=["owner", "deleted_at"], name="list_owner_live")]

    def __str__(self):
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ListMember(models.Model):
    """A user a list is shared with, and what they may do with its tasks."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    task_list = models.ForeignKey(
        TaskList, on_delete=models.CASCADE, related_name="members", verbose_name=_("list")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="list_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("list member")
        verbose_name_plural = _("list members")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["task_list", "user"], name="listmember_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) in {self.task_list}"

    @property
    def can_write(self) -> bool:
        return self.role == Role.EDITOR


class TaskQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)

    def active(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=Status.OPEN, due_date__lt=today)


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("owner"),
    )
    # Null only for rows written before lists existed; migration 0003 fills it
    # and every service sets it.
    task_list = models.ForeignKey(
        TaskList,
        on_delete=models.CASCADE,
        related_name="tasks",
        null=True,
        blank=True,
        verbose_name=_("list"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(
        _("description"),
        blank=True,
        default="",
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # A wall-clock time on the due date, read in the owner's time zone
    # (taskapp.accounts.models.user_timezone); only set together with a due date.
    due_time = models.TimeField(_("due time"), null=True, blank=True)
    # The tag names, denormalised from TaskTag so that a page of tasks needs no
    # second query to show them; TaskTag rows exist for filtering by tag.
    tag_names = models.JSONField(_("tags"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    # The username of whoever wrote the task last (a list can be shared), stored
    # as text so that a page of tasks shows it without a query per row.
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True, default="")
    # Bumped on every write: the ETag, and the guard of compare-and-set updates.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "deleted_at", "status"], name="task_owner_state"),
            # The list's default order (newest first): read in index order, no sort.
            models.Index(fields=["owner", "deleted_at", "created_at"], name="task_owner_recent"),
            models.Index(fields=["owner", "due_date"], name="task_owner_due"),
            models.Index(fields=["task_list", "deleted_at", "status"], name="task_list_state"),
        ]

    def __str__(self):
        return self.title

    @property
    def etag(self) -> str:
        return f'"{self.id.hex}-{self.version}"'

    @property
    def is_done(self) -> bool:
        return self.status == Status.DONE

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    @property
    def priority_key(self) -> str:
        return Priority(self.priority).key

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_done and self.due_date is not None and self.due_date < today

    def is_due_today(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_done and self.due_date == today


class TaskTag(models.Model):
    """One row per (task, tag name): what `?tag=` filters on, on both backends."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_tags")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=TAG_MAX)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "name"], name="tasktag_unique"),
        ]
        indexes = [models.Index(fields=["owner", "name"], name="tasktag_owner_name")]

    def __str__(self):
        return self.name
