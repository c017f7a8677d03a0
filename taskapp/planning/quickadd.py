"""Quick add: one line of text -> a task's fields. Pure (no database, no clock).

"Pay rent tomorrow 9:00 !high #home @Bills every month" gives the title "Pay rent",
due tomorrow at 9:00, priority high, tag home, list "Bills", repeating monthly.
English and German words. Every recognised piece is reported in ``parts`` with the
text it came from, so the UI can show the guess and undo it; ``text`` keeps the
line as typed. A line that is nothing but markers keeps itself as the title:
plain text is never lost.
"""

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from taskapp.planning.rules import WEEKDAY_NAMES, WORKDAYS, Rule, next_date

PRIORITIES = {
    "low": "low", "niedrig": "low", "1": "low",
    "normal": "normal", "2": "normal",
    "high": "high", "hoch": "high", "3": "high",
    "urgent": "urgent", "dringend": "urgent", "4": "urgent",
}  # fmt: skip

WEEKDAYS = {
    "monday": 0, "mon": 0, "montag": 0, "mo": 0,
    "tuesday": 1, "tue": 1, "dienstag": 1, "di": 1,
    "wednesday": 2, "wed": 2, "mittwoch": 2, "mi": 2,
    "thursday": 3, "thu": 3, "donnerstag": 3, "do": 3,
    "friday": 4, "fri": 4, "freitag": 4, "fr": 4,
    "saturday": 5, "sat": 5, "samstag": 5, "sonnabend": 5, "sa": 5,
    "sunday": 6, "sun": 6, "sonntag": 6, "so": 6,
}  # fmt: skip
# Only the full names stand alone as a date ("mo" or "do" are ordinary words).
_DAY_WORDS = "|".join(sorted((k for k in WEEKDAYS if len(k) > 3), key=len, reverse=True))

UNITS = {
    "day": "day", "days": "day", "tag": "day", "tage": "day", "tagen": "day", "tagmal": "day",
    "week": "week", "weeks": "week", "woche": "week", "wochen": "week",
    "month": "month", "months": "month", "monat": "month", "monate": "month", "monaten": "month",
    "year": "year", "years": "year", "jahr": "year", "jahre": "year", "jahren": "year",
}  # fmt: skip
_UNIT_WORDS = "|".join(sorted(UNITS, key=len, reverse=True))

RELATIVE_DAYS = {
    "today": 0, "heute": 0,
    "tomorrow": 1, "morgen": 1,
    "day after tomorrow": 2, "übermorgen": 2, "uebermorgen": 2,
    "yesterday": -1, "gestern": -1,
}  # fmt: skip
_RELATIVE_WORDS = "|".join(sorted(RELATIVE_DAYS, key=len, reverse=True))

B = r"(?<![\w#@!])"  # a word starts here (not inside a word or a marker)
E = r"(?![\w])"  # a word ends here


@dataclass
class Parsed:
    """What a line says. ``recurrence`` is a dict of Rule fields (or None)."""

    text: str
    title: str
    due_date: date | None = None
    due_time: time | None = None
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    list_name: str | None = None
    recurrence: dict | None = None
    # (kind, the text it was read from), in the order found.
    parts: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "title": self.title,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "priority": self.priority,
            "tags": list(self.tags),
            "list_name": self.list_name,
            "recurrence": self.recurrence,
            "parts": [{"kind": kind, "text": text} for kind, text in self.parts],
        }


def _weekday_on_or_after(today: date, weekday: int, *, strictly_after: bool) -> date:
    days = (weekday - today.weekday()) % 7
    if days == 0 and strictly_after:
        days = 7
    return today + timedelta(days=days)


# --- The matchers: each finds one kind of piece, returns (value, span) ------------

