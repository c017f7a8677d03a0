"""A calendar feed as iCalendar text (RFC 5545). Pure: rows in, text out.

Each open task with a due date is one VEVENT (not VTODO: Google Calendar and most
phone calendars ignore VTODO; Thunderbird shows both). A task with only a date is
an all-day event (DTSTART;VALUE=DATE, DTEND the next day); one with a due time
starts at that instant (UTC) and lasts 30 minutes. The UID is the task's id, so a
calendar updates an event in place when the task changes.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PRODID = "-//Taskapp//Taskapp calendar feed//EN"
TIMED_LENGTH = timedelta(minutes=30)
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class FeedItem:
    uid: str
    title: str
    description: str
    due_date: date
    starts_at: datetime | None  # set when the task has a due time (aware)
    updated_at: datetime
    url: str = ""


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (3.1),
    never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(item: FeedItem, stamp: datetime, host: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{item.uid}@{host}",
        f"DTSTAMP:{_utc(stamp)}",
        f"LAST-MODIFIED:{_utc(item.updated_at)}",
        f"SUMMARY:{escape(item.title)}",
    ]
    if item.starts_at is None:
        lines.append(f"DTSTART;VALUE=DATE:{item.due_date:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{item.due_date + timedelta(days=1):%Y%m%d}")
        lines.append("TRANSP:TRANSPARENT")
    else:
        lines.append(f"DTSTART:{_utc(item.starts_at)}")
        lines.append(f"DTEND:{_utc(item.starts_at + TIMED_LENGTH)}")
    if item.description:
        lines.append(f"DESCRIPTION:{escape(item.description)}")
    if item.url:
        lines.append(f"URL:{item.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(items, *, name: str, stamp: datetime, host: str) -> str:
    """The whole feed; ``stamp`` is the DTSTAMP (when the feed was made)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for item in items:
        lines.extend(_event(item, stamp, host))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
