"""Date rules, pure: the next occurrence of a repeating task, and when a reminder
fires. No database; every function takes what it needs as parameters (the due
time and the user's time zone included), so they are tested with fixed dates.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FREQUENCIES = ("day", "week", "month", "year")
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = 0b0011111  # Monday to Friday
# When a reminder relative to the due date fires for a task without a due time.
DEFAULT_DUE_TIME = time(9, 0)
REMINDER_OFFSETS = {
    "at_due": timedelta(0),
    "1h_before": timedelta(hours=1),
    "1d_before": timedelta(days=1),
}


@dataclass(frozen=True)
class Rule:
    """Every ``interval`` ``frequency``s; see taskapp.planning.models.Recurrence."""

    frequency: str
    interval: int = 1
    weekdays: int = 0  # bit mask, Monday = 1; weekly rules only
    last_day: bool = False  # monthly rules only
    anchor_day: int | None = None  # the day of the month the series is pinned to
    anchor_month: int | None = None  # yearly rules: the month it is pinned to

    def describe(self) -> str:
        """Short English text, e.g. "every 2 weeks on mon, thu"."""
        unit = self.frequency if self.interval == 1 else f"{self.interval} {self.frequency}s"
        text = f"every {unit}"
        if self.frequency == "week" and self.weekdays:
            days = [name for bit, name in enumerate(WEEKDAY_NAMES) if self.weekdays & (1 << bit)]
            text += " on " + ", ".join(days)
        if self.frequency == "month" and self.last_day:
            text += " on the last day"
        return text


def weekday_mask(names) -> int:
    """A bit mask from weekday names ("mon", "tue", ...); ValueError on others."""
    mask = 0
    for name in names:
        mask |= 1 << WEEKDAY_NAMES.index(str(name).lower()[:3])
    return mask


def weekday_names(mask: int) -> list[str]:
    return [name for bit, name in enumerate(WEEKDAY_NAMES) if mask & (1 << bit)]


def _add_months(start: date, months: int, day: int | None, last_day: bool) -> date:
    """``start`` moved by ``months``, on ``day`` (clamped to the month's length) or on
    the month's last day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    length = calendar.monthrange(year, month)[1]
    if last_day:
        return date(year, month, length)
    return date(year, month, min(day or start.day, length))


def next_date(rule: Rule, current: date) -> date:
    """The occurrence after ``current`` (the date the task was due, or completed)."""
    n = max(1, rule.interval)
    if rule.frequency == "day":
        return current + timedelta(days=n)
    if rule.frequency == "week":
        if not rule.weekdays:
            return current + timedelta(weeks=n)
        return _next_weekday(rule.weekdays, n, current)
    if rule.frequency == "month":
        return _add_months(current, n, rule.anchor_day, rule.last_day)
    if rule.frequency == "year":
        day = rule.anchor_day or current.day
        month = rule.anchor_month or current.month
        # Feb 29 falls on Feb 28 in common years and comes back in leap years.
        year = current.year + n
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))
    raise ValueError(f"Unknown frequency {rule.frequency!r}")


def _next_weekday(mask: int, interval: int, current: date) -> date:
    """The next day after ``current`` on one of the mask's weekdays, in a week that
    is a multiple of ``interval`` weeks after ``current``'s week."""
    week_start = current - timedelta(days=current.weekday())
    for offset in range(1, 7 * interval + 8):
        day = current + timedelta(days=offset)
        weeks = (day - timedelta(days=day.weekday()) - week_start).days // 7
        if mask & (1 << day.weekday()) and weeks % interval == 0:
            return day
    raise AssertionError("a non-empty weekday mask always matches within interval + 1 weeks")


def local_instant(day: date, at: time | None, tz: ZoneInfo) -> datetime:
    """The instant of a wall-clock time on ``day`` in ``tz`` (aware, UTC).

    A time skipped by a DST change (02:30 on a spring-forward night) is read with
    fold=0, i.e. as if the clock had not yet moved: it lands an hour later in wall
    time, which is what people expect of "remind me at 02:30".
    """
    local = datetime.combine(day, at or DEFAULT_DUE_TIME).replace(tzinfo=tz)
    return local.astimezone(ZoneInfo("UTC"))


def reminder_instant(
    kind: str,
    *,
    due_date: date | None,
    due_time: time | None,
    tz: ZoneInfo,
    at: datetime | None = None,
) -> datetime | None:
    """When a reminder fires (UTC), or None when there is nothing to remind of yet.

    ``at`` is the absolute time of an "at" reminder. The relative kinds count back
    from the due date and time in the user's zone; "1 day before" is the same wall
    time the day before (not 24 hours: a DST change keeps it at 9:00).
    """
    if kind == "at":
        return at
    if due_date is None:
        return None
    if kind == "1d_before":
        return local_instant(due_date - timedelta(days=1), due_time, tz)
    return local_instant(due_date, due_time, tz) - REMINDER_OFFSETS[kind]
