"""The calendar feed: valid RFC 5545, read back with the icalendar library."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client

from taskapp.planning import ics, services
from taskapp.tasks import services as task_services

UTC = ZoneInfo("UTC")
STAMP = datetime(2025, 3, 5, 12, tzinfo=UTC)


def _parse(text: str):
    # icalendar refuses malformed content lines, bad escapes and broken folding.
    return icalendar.Calendar.from_ical(text)


def test_an_all_day_and_a_timed_event():
    items = [
        ics.FeedItem("a1", "Dentist", "", date(2025, 3, 6), None, STAMP),
        ics.FeedItem(
            "b2", "Call", "Ask, about; it\\n", date(2025, 3, 7),
            datetime(2025, 3, 7, 9, tzinfo=ZoneInfo("Europe/Berlin")), STAMP,
        ),
    ]  # fmt: skip
    text = ics.calendar(items, name="Taskapp: Phone", stamp=STAMP, host="taskapp")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    cal = _parse(text)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] == ics.PRODID
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Dentist", "Call"]
    allday, timed = events
    assert allday.decoded("DTSTART") == date(2025, 3, 6)
    assert allday.decoded("DTEND") == date(2025, 3, 7)
    assert timed.decoded("DTSTART") == datetime(2025, 3, 7, 8, tzinfo=UTC)
    assert timed.decoded("DTEND") - timed.decoded("DTSTART") == timedelta(minutes=30)
    assert str(timed["DESCRIPTION"]) == "Ask, about; it\\n"
    assert str(allday["UID"]) == "a1@taskapp"
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event)


def test_long_and_non_ascii_lines_fold_at_75_octets():
    title = "Grüße an Jürgen " * 12
    text = ics.calendar(
        [ics.FeedItem("c3", title, "", date(2025, 3, 6), None, STAMP)],
        name="x", stamp=STAMP, host="taskapp",
    )  # fmt: skip
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert str(_parse(text).walk("VEVENT")[0]["SUMMARY"]) == title


@pytest.mark.django_db
def test_the_feed_url_lists_open_tasks_with_a_due_date(user, other_user, monkeypatch):
    task_services.task_create(owner=user, title="Due", due_date="2030-05-02")
    timed = task_services.task_create(owner=user, title="Timed", due_date="2030-05-03")
    task_services.task_create(owner=user, title="Undated")
    done = task_services.task_create(owner=user, title="Done", due_date="2030-05-02")
    task_services.task_set_status(task=done, status="done")
    trashed = task_services.task_create(owner=user, title="Trashed", due_date="2030-05-02")
    task_services.task_trash(task=trashed)
    task_services.task_create(owner=other_user, title="Bob's", due_date="2030-05-02")
    # A due time (once tasks have one) makes a timed event in the user's zone.
    monkeypatch.setattr(
        services, "due_time_of", lambda task: time(14, 30) if task.pk == timed.pk else None
    )
    monkeypatch.setattr(services, "zone_of", lambda user: ZoneInfo("Europe/Berlin"))
    _, raw = services.feed_issue(user=user, name="Phone")

    response = Client().get(f"/calendar/{raw}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    events = _parse(response.content.decode()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Due", "Timed"]
    assert events[1].decoded("DTSTART") == datetime(2030, 5, 3, 12, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_unknown_and_revoked_feeds_are_not_found(user):
    feed, raw = services.feed_issue(user=user, name="Phone")
    assert Client().get("/calendar/cal_nothing.ics").status_code == 404
    services.feed_revoke(user=user, feed_id=feed.pk)
    assert Client().get(f"/calendar/{raw}.ics").status_code == 404
