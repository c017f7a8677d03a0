"""Subtasks, reminders (sent exactly once), recurrence and feeds, on both backends."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from taskapp.planning import services
from taskapp.planning.models import Recurrence, Reminder
from taskapp.tasks import services as task_services
from taskapp.tasks.models import Task

UTC = ZoneInfo("UTC")
NOW = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)


# --- Subtasks ---------------------------------------------------------------------


def test_it_adds_orders_ticks_and_removes_steps(task):
    first = services.subtask_add(task=task, title="  Find   the form ")
    second = services.subtask_add(task=task, title="Fill it in")
    third = services.subtask_add(task=task, title="Send it")
    assert first.title == "Find the form"
    services.subtask_move(subtask=third, by=-1)
    assert [s.title for s in services.subtasks_of(task)] == [
        "Find the form",
        "Send it",
        "Fill it in",
    ]
    services.subtasks_reorder(task=task, ids=[second.pk, first.pk, third.pk])
    assert [s.pk for s in services.subtasks_of(task)] == [second.pk, first.pk, third.pk]
    services.subtask_update(subtask=first, done=True)
    assert services.subtask_progress([task.pk]) == {task.pk: (1, 3)}
    services.subtask_delete(subtask=second)
    assert services.subtask_progress([task.pk]) == {task.pk: (1, 2)}


def test_a_reorder_must_name_every_step_once(task):
    step = services.subtask_add(task=task, title="One")
    services.subtask_add(task=task, title="Two")
    with pytest.raises(ValidationError):
        services.subtasks_reorder(task=task, ids=[step.pk, step.pk])


@pytest.mark.parametrize("title", ["", "   ", "x" * 201, None])
def test_a_step_needs_a_title(task, title):
    with pytest.raises(ValidationError) as exc:
        services.subtask_add(task=task, title=title)
    assert "title" in exc.value.message_dict


def test_progress_of_a_page_is_one_query(task, user, django_assert_num_queries):
    tasks = [task] + [task_services.task_create(owner=user, title=f"T{i}") for i in range(5)]
    for each in tasks:
        services.subtask_add(task=each, title="a")
        services.subtask_add(task=each, title="b")
    with django_assert_num_queries(1):
        progress = services.subtask_progress([t.pk for t in tasks])
    assert set(progress.values()) == {(0, 2)}


# --- Reminders --------------------------------------------------------------------


def _due_task(user, **fields):
    return task_services.task_create(owner=user, title="Dentist", due_date="2025-03-05", **fields)


def test_relative_reminders_follow_the_due_date(user):
    task = _due_task(user)
    reminder = services.reminder_add(task=task, kind="1d_before")
    assert reminder.remind_at == datetime(2025, 3, 4, 9, tzinfo=UTC)
    before = services.snapshot(task)
    task_services.task_update(task=task, due_date="2025-03-10")
    services.after_task_saved(task=task, before=before)
    reminder.refresh_from_db()
    assert reminder.remind_at == datetime(2025, 3, 9, 9, tzinfo=UTC)


def test_a_relative_reminder_needs_a_due_date(task):
    with pytest.raises(ValidationError):
        services.reminder_add(task=task, kind="at_due")
    with pytest.raises(ValidationError):
        services.reminder_add(task=task, kind="at", at=datetime(2025, 1, 1, 9))  # naive
    with pytest.raises(ValidationError):
        services.reminder_add(task=task, kind="soon")


def test_due_reminders_are_mailed_once(user):
    task = _due_task(user)
    services.reminder_add(task=task, kind="at_due")
    services.reminder_add(task=task, kind="at", at=NOW + timedelta(hours=1))  # not yet
    first = services.send_due_reminders(now=NOW)
    again = services.send_due_reminders(now=NOW + timedelta(minutes=1))
    assert (first.sent, again.sent) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann@example.com"]
    assert "Dentist" in mail.outbox[0].subject


def test_two_overlapping_runs_send_each_reminder_once(user):
    tasks = [_due_task(user) for _ in range(4)]
    for each in tasks:
        services.reminder_add(task=each, kind="at_due")
    inner = []

    def start_second_run(reminder):
        # While run A holds its first claim, run B reads the same due reminders.
        if not inner:
            inner.append(services.send_due_reminders(now=NOW))

    outer = services.send_due_reminders(now=NOW, before_send=start_second_run)
    assert outer.sent + inner[0].sent == 4
    assert outer.skipped == 3  # B took them after A had read them
    assert len(mail.outbox) == 4
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 4


def test_a_run_that_crashes_midway_leaves_the_rest_to_the_next(user):
    for _ in range(3):
        services.reminder_add(task=_due_task(user), kind="at_due")
    seen = []

    def crash_on_second(reminder):
        seen.append(reminder.pk)
        if len(seen) == 2:
            raise KeyboardInterrupt  # the process dies holding this claim

    with pytest.raises(KeyboardInterrupt):
        services.send_due_reminders(now=NOW, before_send=crash_on_second)
    assert len(mail.outbox) == 1
    # The next minute's run sends the one never claimed, not the one held.
    assert services.send_due_reminders(now=NOW + timedelta(minutes=1)).sent == 1
    # After the lease, the held one is taken over and sent; nothing twice.
    later = services.send_due_reminders(now=NOW + services.CLAIM_LEASE + timedelta(minutes=2))
    assert later.sent == 1
    assert len(mail.outbox) == 3
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_a_refused_mail_is_retried_by_the_next_run(user, settings, monkeypatch):
    services.reminder_add(task=_due_task(user), kind="at_due")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(services, "send_mail", refuse)
    assert services.send_due_reminders(now=NOW).failed == 1
    monkeypatch.undo()
    assert services.send_due_reminders(now=NOW).sent == 1


def test_reminders_of_done_and_trashed_tasks_are_not_sent(user):
    done = _due_task(user)
    trashed = _due_task(user)
    for each in (done, trashed):
        services.reminder_add(task=each, kind="at_due")
    task_services.task_set_status(task=done, status="done")
    task_services.task_trash(task=trashed)
    assert services.send_due_reminders(now=NOW).sent == 0


def test_the_command_sends_and_reports(user, capsys):
    services.reminder_add(task=_due_task(user), kind="at", at=datetime(2020, 1, 1, tzinfo=UTC))
    call_command("send_reminders")
    assert "1 sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1


# --- Recurrence -------------------------------------------------------------------


def test_completing_a_repeating_task_creates_the_next_occurrence(user):
    task = task_services.task_create(
        owner=user, title="Rent", due_date="2025-01-31", tags="home", priority="high"
    )
    services.recurrence_set(task=task, recurrence={"frequency": "month"})
    services.subtask_add(task=task, title="Transfer")
    step = services.subtask_add(task=task, title="File receipt")
    services.subtask_update(subtask=step, done=True)
    services.reminder_add(task=task, kind="1d_before")
    services.reminder_add(task=task, kind="at", at=datetime(2025, 1, 30, 18, tzinfo=UTC))

    before = services.snapshot(task)
    task_services.task_set_status(task=task, status="done")
    upcoming = services.after_task_saved(task=task, before=before)

    assert upcoming.due_date == date(2025, 2, 28)
    assert (upcoming.title, upcoming.tag_names, upcoming.priority) == ("Rent", ["home"], 3)
    assert upcoming.status == "open"
    assert [(s.title, s.done) for s in services.subtasks_of(upcoming)] == [
        ("Transfer", False),
        ("File receipt", False),
    ]
    assert sorted(r.remind_at for r in services.reminders_of(upcoming)) == [
        datetime(2025, 2, 27, 9, tzinfo=UTC),
        datetime(2025, 2, 27, 18, tzinfo=UTC),  # "at": moved by the same 28 days
    ]
    assert Recurrence.objects.get().task_id == upcoming.pk
    # The next one after February comes back to the 31st.
    before = services.snapshot(upcoming)
    task_services.task_set_status(task=upcoming, status="done")
    assert services.after_task_saved(task=upcoming, before=before).due_date == date(2025, 3, 31)


def test_completing_twice_advances_once(user):
    task = task_services.task_create(owner=user, title="Water", due_date="2025-03-05")
    services.recurrence_set(task=task, recurrence={"frequency": "day", "interval": 2})
    task_services.task_set_status(task=task, status="done")
    assert services.advance_completed(task=task) is not None
    assert services.advance_completed(task=task) is None
    assert Task.objects.filter(title="Water").count() == 2


def test_bulk_done_advances_every_repeating_task(user):
    tasks = [
        task_services.task_create(owner=user, title=f"R{i}", due_date="2025-03-05")
        for i in range(3)
    ]
    services.recurrence_set(task=tasks[0], recurrence={"frequency": "week"})
    result = task_services.tasks_bulk(owner=user, ids=[t.pk for t in tasks], action="done")
    upcoming = services.after_bulk_done(owner=user, ids=result.touched)
    assert [t.due_date for t in upcoming] == [date(2025, 3, 12)]


def test_a_weekly_rule_on_weekdays_in_the_users_zone_across_dst(user):
    # Done on Friday 2025-03-28 (before Berlin's DST change): next is Monday 31st,
    # and its "at due" reminder is 9:00 local, i.e. 07:00 UTC after the change.
    task = task_services.task_create(owner=user, title="Stand-up", due_date="2025-03-28")
    services.recurrence_set(
        task=task, recurrence={"frequency": "week", "weekdays": ["mon", "tue", "wed", "thu", "fri"]}
    )
    services.reminder_add(task=task, kind="at_due")
    task_services.task_set_status(task=task, status="done")
    berlin = ZoneInfo("Europe/Berlin")
    original = services.zone_of
    services.zone_of = lambda user: berlin
    try:
        upcoming = services.advance_completed(task=task)
    finally:
        services.zone_of = original
    assert upcoming.due_date == date(2025, 3, 31)
    assert services.reminders_of(upcoming)[0].remind_at == datetime(2025, 3, 31, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad",
    [
        {"frequency": "fortnight"},
        {"frequency": "day", "interval": 0},
        {"frequency": "day", "weekdays": ["mon"]},
        {"frequency": "week", "weekdays": ["funday"]},
        {"frequency": "week", "last_day": True},
        "monthly",
    ],
)
def test_bad_rules_are_refused(task, bad):
    with pytest.raises(ValidationError):
        services.recurrence_set(task=task, recurrence=bad)


# --- Calendar feeds ---------------------------------------------------------------


def test_a_feed_secret_is_stored_hashed_and_can_be_revoked(user, other_user):
    feed, raw = services.feed_issue(user=user, name="Phone")
    assert raw.startswith("cal_") and raw not in feed.token_hash
    assert services.feed_for_secret(raw).user == user
    assert services.feed_for_secret(raw + "x") is None
    with pytest.raises(type(feed).DoesNotExist):
        services.feed_revoke(user=other_user, feed_id=feed.pk)
    services.feed_revoke(user=user, feed_id=feed.pk)
    assert services.feed_for_secret(raw) is None


def test_time_helpers_default_to_the_site_zone(user):
    assert services.zone_of(user) == ZoneInfo("UTC")
    assert services.today_of(user, now=datetime(2025, 3, 5, 23, 30, tzinfo=UTC)) == date(2025, 3, 5)
