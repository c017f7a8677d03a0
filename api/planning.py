"""/api/v1/: a task's steps (subtasks), reminders and repeat rule; quick add;
calendar feeds. Writes go through taskapp.planning.services.

Every route reaches the task through the caller's own tasks first, so another
user's task (and anything under it) answers 404 like a missing one.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Router

from api import schemas
from api.errors import not_found
from api.render import json_response
from taskapp.planning import services
from taskapp.planning.models import (
    SUBTASK_TITLE_MAX,
    CalendarFeed,
    Reminder,
    ReminderKind,
    Subtask,
)
from taskapp.planning.rules import FREQUENCIES, WEEKDAY_NAMES
from taskapp.tasks import selectors

router = Router(tags=["planning"])

ERRORS = {
    code: schemas.ErrorOut for code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503)
}


# --- Shapes -----------------------------------------------------------------------


class SubtaskOut(schemas.StrictOut):
    id: UUID
    title: str
    done: bool
    position: int = Field(description="0 first.")


class SubtaskIn(schemas.Strict):
    title: str = Field(description=f"1-{SUBTASK_TITLE_MAX} characters.")
    done: bool = False


class SubtaskPatch(schemas.Strict):
    title: str | None = None
    done: bool | None = None


class SubtaskList(schemas.StrictOut):
    items: list[SubtaskOut]
    done: int
    total: int


class SubtaskOrder(schemas.Strict):
    ids: list[UUID] = Field(description="Every step of the task, once, in the new order.")


class ReminderIn(schemas.Strict):
    kind: Literal[tuple(ReminderKind.values)] = Field(
        description="at (give `at`), at_due, 1h_before, 1d_before (the due date's "
        "time, or 09:00 in your time zone without one)."
    )
    at: datetime | None = Field(None, description="With `kind: at`: when, with its offset.")


class ReminderOut(schemas.StrictOut):
    id: UUID
    kind: str
    remind_at: datetime | None = Field(description="When it fires (UTC); null: no due date.")
    sent_at: datetime | None


class ReminderList(schemas.StrictOut):
    items: list[ReminderOut]


class RecurrenceIn(schemas.Strict):
    frequency: Literal[FREQUENCIES]
    interval: int = Field(1, ge=1, le=999, description="Every N days/weeks/months/years.")
    weekdays: list[Literal[WEEKDAY_NAMES]] = Field(
        default_factory=list, description="Weekly rules: on these days."
    )
    last_day: bool = Field(False, description="Monthly rules: on the month's last day.")


class RecurrenceOut(schemas.StrictOut):
    frequency: str
    interval: int
    weekdays: list[str]
    last_day: bool
    text: str = Field(description='Said in English, e.g. "every 2 weeks on mon, thu".')


class QuickAddIn(schemas.Strict):
    text: str = Field(
        description='One line, e.g. "Pay rent tomorrow 9:00 !high #home every month".'
    )


class ParsedPart(schemas.StrictOut):
    kind: str = Field(description="recurrence, priority, tag, list, due_date or due_time.")
    text: str = Field(description="The words it was read from.")


class ParsedOut(schemas.StrictOut):
    text: str = Field(description="The line as typed.")
    title: str
    due_date: date | None
    due_time: str | None = Field(description="HH:MM")
    priority: str | None
    tags: list[str]
    list_name: str | None = Field(description="From @Name: the list to put the task in.")
    recurrence: dict | None
    parts: list[ParsedPart]


class TaskCreated(schemas.TaskOut):
    """POST /tasks's 201 (api.v1.create_task): the task; with ?parse=true also what
    the line was read as."""

    parsed: ParsedOut = Field(
        None,
        description="Only with ?parse=true: the line as typed (`text`) and what was read "
        "from it, the same shape as POST /tasks/parse answers. Where a field of the task "
        "differs from it, a field sent beside the line won. Left out otherwise.",
    )


class FeedIn(schemas.Strict):
    name: str = Field(description="1-100 characters, e.g. the calendar app it is for.")


class FeedOut(schemas.StrictOut):
    id: UUID
    name: str
    prefix: str = Field(description="The secret's first characters.")
    created_at: datetime


class FeedCreated(FeedOut):
    url: str = Field(description="The secret feed URL. Shown once: store it now.")


class FeedList(schemas.StrictOut):
    items: list[FeedOut]


# --- Helpers ----------------------------------------------------------------------


def _task(request, task_id, write: bool = True):
    """The task if the caller may see it (404 otherwise) and, for ``write``, change
    it: a viewer of its list gets 403 forbidden, exactly as on the task routes."""
    return selectors.get_task(
        owner=request.auth.user, task_id=task_id, include_trash=False, write=write
    )


def _subtask(task, subtask_id) -> Subtask:
    try:
        return services.get_subtask(task=task, subtask_id=subtask_id)
    except Subtask.DoesNotExist:
        raise not_found("No step with this id.") from None


def _subtask_json(step: Subtask) -> dict:
    return {"id": str(step.pk), "title": step.title, "done": step.done, "position": step.position}


def _subtask_list(task) -> dict:
    items = [_subtask_json(step) for step in services.subtasks_of(task)]
    return {"items": items, "done": sum(i["done"] for i in items), "total": len(items)}


def _iso(value):
    return value.isoformat() if value is not None else None


def _reminder_json(reminder: Reminder) -> dict:
    return {
        "id": str(reminder.pk),
        "kind": reminder.kind,
        "remind_at": _iso(reminder.remind_at),
        "sent_at": _iso(reminder.sent_at),
    }


def _feed_json(feed: CalendarFeed) -> dict:
    return {
        "id": str(feed.pk),
        "name": feed.name,
        "prefix": feed.prefix,
        "created_at": feed.created_at.isoformat(),
    }


# --- Subtasks ---------------------------------------------------------------------


@router.get("/tasks/{task_id}/subtasks", response={200: SubtaskList, **ERRORS})
def list_subtasks(request, task_id: UUID):
    """The task's steps in order, with how many are done."""
    return json_response(_subtask_list(_task(request, task_id, write=False)))


