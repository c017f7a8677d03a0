"""Every write to subtasks, reminders, repeat rules and calendar feeds.

Like taskapp.tasks.services, each function is correct without a multi-document
transaction (docs/decisions/0003): validate first, then write; the two writes
that must happen once whoever races them are single conditional updates:
- sending a reminder claims it with ``filter(pk=..., claimed_at=None).update(...)``
  before the e-mail goes out: of two overlapping runs exactly one gets 1 back;
- completing a repeating task moves its Recurrence row to the next occurrence with
  ``filter(pk=..., task=<done task>).update(task=<next>)``: completing the same
  task twice (two tabs, a retry) makes one next occurrence, not two.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taskapp.accounts.models import user_timezone
from taskapp.planning import rules
from taskapp.planning.models import (
    RECURRENCE_INTERVAL_MAX,
    REMINDERS_MAX,
    SUBTASK_TITLE_MAX,
    SUBTASKS_MAX,
    CalendarFeed,
    Frequency,
    Recurrence,
    Reminder,
    ReminderKind,
    Subtask,
)
from taskapp.planning.quickadd import list_key, parse
from taskapp.tasks import lists
from taskapp.tasks import services as task_services
from taskapp.tasks.fields import EDITABLE_FIELDS, task_fields
from taskapp.tasks.models import ListMember, Role, Status, Task, TaskList
from taskapp.tasks.validators import clean_title

log = logging.getLogger(__name__)

FEED_PREFIX = "cal_"
FEED_NAME_MAX = 100


# --- Where the task's due time and the user's zone come from ----------------------
# Task.due_time (HH:MM on the due date, in the task owner's zone) and the per-user
# zone of accounts.Profile (taskapp.accounts.models.user_timezone: UTC without one).


def due_time_of(task: Task) -> time | None:
    return task.due_time


def zone_of(user) -> ZoneInfo:
    return user_timezone(user)


def today_of(user, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zone_of(user)).date()


def _now() -> datetime:
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


# --- Subtasks ---------------------------------------------------------------------


def _clean_subtask_title(title) -> str:
    title = " ".join(title.split()) if isinstance(title, str) else ""
    if not title:
        raise ValidationError({"title": [_("Give the step a title.")]})
    if len(title) > SUBTASK_TITLE_MAX:
        raise ValidationError(
            {"title": [_("At most %(max)d characters.") % {"max": SUBTASK_TITLE_MAX}]}
        )
    return title


def subtasks_of(task: Task) -> list[Subtask]:
    return list(Subtask.objects.filter(task=task).order_by("position", "created_at", "pk"))


def subtask_add(*, task: Task, title) -> Subtask:
    title = _clean_subtask_title(title)
    existing = Subtask.objects.filter(task=task)
    if existing.count() >= SUBTASKS_MAX:
        raise ValidationError(
            {"title": [_("A task has at most %(max)d steps.") % {"max": SUBTASKS_MAX}]}
        )
    last = existing.order_by("-position").values_list("position", flat=True).first()
    return Subtask.objects.create(
        task=task, title=title, position=0 if last is None else last + 1, created_at=_now()
    )


def get_subtask(*, task: Task, subtask_id) -> Subtask:
    """The task's step with this id; Subtask.DoesNotExist otherwise (404)."""
    try:
        return Subtask.objects.get(task=task, pk=subtask_id)
    except (ValidationError, ValueError):
        raise Subtask.DoesNotExist from None


def subtask_update(*, subtask: Subtask, title=None, done: bool | None = None) -> Subtask:
    changes = {}
    if title is not None:
        changes["title"] = _clean_subtask_title(title)
    if done is not None:
        changes["done"] = bool(done)
    if changes:
        Subtask.objects.filter(pk=subtask.pk).update(**changes)
        for name, value in changes.items():
            setattr(subtask, name, value)
    return subtask


def subtask_delete(*, subtask: Subtask) -> None:
    Subtask.objects.filter(pk=subtask.pk).delete()


def subtasks_reorder(*, task: Task, ids: list) -> list[Subtask]:
    """Put the task's steps in the order of ``ids`` (every step once)."""
    steps = subtasks_of(task)
    by_id = {str(step.pk): step for step in steps}
    wanted = [str(value) for value in ids]
    if sorted(wanted) != sorted(by_id):
        raise ValidationError({"ids": [_("List every step of the task exactly once.")]})
    ordered = [by_id[key] for key in wanted]
    _write_positions(ordered)
    return ordered


