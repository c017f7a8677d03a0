"""The plan of a task (checklist, reminders, repeat rule), quick add's undo, and
the calendar feeds page. Plain forms that post and redirect back (no JavaScript
needed); a refused value re-renders the page with the message next to its field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from taskapp.planning import services
from taskapp.planning.models import CalendarFeed, Reminder, Subtask
from taskapp.tasks import lists, selectors
from taskapp.tasks.models import Task
from taskapp.tasks.services import StaleVersion
from ui.decorators import login_required, post_only
from ui.forms import add_service_errors
from ui.planning_forms import FeedForm, ReminderForm, RepeatForm, StepForm

PLAN = "ui/planning/plan.html"
STEP_ACTIONS = ("toggle", "up", "down", "remove", "rename")
NEW_FEED_SESSION_KEY = "new_feed_url"


def _task(request, task_id, write: bool = True) -> Task:
    """The task if the user may see it (404 otherwise), and, for ``write``, change
    it: a viewer of its list gets 403 (taskapp.tasks.lists, as on the task routes)."""
    try:
        return selectors.get_task(
            owner=request.user, task_id=task_id, include_trash=False, write=write
        )
    except Task.DoesNotExist:
        raise Http404 from None


def _repeat_form(task) -> RepeatForm:
    recurrence = services.recurrence_of(task)
    if recurrence is None:
        return RepeatForm()
    data = services.recurrence_as_dict(recurrence)
    return RepeatForm(
        initial={
            "interval": data["interval"],
            "frequency": data["frequency"],
            "weekdays": data["weekdays"],
            "last_day": data["last_day"],
        }
    )


def _plan_page(request, task, *, status=200, **forms_):
    zone = services.zone_of(request.user)
    steps = services.subtasks_of(task)
    context = {
        "task": task,
        "steps": steps,
        "done_count": sum(step.done for step in steps),
        "reminders": services.reminders_of(task, request.user),
        "can_write": lists.Access.of(request.user).can_write(task.task_list_id, task.owner_id),
        "recurrence": services.recurrence_as_dict(services.recurrence_of(task)),
        "zone": zone,
        "step_form": forms_.get("step_form") or StepForm(),
        "reminder_form": forms_.get("reminder_form") or ReminderForm(zone=zone),
        "repeat_form": forms_.get("repeat_form") or _repeat_form(task),
    }
    return render(request, PLAN, context, status=status)


@login_required
@require_http_methods(["GET"])
def task_plan(request, task_id):
    """Checklist, reminders and repeat rule of one task."""
    return _plan_page(request, _task(request, task_id, write=False))


def _back(task):
    return redirect(reverse("task-plan", args=[task.id]))


@login_required
@post_only("tasks")
def step_add(request, task_id):
    task = _task(request, task_id)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.subtask_add(task=task, title=form.cleaned_data["title"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    if not form.is_valid():
        return _plan_page(request, task, status=422, step_form=form)
    return _back(task)


@login_required
@post_only("tasks")
def step_action(request, task_id, step_id):
    """A step's buttons: tick/untick, move up/down, rename, remove (by name)."""
    task = _task(request, task_id)
    try:
        step = services.get_subtask(task=task, subtask_id=step_id)
    except Subtask.DoesNotExist:
        raise Http404 from None
    action = next((name for name in STEP_ACTIONS if name in request.POST), None)
    if action == "toggle":
        services.subtask_update(subtask=step, done=not step.done)
    elif action in ("up", "down"):
        services.subtask_move(subtask=step, by=-1 if action == "up" else 1)
    elif action == "remove":
        services.subtask_delete(subtask=step)
    elif action == "rename":
        try:
            services.subtask_update(subtask=step, title=request.POST.get("title", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.message_dict.get("title", [])))
    return _back(task)


