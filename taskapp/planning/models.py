"""Planning around a task: its checklist, reminders, repeat rule and calendar feeds.

A separate domain app beside taskapp.tasks: it points at tasks, tasks do not know
about it. Keys are UUIDs in the ``_id`` column as everywhere (docs/decisions/0004),
so the same migrations run on SQLite and MongoDB. Writes go through
taskapp.planning.services; pure rules (dates, parsing, ICS) live in their own
modules and know nothing of the database.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taskapp.tasks.models import Task

SUBTASK_TITLE_MAX = 200
SUBTASKS_MAX = 100
REMINDERS_MAX = 10
RECURRENCE_INTERVAL_MAX = 999


def new_id():
    return uuid.uuid4()


class Subtask(models.Model):
    """One step of a task's checklist; ``position`` orders them (0 first)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="subtasks")
    title = models.CharField(_("title"), max_length=SUBTASK_TITLE_MAX)
    done = models.BooleanField(_("done"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("subtask")
        verbose_name_plural = _("subtasks")
        ordering = ["position", "created_at"]
        indexes = [models.Index(fields=["task", "position"], name="subtask_task_pos")]

    def __str__(self):
        return self.title


class ReminderKind(models.TextChoices):
    AT = "at", _("At a time")
    AT_DUE = "at_due", _("At due time")
    HOUR_BEFORE = "1h_before", _("1 hour before")
    DAY_BEFORE = "1d_before", _("1 day before")


class Reminder(models.Model):
    """A reminder of a task, e-mailed once by ``manage.py send_reminders``.

    ``remind_at`` is always the absolute instant (UTC), also for the kinds relative
    to the due date: the services recompute it when the due date changes, so the
    sender only ever asks "which reminders are due now". ``claimed_at`` is set by
    one conditional update before sending: of two overlapping runs exactly one
    wins the claim, and only the winner sends.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    # None for a relative kind whose task has no due date (nothing to remind of yet).
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["remind_at", "created_at"]
        indexes = [models.Index(fields=["claimed_at", "remind_at"], name="reminder_pending")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.remind_at})"


class Frequency(models.TextChoices):
    DAILY = "day", _("days")
    WEEKLY = "week", _("weeks")
    MONTHLY = "month", _("months")
    YEARLY = "year", _("years")


class Recurrence(models.Model):
    """How a task repeats: every ``interval`` days/weeks/months/years.

    ``weekdays`` (weekly only) is a bit mask, Monday = 1 << 0; ``last_day`` (monthly
    only) pins the occurrence to the month's last day. ``anchor_day`` is the day of
    the month the series started on, so "every month on the 31st" comes back to the
    31st after a short month. The row moves from task to task as the series goes on.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="recurrence")
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    interval = models.PositiveIntegerField(_("every"), default=1)
    weekdays = models.PositiveSmallIntegerField(_("weekdays"), default=0)
    last_day = models.BooleanField(_("last day of the month"), default=False)
    anchor_day = models.PositiveSmallIntegerField(null=True, blank=True)
    anchor_month = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("recurrence")
        verbose_name_plural = _("recurrences")

    def __str__(self):
        return f"every {self.interval} {self.frequency}"


class CalendarFeed(models.Model):
    """A personal calendar (ICS) URL: the secret is shown once, stored hashed."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False, db_column="_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