def subtask_move(*, subtask: Subtask, by: int) -> None:
    """Move a step up (by=-1) or down (by=1): the no-JavaScript reorder."""
    steps = subtasks_of(subtask.task)
    index = next(i for i, step in enumerate(steps) if step.pk == subtask.pk)
    target = max(0, min(len(steps) - 1, index + by))
    steps.insert(target, steps.pop(index))
    _write_positions(steps)


def _write_positions(steps: list[Subtask]) -> None:
    for position, step in enumerate(steps):
        if step.position != position:
            Subtask.objects.filter(pk=step.pk).update(position=position)
            step.position = position


def subtask_progress(task_ids) -> dict:
    """{task id: (done, total)} for the tasks that have steps: one grouped query."""
    progress: dict = {}
    rows = (
        Subtask.objects.filter(task_id__in=list(task_ids))
        .values("task_id", "done")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        done, total = progress.get(row["task_id"], (0, 0))
        progress[row["task_id"]] = (done + (row["n"] if row["done"] else 0), total + row["n"])
    return progress


# --- Reminders --------------------------------------------------------------------


def _clean_reminder(kind, at) -> tuple[str, datetime | None]:
    if kind not in ReminderKind.values:
        raise ValidationError(
            {"kind": [_("Use one of %(kinds)s.") % {"kinds": ", ".join(ReminderKind.values)}]}
        )
    if kind == ReminderKind.AT:
        if not isinstance(at, datetime):
            raise ValidationError({"at": [_("Give the date and time to be reminded at.")]})
        if timezone.is_naive(at):
            raise ValidationError({"at": [_("Give the time with its time zone.")]})
        # Stored in UTC to the millisecond, as both backends read it back.
        at = at.astimezone(ZoneInfo("UTC"))
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    return kind, at if kind == ReminderKind.AT else None


def reminders_of(task: Task, user=None) -> list[Reminder]:
    """The task's reminders; ``user``: only theirs (a reminder is its creator's:
    on a shared list each member sees and gets only their own)."""
    reminders = Reminder.objects.filter(task=task)
    if user is not None:
        reminders = reminders.filter(owner=user)
    return list(reminders.order_by("remind_at", "created_at"))


def reminder_add(*, task: Task, kind, at: datetime | None = None, by=None) -> Reminder:
    """A reminder of ``task`` for ``by`` (its creator, who gets the e-mail; left
    out: the task's owner). Relative kinds count from the due date and time in the
    task owner's zone, the zone the due time is written in."""
    kind, at = _clean_reminder(kind, at)
    recipient_id = by.pk if by is not None else task.owner_id
    if Reminder.objects.filter(task=task, owner_id=recipient_id).count() >= REMINDERS_MAX:
        raise ValidationError(
            {"kind": [_("A task has at most %(max)d reminders.") % {"max": REMINDERS_MAX}]}
        )
    if kind != ReminderKind.AT and task.due_date is None:
        raise ValidationError({"kind": [_("Give the task a due date first.")]})
    remind_at = rules.reminder_instant(
        kind,
        due_date=task.due_date,
        due_time=due_time_of(task),
        tz=zone_of(task.owner),
        at=at,
    )
    return Reminder.objects.create(
        task=task, owner_id=recipient_id, kind=kind, remind_at=remind_at, created_at=_now()
    )


def get_reminder(*, task: Task, reminder_id, user=None) -> Reminder:
    """One reminder of the task; ``user``: one of theirs (another member's: DoesNotExist)."""
    reminders = Reminder.objects.filter(task=task)
    if user is not None:
        reminders = reminders.filter(owner=user)
    try:
        return reminders.get(pk=reminder_id)
    except (ValidationError, ValueError):
        raise Reminder.DoesNotExist from None


def reminder_delete(*, reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk).delete()


def reminders_refresh(*, task: Task) -> int:
    """Recompute the not-yet-sent reminders relative to the due date (after the
    task's due date or time changed). Returns how many changed."""
    changed = 0
    pending = Reminder.objects.filter(task=task, claimed_at__isnull=True).exclude(
        kind=ReminderKind.AT
    )
    for reminder in pending:
        remind_at = rules.reminder_instant(
            reminder.kind,
            due_date=task.due_date,
            due_time=due_time_of(task),
            tz=zone_of(task.owner),
        )
        if remind_at != reminder.remind_at:
            # Only while still unclaimed: a run sending it right now keeps its claim.
            changed += Reminder.objects.filter(pk=reminder.pk, claimed_at__isnull=True).update(
                remind_at=remind_at
            )
    return changed


# A claim not confirmed as sent within this time belongs to a run that died
# before sending; the next run takes it over. Longer than a run can take (the
# CronJob's activeDeadlineSeconds and EMAIL_TIMEOUT bound it), so a slow run is
# never overtaken.
CLAIM_LEASE = timedelta(minutes=15)


def reminders_due(*, now: datetime, limit: int = 500):
    """Reminders whose time has come, of open tasks outside the trash, that no run
    holds: never claimed, or claimed by a run that died before sending."""
    free = Q(claimed_at__isnull=True) | Q(sent_at__isnull=True, claimed_at__lt=now - CLAIM_LEASE)
    return (
        Reminder.objects.filter(
            free,
            remind_at__lte=now,
            task__deleted_at__isnull=True,
            task__status=Status.OPEN,
        )
        .select_related("task", "owner")
        .order_by("remind_at")[:limit]
    )


def reminder_claim(*, reminder: Reminder, now: datetime) -> bool:
    """Take the reminder for this run: one conditional update on the claim as it was
    read. Of any number of runs racing for it, exactly one gets True."""
    if reminder.claimed_at is None:
        held = Q(claimed_at__isnull=True)
    else:
        held = Q(claimed_at=reminder.claimed_at, sent_at__isnull=True)
    won = Reminder.objects.filter(held, pk=reminder.pk).update(claimed_at=now) == 1
    if won:
        reminder.claimed_at = now
    return won


def _reminder_mail(reminder: Reminder) -> tuple[str, str]:
    task = reminder.task
    due = task.due_date.isoformat() if task.due_date else _("no due date")
    if (at := due_time_of(task)) is not None:
        due += " " + at.strftime("%H:%M")
    subject = _("Reminder: %(title)s") % {"title": task.title}
    body = "\n".join(
        part
        for part in (
            task.title,
            _("Due: %(due)s") % {"due": due},
            task.description,
            _("Open Taskapp to see the task."),
        )
        if part
    )
    return subject, body


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0  # claimed by another run meanwhile, or no address
    failed: int = 0  # the mail server refused: released for the next run


def send_due_reminders(*, now: datetime | None = None, before_send=None) -> SendResult:
    """E-mail every reminder that is due, each exactly once.

    Each reminder is claimed right before its own e-mail (not all at the start), so
    a run that dies midway leaves the rest unclaimed for the next run, and the one
    it held is taken over after CLAIM_LEASE. A refused e-mail (an exception from
    the backend) releases the claim at once. Only a crash in the instant between
    the mail server accepting the mail and ``sent_at`` being written can repeat a
    mail (docs/operations.md, "Reminders").
    ``before_send`` is a test hook called after a successful claim.
    """
    now = now or _now()
    result = SendResult()
    due = list(reminders_due(now=now))
    members = _memberships(due)
    for reminder in due:
        if not reminder_claim(reminder=reminder, now=now):
            result.skipped += 1
            continue
        if before_send is not None:
            before_send(reminder)
        task = reminder.task
        may_see = (
            reminder.owner_id == task.owner_id or (task.task_list_id, reminder.owner_id) in members
        )
        if not reminder.owner.email or not may_see:
            # No address, or the creator left the task's list (or was removed):
            # they no longer see the task, so they get no mail about it.
            result.skipped += 1
            continue
        subject, body = _reminder_mail(reminder)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.owner.email])
        except Exception:
            log.exception("reminder %s: sending failed; retried by the next run", reminder.pk)
            Reminder.objects.filter(pk=reminder.pk, claimed_at=now).update(claimed_at=None)
            result.failed += 1
            continue
        Reminder.objects.filter(pk=reminder.pk).update(sent_at=_now())
        result.sent += 1
    return result