@login_required
@post_only("tasks")
def reminder_add(request, task_id):
    task = _task(request, task_id)
    form = ReminderForm(request.POST, zone=services.zone_of(request.user))
    if form.is_valid():
        try:
            services.reminder_add(task=task, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if not form.is_valid():
        return _plan_page(request, task, status=422, reminder_form=form)
    return _back(task)


@login_required
@post_only("tasks")
def reminder_remove(request, task_id, reminder_id):
    task = _task(request, task_id)
    try:
        reminder = services.get_reminder(task=task, reminder_id=reminder_id, user=request.user)
    except Reminder.DoesNotExist:
        raise Http404 from None
    services.reminder_delete(reminder=reminder)
    return _back(task)


@login_required
@post_only("tasks")
def repeat_save(request, task_id):
    task = _task(request, task_id)
    if "stop" in request.POST:
        services.recurrence_set(task=task, recurrence=None)
        return _back(task)
    form = RepeatForm(request.POST)
    if form.is_valid():
        try:
            services.recurrence_set(task=task, recurrence=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.message_dict.get("recurrence", []))
    if not form.is_valid():
        return _plan_page(request, task, status=422, repeat_form=form)
    return _back(task)


def keep_typed(request, task_id) -> None:
    """Quick add guessed wrong (the notice's "Keep as typed", ui.views.task_keep_typed):
    the line as typed becomes the title again, with no date, priority, tags or repeat
    rule. Only the task as quick add left it (the form's ``version``): once it was
    changed since, nothing is undone. Says what happened in a message."""
    task = _task(request, task_id)
    text = request.POST.get("text", "")
    # Sent when quick add had put the task into an @Name list: where it goes back to
    # (the list the add box was on; empty: the Inbox).
    back_to_list = request.POST.get("list") if "list" in request.POST else None
    version = request.POST.get("version", "")
    if not text:
        messages.error(request, _("The task was left as it is."))
        return
    try:
        task = services.task_plain_again(
            task=task,
            text=text,
            by=request.user,
            back_to_list=back_to_list,
            expected_version=int(version) if version.isdigit() else None,
        )
    except (ValidationError, StaleVersion):
        # Too long a line, or the task was edited meanwhile: keep what is there.
        messages.error(request, _("The task was left as it is."))
    else:
        messages.success(request, _("Kept as typed: “%(title)s”.") % {"title": task.title})


# --- What the task list borrows (ui.views) ----------------------------------------


def annotate_rows(tasks) -> list:
    """Give a page of tasks their checklist progress (``step_progress``: (done,
    total) or None) and whether they repeat (``repeats``): two queries per page,
    whatever its length."""
    tasks = list(tasks)
    ids = [task.pk for task in tasks]
    progress = services.subtask_progress(ids) if ids else {}
    repeating = set(services.recurrences_for(ids)) if ids else set()
    for task in tasks:
        task.step_progress = progress.get(task.pk)
        task.repeats = task.pk in repeating
    return tasks


def quick_create(request, text: str, default_list=None):
    """The add box with quick add on: (task, what to show about the guess or None).
    ``default_list``: the list the add box is on (an ``@Name`` wins over it).

    What is shown is kept in the session until the next page (no JavaScript), so
    it holds text only: each thing read, in the user's language, with the words it
    was read from (``read``), the line as typed (``text``, for Keep as typed) and
    the task's version (Keep as typed undoes only the task as quick add left it)."""
    task, parsed = services.task_quick_add(owner=request.user, text=text, default_list=default_list)
    if not parsed.parts:
        return task, None
    shown = {"id": task.id.hex, "version": task.version, "title": task.title, "text": parsed.text}
    if parsed.list_name is not None:
        shown["back_to_list"] = str(default_list or "")
    shown["read"] = _what_was_read(task, parsed)
    return task, shown


def _what_was_read(task: Task, parsed) -> list[dict]:
    """[{"label": "Due: Thursday, 3 December 2026, 09:00", "words": ["tomorrow", "9:00"]},
    ...]: the due date, priority, tags, list and repeat rule as saved, each with the
    words of the line it came from."""
    words: dict[str, list[str]] = {}
    for kind, text in parsed.parts:
        words.setdefault("due" if kind in ("due_date", "due_time") else kind, []).append(text)
    read = []
    if task.due_date is not None:
        when = f"{date_format(task.due_date, 'l')}, {date_format(task.due_date)}"
        if task.due_time is not None:
            when += task.due_time.strftime(", %H:%M")
        # Without words for it the date comes from a repeat rule (it starts today).
        read.append((_("Due: %(when)s") % {"when": when}, words.get("due", [])))
    if "priority" in words:
        label = _("Priority: %(name)s") % {"name": task.get_priority_display()}
        read.append((label, words["priority"]))
    if "tag" in words:
        tags = ", ".join(task.tag_names)
        read.append((_("Tags: %(tags)s") % {"tags": tags}, words["tag"]))
    if "list" in words:
        read.append((_("List: %(name)s") % {"name": task.task_list.name}, words["list"]))
    if "recurrence" in words:
        read.append((_("Repeats"), words["recurrence"]))
    return [{"label": label, "words": found} for label, found in read]


before_write = services.snapshot


def after_write(task, before: dict) -> None:
    services.after_task_saved(task=task, before=before)


def after_bulk(request, action: str, ids) -> None:
    if action == "done":
        services.after_bulk_done(owner=request.user, ids=ids)


# --- Calendar feeds ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feeds(request):
    form = FeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _, raw = services.feed_issue(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            url = request.build_absolute_uri(reverse("calendar-feed", args=[raw]))
            request.session[NEW_FEED_SESSION_KEY] = url
            return redirect("calendar-feeds")
    context = {
        "form": form,
        "feeds": services.feeds_of(request.user),
        "new_url": request.session.pop(NEW_FEED_SESSION_KEY, None),
    }
    return render(request, "ui/planning/feeds.html", context, status=422 if form.errors else 200)


@login_required
@post_only("calendar-feeds")
def calendar_feed_revoke(request, feed_id):
    try:
        feed = services.feed_revoke(user=request.user, feed_id=feed_id)
    except CalendarFeed.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Calendar feed “%(name)s” revoked.") % {"name": feed.name})
    return redirect("calendar-feeds")
