"""A new user's time zone: the browser's, else one their Accept-Language implies.

The sign-up page asks the browser (``Intl.DateTimeFormat().resolvedOptions()
.timeZone``, ui/static/ui/app.js) and posts it in a hidden field. Without
JavaScript, the Accept-Language header may name a region ("de-AT"); a region whose
zones in the time zone database's ``zone.tab`` all keep the same clock (Austria:
Europe/Vienna; Germany: Europe/Berlin and Europe/Busingen, both CET/CEST) gives its
first zone. A region with clocks apart (the US, Australia, Spain) gives none:
guessing New York for a user in Los Angeles would put their reminders three hours
off, and UTC is at least visibly not their zone (the settings page changes it).
"""

import functools
import re
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ValidationError

from taskapp.accounts.models import DEFAULT_TIMEZONE, Profile, known_timezones, validate_timezone

_REGION = re.compile(r"^[a-zA-Z]{2,3}[-_]([a-zA-Z]{2})$")


def _zone_tab() -> str:
    """zone.tab from the zone database Python's zoneinfo reads (the system's, or
    the tzdata package); empty when there is none."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        from importlib.resources import files

        return files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


def _same_clock(names: list[str]) -> bool:
    """Whether these zones show the same time in winter and in summer this year."""
    year = datetime.now(UTC).year
    moments = [datetime(year, 1, 15, 12, tzinfo=UTC), datetime(year, 7, 15, 12, tzinfo=UTC)]
    offsets = {
        tuple(moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() for moment in moments)
        for name in names
    }
    return len(offsets) == 1


@functools.cache
def single_clock_regions() -> dict[str, str]:
    """Country code -> its first zone, for the countries whose zones keep one clock."""
    zones: dict[str, list[str]] = {}
    for line in _zone_tab().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            zones.setdefault(fields[0].upper(), []).append(fields[2])
    return {country: names[0] for country, names in zones.items() if _same_clock(names)}


def zone_from_accept_language(header: str) -> str | None:
    """The zone of the first language range (by q) whose region has one zone."""
    ranges = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                quality = float(match[1])
            except ValueError:
                continue
        ranges.append((-quality, position, tag.strip()))
    regions = single_clock_regions()
    for _quality, _position, tag in sorted(ranges):
        match = _REGION.match(tag)
        if match and match[1].upper() in regions:
            return regions[match[1].upper()]
    return None


def zone_for_new_user(browser_zone: str, accept_language: str) -> str:
    """The browser's zone if it is a known one, else the Accept-Language guess, else UTC."""
    try:
        return validate_timezone(browser_zone)
    except ValidationError:
        return zone_from_accept_language(accept_language or "") or DEFAULT_TIMEZONE


def set_timezone(user, name) -> str:
    """Store ``name`` as the user's time zone; ValidationError naming the field
    ``timezone`` when it is not an IANA zone name."""
    try:
        zone = validate_timezone(name)
    except ValidationError as exc:
        raise ValidationError({"timezone": exc.messages}) from None
    Profile.objects.update_or_create(user=user, defaults={"timezone": zone})
    return zone


def timezone_choices() -> list[tuple[str, str]]:
    """Every zone a user can pick, sorted (the settings page's options)."""
    return [(name, name.replace("_", " ")) for name in sorted(known_timezones())]