def _memberships(reminders) -> set:
    """(list id, user id) of the members among these reminders' creators: one query."""
    shared = {(r.task.task_list_id, r.owner_id) for r in reminders if r.owner_id != r.task.owner_id}
    if not shared:
        return set()
    rows = ListMember.objects.filter(
        task_list_id__in=list({pair[0] for pair in shared}),
        user_id__in=list({pair[1] for pair in shared}),
    ).values_list("task_list_id", "user_id")
    return set(rows) & shared


# --- Recurrence -------------------------------------------------------------------


def rule_of(recurrence: Recurrence) -> rules.Rule:
    return rules.Rule(
        frequency=recurrence.frequency,
        interval=recurrence.interval,
        weekdays=recurrence.weekdays,
        last_day=recurrence.last_day,
        anchor_day=recurrence.anchor_day,
        anchor_month=recurrence.anchor_month,
    )


def recurrence_as_dict(recurrence: Recurrence | None) -> dict | None:
    if recurrence is None:
        return None
    return {
        "frequency": recurrence.frequency,
        "interval": recurrence.interval,
        "weekdays": rules.weekday_names(recurrence.weekdays),
        "last_day": recurrence.last_day,
        "text": rule_of(recurrence).describe(),
    }


def clean_recurrence(raw: dict) -> dict:
    """Recurrence fields from API/import/quick-add input; ValidationError when wrong."""
    if not isinstance(raw, dict):
        raise ValidationError({"recurrence": [_("Give an object with a frequency.")]})
    frequency = raw.get("frequency")
    if frequency not in Frequency.values:
        raise ValidationError(
            {"recurrence": [_("Frequency is one of %(f)s.") % {"f": ", ".join(Frequency.values)}]}
        )
    interval = raw.get("interval", 1)
    if not isinstance(interval, int) or isinstance(interval, bool):
        interval = int(interval) if str(interval).isdigit() else 0
    if not 1 <= interval <= RECURRENCE_INTERVAL_MAX:
        raise ValidationError(
            {"recurrence": [_("Interval is 1 to %(max)d.") % {"max": RECURRENCE_INTERVAL_MAX}]}
        )
    try:
        weekdays = rules.weekday_mask(raw.get("weekdays") or [])
    except ValueError:
        raise ValidationError(
            {"recurrence": [_("Weekdays are mon, tue, wed, thu, fri, sat, sun.")]}
        ) from None
    if weekdays and frequency != "week":
        raise ValidationError({"recurrence": [_("Weekdays go with a weekly frequency.")]})
    last_day = bool(raw.get("last_day", False))
    if last_day and frequency != "month":
        raise ValidationError({"recurrence": [_("The last day goes with a monthly frequency.")]})
    return {
        "frequency": frequency,
        "interval": interval,
        "weekdays": weekdays,
        "last_day": last_day,
    }


