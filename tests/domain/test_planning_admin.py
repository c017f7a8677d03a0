"""The admin shows reminders (sent or not), steps, repeat rules and feeds."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from taskapp.planning import services as planning
from taskapp.planning.models import CalendarFeed, Reminder
from taskapp.tasks import services

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _titles(response):
    assert response.status_code == 200
    return sorted(str(row.task) for row in response.context["cl"].result_list)


def test_reminders_are_listed_and_filtered_by_sent(staff_client, user):
    sent = services.task_create(owner=user, title="Sent one", due_date="2020-01-01")
    later = services.task_create(owner=user, title="Later one", due_date="2099-01-01")
    planning.reminder_add(task=sent, kind="at_due")
    planning.reminder_add(task=later, kind="at_due")
    planning.send_due_reminders(now=datetime(2025, 1, 1, tzinfo=UTC))
    url = "/admin/planning/reminder/"
    assert _titles(staff_client.get(url)) == ["Later one", "Sent one"]
    assert _titles(staff_client.get(url, {"sent": "yes"})) == ["Sent one"]
    assert _titles(staff_client.get(url, {"sent": "pending"})) == ["Later one"]
    assert staff_client.get(f"{url}add/").status_code == 403
    reminder = Reminder.objects.get(task=later)
    page = staff_client.get(f"{url}{reminder.pk}/change/")
    assert page.status_code == 200 and b"Later one" in page.content


@pytest.mark.parametrize("model", ["subtask", "recurrence", "calendarfeed"])
def test_the_other_lists_open(staff_client, task, user, model):
    planning.subtask_add(task=task, title="Step")
    planning.recurrence_set(task=task, recurrence={"frequency": "day"})
    planning.feed_issue(user=user, name="Phone")
    response = staff_client.get(f"/admin/planning/{model}/")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_staff_revoke_feeds_and_never_see_their_hash(staff_client, user):
    feed, _ = planning.feed_issue(user=user, name="Phone")
    page = staff_client.get(f"/admin/planning/calendarfeed/{feed.pk}/change/")
    assert feed.token_hash.encode() not in page.content
    staff_client.post(
        "/admin/planning/calendarfeed/", {"action": "revoke", "_selected_action": [str(feed.pk)]}
    )
    assert CalendarFeed.objects.get().revoked_at is not None