@router.post("/tasks/{task_id}/subtasks", response={201: SubtaskOut, **ERRORS})
def add_subtask(request, task_id: UUID, payload: SubtaskIn):
    """Add a step at the end of the checklist."""
    task = _task(request, task_id)
    step = services.subtask_add(task=task, title=payload.title)
    if payload.done:
        services.subtask_update(subtask=step, done=True)
    return json_response(_subtask_json(step), status=201)


@router.put("/tasks/{task_id}/subtasks/order", response={200: SubtaskList, **ERRORS})
def reorder_subtasks(request, task_id: UUID, payload: SubtaskOrder):
    """Reorder the steps: send every step's id once, in the new order."""
    task = _task(request, task_id)
    services.subtasks_reorder(task=task, ids=payload.ids)
    return json_response(_subtask_list(task))


@router.patch("/tasks/{task_id}/subtasks/{subtask_id}", response={200: SubtaskOut, **ERRORS})
def update_subtask(request, task_id: UUID, subtask_id: UUID, payload: SubtaskPatch):
    """Rename a step or tick it (done) / untick it."""
    step = _subtask(_task(request, task_id), subtask_id)
    step = services.subtask_update(subtask=step, **payload.model_dump(exclude_unset=True))
    return json_response(_subtask_json(step))


@router.delete("/tasks/{task_id}/subtasks/{subtask_id}", response={204: None, **ERRORS})
def delete_subtask(request, task_id: UUID, subtask_id: UUID):
    """Remove a step."""
    services.subtask_delete(subtask=_subtask(_task(request, task_id), subtask_id))
    return HttpResponse(status=204)


# --- Reminders --------------------------------------------------------------------


@router.get("/tasks/{task_id}/reminders", response={200: ReminderList, **ERRORS})
def list_reminders(request, task_id: UUID):
    """Your reminders of the task, soonest first (each member of a shared list has
    their own)."""
    task = _task(request, task_id, write=False)
    reminders = services.reminders_of(task, request.auth.user)
    return json_response({"items": [_reminder_json(r) for r in reminders]})


@router.post("/tasks/{task_id}/reminders", response={201: ReminderOut, **ERRORS})
def add_reminder(request, task_id: UUID, payload: ReminderIn):
    """Be reminded by e-mail: at a time, at the due time, 1 hour or 1 day before."""
    task = _task(request, task_id)
    reminder = services.reminder_add(
        task=task, kind=payload.kind, at=payload.at, by=request.auth.user
    )
    return json_response(_reminder_json(reminder), status=201)