def recurrence_set(*, task: Task, recurrence: dict | None) -> Recurrence | None:
    """Make the task repeat (or stop repeating with None)."""
    if recurrence is None:
        Recurrence.objects.filter(task=task).delete()
        return None
    cleaned = clean_recurrence(recurrence)
    start = task.due_date or today_of(task.owner)
    cleaned["anchor_day"] = start.day
    cleaned["anchor_month"] = start.month
    updated = Recurrence.objects.filter(task=task).update(**cleaned)
    if not updated:
        Recurrence.objects.create(task=task, **cleaned)
    return Recurrence.objects.get(task=task)


def recurrence_of(task: Task) -> Recurrence | None:
    return Recurrence.objects.filter(task=task).first()


def recurrences_for(task_ids) -> dict:
    """{task id: Recurrence} for a page of tasks: one query."""
    return {rec.task_id: rec for rec in Recurrence.objects.filter(task_id__in=list(task_ids))}


def _copy_fields(task: Task) -> dict:
    """The new occurrence's editable fields: whatever TASK_FIELDS declares (so a
    list or a due time added there is carried too), opened again."""
    values = task_fields(task.__dict__)
    fields = {name: values[name] for name in EDITABLE_FIELDS if name in values}
    fields["status"] = Status.OPEN.value
    return fields