_RECURRENCE = re.compile(
    B + r"(?:(?P<every>every|jeden|jede|jedes|alle)\s+"
    r"(?:(?P<n>\d{1,3})\s+)?"
    r"(?:(?P<unit>" + _UNIT_WORDS + r")"
    r"|(?P<weekday>" + _DAY_WORDS + r")"
    r"|(?P<workday>weekday|werktag|arbeitstag)"
    r"|(?P<last>last day of (?:the )?month|letzten (?:tag )?(?:des|im) monat[s]?))"
    r"|(?P<daily>daily|täglich|taeglich)|(?P<weekly>weekly|wöchentlich|woechentlich)"
    r"|(?P<monthly>monthly|monatlich)|(?P<yearly>yearly|annually|jährlich|jaehrlich))" + E,
    re.IGNORECASE,
)


def _recurrence(match: re.Match, today: date) -> dict:
    if match["daily"]:
        return {"frequency": "day", "interval": 1}
    if match["weekly"]:
        return {"frequency": "week", "interval": 1}
    if match["monthly"]:
        return {"frequency": "month", "interval": 1}
    if match["yearly"]:
        return {"frequency": "year", "interval": 1}
    interval = int(match["n"] or 1)
    if match["unit"]:
        return {"frequency": UNITS[match["unit"].lower()], "interval": interval}
    if match["weekday"]:
        day = WEEKDAYS[match["weekday"].lower()]
        return {"frequency": "week", "interval": interval, "weekdays": [WEEKDAY_NAMES[day]]}
    if match["workday"]:
        names = [name for bit, name in enumerate(WEEKDAY_NAMES) if WORKDAYS & (1 << bit)]
        return {"frequency": "week", "interval": 1, "weekdays": names}
    return {"frequency": "month", "interval": interval, "last_day": True}


_ISO_DATE = re.compile(B + r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + E)
_DOT_DATE = re.compile(B + r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2,4})?" + r"(?![\w.])")
_SLASH_DATE = re.compile(B + r"(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2,4}))?" + E)
_RELATIVE = re.compile(B + r"(?P<word>" + _RELATIVE_WORDS + r")" + E, re.IGNORECASE)
_NEXT_WEEKDAY = re.compile(
    B + r"(?:(?P<next>next|nächsten|nächster|nächstes|naechsten|kommenden|on|am)\s+)?"
    r"(?P<day>" + _DAY_WORDS + r")" + E,
    re.IGNORECASE,
)
_IN_N = re.compile(B + r"in\s+(?P<n>\d{1,3})\s+(?P<unit>" + _UNIT_WORDS + r")" + E, re.IGNORECASE)
_NEXT_UNIT = re.compile(
    B
    + r"(?:next|nächste|nächsten|nächstes|naechste)\s+(?P<unit>week|woche|month|monat|year|jahr)"
    + E,
    re.IGNORECASE,
)
_TIME = re.compile(
    B + r"(?:(?:at|um)\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?:\s*(?P<ampm>am|pm|uhr|h))?" + E,
    re.IGNORECASE,
)
_PRIORITY = re.compile(r"(?<![\w!])!(?P<p>[a-zäöü]+|[1-4])" + E, re.IGNORECASE)
_TAG = re.compile(r"(?<![\w#])#(?P<tag>[\w][\w-]*)", re.UNICODE)
_LIST = re.compile(r"(?<![\w@])@(?P<name>[\w][\w-]*)", re.UNICODE)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _explicit_date(match: re.Match, today: date) -> date | None:
    year = match["y"]
    if year is None:
        candidate = _valid_date(today.year, int(match["m"]), int(match["d"]))
        # "3.1." in December means next January.
        if candidate and candidate < today:
            candidate = _valid_date(today.year + 1, int(match["m"]), int(match["d"]))
        return candidate
    year = int(year)
    if year < 100:
        year += 2000
    return _valid_date(year, int(match["m"]), int(match["d"]))


def _add_unit(today: date, n: int, unit: str) -> date:
    return next_date(Rule(frequency=unit, interval=n), today)