@router.delete("/tasks/{task_id}/reminders/{reminder_id}", response={204: None, **ERRORS})
def delete_reminder(request, task_id: UUID, reminder_id: UUID):
    """Remove a reminder."""
    task = _task(request, task_id)
    try:
        reminder = services.get_reminder(task=task, reminder_id=reminder_id, user=request.auth.user)
    except Reminder.DoesNotExist:
        raise not_found("No reminder with this id.") from None
    services.reminder_delete(reminder=reminder)
    return HttpResponse(status=204)


# --- Recurrence -------------------------------------------------------------------


@router.get("/tasks/{task_id}/recurrence", response={200: RecurrenceOut, **ERRORS})
def get_recurrence(request, task_id: UUID):
    """How the task repeats; 404 when it does not."""
    recurrence = services.recurrence_of(_task(request, task_id, write=False))
    if recurrence is None:
        raise not_found("This task does not repeat.")
    return json_response(services.recurrence_as_dict(recurrence))


@router.put("/tasks/{task_id}/recurrence", response={200: RecurrenceOut, **ERRORS})
def set_recurrence(request, task_id: UUID, payload: RecurrenceIn):
    """Make the task repeat. Completing it creates the next occurrence."""
    task = _task(request, task_id)
    recurrence = services.recurrence_set(task=task, recurrence=payload.model_dump())
    return json_response(services.recurrence_as_dict(recurrence))


@router.delete("/tasks/{task_id}/recurrence", response={204: None, **ERRORS})
def delete_recurrence(request, task_id: UUID):
    """Stop repeating (the task itself stays)."""
    services.recurrence_set(task=_task(request, task_id), recurrence=None)
    return HttpResponse(status=204)


# --- Quick add --------------------------------------------------------------------


@router.post("/tasks/parse", response={200: ParsedOut, **ERRORS})
def parse_line(request, payload: QuickAddIn):
    """What quick add would read from a line, without creating anything."""
    parsed, _names = services.parse_for(request.auth.user, payload.text)
    return json_response(parsed.as_dict())


def quick_add(request, fields: dict):
    """POST /tasks?parse=true (api.v1.create_task): the title is read as a quick-add
    line; the other fields sent win over what it says. Returns (task, what the
    line was read as: TaskCreated.parsed)."""
    text = fields.pop("title", "")
    task, parsed = services.task_quick_add(owner=request.auth.user, text=text, **fields)
    return task, parsed.as_dict()


def before_write(task) -> dict:
    """What after_write compares against (api.v1's task writes)."""
    return services.snapshot(task)


def after_write(task, before: dict) -> None:
    """A task write's consequences: reminders follow the due date; completing a
    repeating task creates its next occurrence."""
    services.after_task_saved(task=task, before=before)


def after_bulk(request, action: str, ids) -> None:
    if action == "done":
        services.after_bulk_done(owner=request.auth.user, ids=ids)


# --- Calendar feeds ---------------------------------------------------------------


def feed_url(request, raw: str) -> str:
    return request.build_absolute_uri(f"/calendar/{raw}.ics")


@router.get("/calendar-feeds", response={200: FeedList, **ERRORS}, tags=["calendar"])
def list_feeds(request):
    """Your calendar feeds (the secrets are not shown again)."""
    return json_response({"items": [_feed_json(f) for f in services.feeds_of(request.auth.user)]})


@router.post("/calendar-feeds", response={201: FeedCreated, **ERRORS}, tags=["calendar"])
def create_feed(request, payload: FeedIn):
    """A new secret ICS URL listing your open tasks with a due date."""
    feed, raw = services.feed_issue(user=request.auth.user, name=payload.name)
    return json_response({**_feed_json(feed), "url": feed_url(request, raw)}, status=201)


@router.delete("/calendar-feeds/{feed_id}", response={204: None, **ERRORS}, tags=["calendar"])
def revoke_feed(request, feed_id: UUID):
    """Revoke a feed: its URL answers 404 from now on."""
    try:
        services.feed_revoke(user=request.auth.user, feed_id=feed_id)
    except CalendarFeed.DoesNotExist:
        raise not_found("No calendar feed with this id.") from None
    return HttpResponse(status=204)