def advance_completed(*, task: Task) -> Task | None:
    """Completing a repeating task creates its next occurrence; returns it.

    The done task stays as history; the next one has the same fields (tags, list,
    priority, description), the next due date, the steps unticked, and the
    reminders at the same distance from the new due date. Idempotent: a task
    completed again (or by two requests at once) advances once.
    """
    recurrence = recurrence_of(task)
    if recurrence is None or task.status != Status.DONE or task.in_trash:
        return None
    current = task.due_date or today_of(task.owner)
    next_due = rules.next_date(rule_of(recurrence), current)
    fields = _copy_fields(task)
    fields["due_date"] = next_due
    upcoming = task_services.task_create(owner=task.owner, **fields)
    moved = Recurrence.objects.filter(pk=recurrence.pk, task_id=task.pk).update(task_id=upcoming.pk)
    if not moved:
        # Another request advanced this task first: take back our copy.
        task_services.task_delete_forever(task=upcoming)
        return None
    _copy_steps(task, upcoming)
    _copy_reminders(task, upcoming, shift=next_due - current)
    return upcoming


def _copy_steps(task: Task, upcoming: Task) -> None:
    Subtask.objects.bulk_create(
        [
            Subtask(task=upcoming, title=step.title, position=step.position, done=False)
            for step in subtasks_of(task)
        ]
    )


def _copy_reminders(task: Task, upcoming: Task, *, shift: timedelta) -> None:
    tz = zone_of(task.owner)
    copies = []
    for reminder in reminders_of(task):
        if reminder.kind == ReminderKind.AT:
            if reminder.remind_at is None:
                continue
            # The same wall time, ``shift`` days later in the user's zone (DST-proof).
            local = reminder.remind_at.astimezone(tz)
            moved = datetime.combine(local.date() + shift, local.time().replace(tzinfo=None))
            remind_at = moved.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))
        else:
            remind_at = rules.reminder_instant(
                reminder.kind,
                due_date=upcoming.due_date,
                due_time=due_time_of(upcoming),
                tz=tz,
            )
        copies.append(
            Reminder(
                task=upcoming, owner_id=reminder.owner_id, kind=reminder.kind, remind_at=remind_at
            )
        )
    Reminder.objects.bulk_create(copies)


def after_task_saved(*, task: Task, before: dict | None = None) -> Task | None:
    """What a change to a task means for its plan; the API and the UI call this
    after every task write. ``before``: the task's due date and status before it.
    Returns the next occurrence when the write completed a repeating task."""
    before = before or {}
    if before.get("due_date", task.due_date) != task.due_date or before.get(
        "due_time"
    ) != due_time_of(task):
        reminders_refresh(task=task)
    if task.status == Status.DONE and before.get("status") != Status.DONE:
        return advance_completed(task=task)
    return None


def snapshot(task: Task) -> dict:
    """What after_task_saved compares against: take it before the write."""
    return {"due_date": task.due_date, "due_time": due_time_of(task), "status": task.status}


def after_bulk_done(*, owner, ids) -> list[Task]:
    """Advance the repeating tasks among ``ids`` just marked done in bulk."""
    upcoming = []
    repeating = Recurrence.objects.filter(task_id__in=list(ids)).values_list("task_id", flat=True)
    visible = lists.Access.of(owner).visible_tasks()
    for task in visible.filter(pk__in=list(repeating)):
        if (new := advance_completed(task=task)) is not None:
            upcoming.append(new)
    return upcoming


# --- Calendar feeds ---------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def feed_issue(*, user, name) -> tuple[CalendarFeed, str]:
    """A new feed; returns it with the raw secret, which is never stored."""
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name:
        raise ValidationError({"name": [_("Give the calendar feed a name.")]})
    if len(name) > FEED_NAME_MAX:
        raise ValidationError({"name": [_("At most %(max)d characters.") % {"max": FEED_NAME_MAX}]})
    raw = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=user, name=name, prefix=raw[: len(FEED_PREFIX) + 4], token_hash=_hash(raw)
    )
    return feed, raw


def feeds_of(user) -> list[CalendarFeed]:
    return list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True))


def feed_revoke(*, user, feed_id) -> CalendarFeed:
    """Revoke one of the user's feeds; CalendarFeed.DoesNotExist for others' (404)."""
    try:
        feed = CalendarFeed.objects.get(user=user, pk=feed_id, revoked_at__isnull=True)
    except (ValidationError, ValueError):
        raise CalendarFeed.DoesNotExist from None
    CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=_now())
    return feed