def _date(text: str, today: date) -> tuple[date, re.Match] | None:
    """The first date expression in ``text``."""
    found = []
    for pattern in (_ISO_DATE, _DOT_DATE, _SLASH_DATE):
        match = pattern.search(text)
        if match and (value := _explicit_date(match, today)):
            found.append((value, match))
    if match := _RELATIVE.search(text):
        found.append((today + timedelta(days=RELATIVE_DAYS[match["word"].lower()]), match))
    if match := _NEXT_WEEKDAY.search(text):
        weekday = WEEKDAYS[match["day"].lower()]
        # "next monday" on a Monday is a week later; "monday" on a Monday is today.
        strictly = bool(match["next"]) and match["next"].lower() not in ("on", "am")
        found.append((_weekday_on_or_after(today, weekday, strictly_after=strictly), match))
    if match := _IN_N.search(text):
        found.append((_add_unit(today, int(match["n"]), UNITS[match["unit"].lower()]), match))
    if match := _NEXT_UNIT.search(text):
        found.append((_add_unit(today, 1, UNITS[match["unit"].lower()]), match))
    if not found:
        return None
    return min(found, key=lambda item: item[1].start())


def _time(text: str) -> tuple[time, re.Match] | None:
    for match in _TIME.finditer(text):
        hour, minute, suffix = int(match["h"]), int(match["m"] or 0), (match["ampm"] or "").lower()
        says_time = (
            match["m"] is not None or suffix or match.group(0).lower().startswith(("at", "um"))
        )
        if not says_time:
            continue  # a bare number is part of the title ("Buy 3 apples")
        if suffix == "pm" and hour < 12:
            hour += 12
        elif suffix == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            continue
        return time(hour, minute), match
    return None


def _cut(text: str, match: re.Match) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def list_key(name: str) -> str:
    """How ``@Name`` names a list: case-insensitive, spaces written as dashes
    ("@family-trip" is the list "Family trip")."""
    return "-".join(str(name).lower().split())


def parse(text: str, *, today: date, list_names=None) -> Parsed:
    """Read ``text``; ``today`` is the user's date (relative words count from it).

    ``list_names``: the keys (list_key) of the lists a task may go into; given, an
    ``@Name`` naming none of them is not read as a list and stays in the title, so
    nothing typed is lost. Without it every ``@Name`` is read."""
    text = " ".join(str(text).split())
    parsed = Parsed(text=text, title=text)
    rest = text

    while match := _RECURRENCE.search(rest):
        if parsed.recurrence is None:
            parsed.recurrence = _recurrence(match, today)
            parsed.parts.append(("recurrence", match.group(0)))
        rest = _cut(rest, match)
    while match := _PRIORITY.search(rest):
        value = PRIORITIES.get(match["p"].lower())
        if value is None:
            break  # "!wow" stays in the title
        parsed.priority = value
        parsed.parts.append(("priority", match.group(0)))
        rest = _cut(rest, match)
    for match in _TAG.finditer(rest):
        tag = match["tag"].lower()
        if tag not in parsed.tags:
            parsed.tags.append(tag)
        parsed.parts.append(("tag", match.group(0)))
    rest = _TAG.sub(" ", rest)
    for match in _LIST.finditer(rest):
        if list_names is None or list_key(match["name"]) in list_names:
            parsed.list_name = match["name"]
            parsed.parts.append(("list", match.group(0)))
            rest = _cut(rest, match)
            break
    if found := _date(rest, today):
        parsed.due_date, match = found
        parsed.parts.append(("due_date", match.group(0)))
        rest = _cut(rest, match)
    if found := _time(rest):
        parsed.due_time, match = found
        parsed.parts.append(("due_time", match.group(0)))
        rest = _cut(rest, match)
        if parsed.due_date is None:
            parsed.due_date = today
    if parsed.recurrence and parsed.due_date is None:
        parsed.due_date = today  # a series starts somewhere: today
    title = " ".join(rest.split())
    parsed.title = title or text
    return parsed