def feed_for_secret(raw: str) -> CalendarFeed | None:
    if not isinstance(raw, str) or not raw.startswith(FEED_PREFIX):
        return None
    return (
        CalendarFeed.objects.filter(
            token_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )


def feed_tasks(user) -> list[Task]:
    """The open tasks with a due date outside the trash that the user can see (their
    own and their shared lists', as on their task list): what a feed lists."""
    return list(
        lists.Access.of(user)
        .visible_tasks()
        .active()
        .filter(status=Status.OPEN, due_date__isnull=False)
        .order_by("due_date", "pk")[:5000]
    )


# --- Quick add --------------------------------------------------------------------


def quick_add_fields(parsed) -> dict:
    """The task fields a parsed line gives (taskapp.planning.quickadd.Parsed).

    The due time goes in only where tasks have one (TASK_FIELDS declares it); the
    list is task_quick_add's (it resolves the name among the user's lists).
    """
    fields: dict = {"title": parsed.title}
    if parsed.due_date is not None:
        fields["due_date"] = parsed.due_date
        if parsed.due_time is not None and "due_time" in EDITABLE_FIELDS:
            fields["due_time"] = parsed.due_time.strftime("%H:%M")
    if parsed.priority:
        fields["priority"] = parsed.priority
    if parsed.tags:
        fields["tags"] = list(parsed.tags)
    return fields


def writable_lists(user) -> dict:
    """{list_key(name): list id} of the live, unarchived lists ``user`` may add tasks
    to: their own (first, so their own wins a clash of names) and those shared with
    them as an editor. Two queries."""
    access = lists.Access.of(user)
    editable = [pk for pk, role in access.roles.items() if role == Role.EDITOR]
    rows = (
        TaskList.objects.live()
        .filter(Q(owner=user) | Q(pk__in=editable), archived_at__isnull=True)
        .values_list("pk", "name", "owner_id")
    )
    found: dict = {}
    for pk, name, _owner_id in sorted(rows, key=lambda row: (row[2] != user.pk, row[1])):
        found.setdefault(list_key(name), pk)
    return found


def parse_for(user, text: str, today: date | None = None):
    """Quick add's reading of ``text`` for ``user``: ``@Name`` only for a list of theirs."""
    names = writable_lists(user)
    return parse(text, today=today or today_of(user), list_names=names), names


def task_quick_add(*, owner, text: str, today: date | None = None, default_list=None, **explicit):
    """Create a task from one line of text; fields given explicitly win over the
    parsed ones. Returns (task, parsed). The repeat rule is checked before the task
    is written, so a bad line writes nothing.

    ``@Name`` puts the task into that list (one the user may write to, matched by
    list_key); otherwise it goes into ``default_list`` (the list being looked at)
    or the Inbox. An ``@Name`` matching none of their lists stays in the title.

    The whole line must itself be a valid title (not blank, at most TITLE_MAX
    characters): plain text is never lost, so "Keep as typed" (task_plain_again)
    can always turn the task back into the line. Otherwise ValidationError on
    ``title``, before anything is written."""
    try:
        clean_title(text)
    except ValidationError as exc:
        raise ValidationError({"title": exc.messages}) from None
    parsed, names = parse_for(owner, text, today)
    rule = clean_recurrence(parsed.recurrence) if parsed.recurrence else None
    fields = quick_add_fields(parsed)
    if parsed.list_name is not None:
        fields["list"] = names[list_key(parsed.list_name)]
    elif default_list:
        fields["list"] = default_list
    fields.update(explicit)
    task = task_services.task_create(owner=owner, **fields)
    if rule is not None:
        recurrence_set(
            task=task,
            recurrence={**rule, "weekdays": rules.weekday_names(rule["weekdays"])},
        )
    return task, parsed


def task_plain_again(
    *, task: Task, text: str, by=None, back_to_list=None, expected_version: int | None = None
) -> Task:
    """Undo a quick add's guess: the whole line as the title, no date, priority,
    tags or repeat rule (the "Keep as typed" button). ``back_to_list``: where the
    task goes back to when the guess had moved it to an ``@Name`` list ("": the
    Inbox of ``by``). ``expected_version``: the version quick add left; StaleVersion
    (nothing changed) if the task was changed since."""
    fields = {"title": text, "due_date": None, "priority": "normal", "tags": []}
    if back_to_list is not None:
        fields["list"] = back_to_list or lists.inbox_for(by or task.owner).pk
    if "due_time" in EDITABLE_FIELDS:
        fields["due_time"] = None
    task = task_services.task_update(task=task, by=by, expected_version=expected_version, **fields)
    Recurrence.objects.filter(task=task).delete()
    reminders_refresh(task=task)
    return task
