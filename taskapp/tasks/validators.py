"""Raw values in, domain values out: the rules of a task's fields.

The API, the UI forms, the admin and imports all validate through here, so a
title or a tag is held to one rule wherever it comes from. Each cleaner raises
ValidationError with a message for people.
"""

import re
import uuid
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext as _

from taskapp.tasks.fields import BULK_MAX_IDS, EDITABLE_FIELDS
from taskapp.tasks.models import DESCRIPTION_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX, Priority, Status

# A tag is one short label: letters, digits and a few joiners. No commas (they
# separate tags in forms and CSV files) and no spaces (they become dashes).
TAG_PATTERN = re.compile(r"^[\w][\w.+#/:-]*$")
# Control characters (C0 and DEL) other than tab, line feed and carriage return:
# invisible, and some (NUL) break terminals, CSV tools and other databases.
TIME_PATTERN = re.compile(r"^\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def is_storable_text(value: str) -> bool:
    """Whether the text can be stored as UTF-8: JSON's "\\ud800" escapes make
    Python strings with lone surrogates, which no database encoding accepts."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_storable(value: str, message) -> None:
    if not is_storable_text(value):
        raise ValidationError(message, code="invalid")


def normalize_tag(raw: str) -> str:
    """Tags are lower case, single words joined by dashes: ' #Work  Stuff ' -> 'work-stuff'."""
    return "-".join(str(raw).lower().split()).lstrip("#")


def normalize_tags(raw) -> list[str]:
    """Accept a list or a comma-separated string; return unique normalised tags in order.

    Raises ValidationError for a value of the wrong type, too many tags, or a tag
    that is too long or holds characters a label should not.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        items = raw.split(",")
    elif isinstance(raw, list | tuple):
        items = raw
        if len(items) > TAGS_MAX:  # as sent: what the API's schema publishes (maxItems)
            raise ValidationError(
                _("A task can have at most %(max)d tags."),
                code="max_tags",
                params={"max": TAGS_MAX},
            )
    else:
        raise ValidationError(_("Tags must be a list of text labels."), code="invalid")
    tags: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(_("Tags must be text."), code="invalid")
        _check_storable(item, _("Tags must be valid Unicode text (no lone surrogates)."))
        if has_control_characters(item):
            raise ValidationError(_("Tags must not contain control characters."), code="invalid")
        tag = normalize_tag(item)
        # Lengths are counted as sent (blanks included): what the API's schema
        # publishes (maxLength), so that a client can check before sending.
        if len(item) > TAG_MAX:
            raise ValidationError(
                _("Tag “%(tag)s” is longer than %(max)d characters."),
                code="max_length",
                params={"tag": item.strip()[:40], "max": TAG_MAX},
            )
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise ValidationError(
                _("Tag “%(tag)s” is longer than %(max)d characters."),
                code="max_length",
                params={"tag": tag[:40], "max": TAG_MAX},
            )
        if not TAG_PATTERN.match(tag):
            raise ValidationError(
                _("Tag “%(tag)s” may only hold letters, digits and - _ . + # / :"),
                code="invalid",
                params={"tag": tag},
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationError(
            _("A task can have at most %(max)d tags."), code="max_tags", params={"max": TAGS_MAX}
        )
    return tags


def clean_title(value) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Title must be text."), code="invalid")
    _check_storable(value, _("Title must be valid Unicode text (no lone surrogates)."))
    if has_control_characters(value):
        raise ValidationError(_("Title must not contain control characters."), code="invalid")
    title = " ".join(value.split())
    if not title:
        raise ValidationError(_("Title is required."), code="required")
    if len(value) > TITLE_MAX:  # as sent, blanks included (see normalize_tags)
        raise ValidationError(
            _("Title must be at most %(max)d characters (it has %(len)d).")
            % {"max": TITLE_MAX, "len": len(value)},
            code="max_length",
        )
    return title


def clean_description(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Description must be text."), code="invalid")
    _check_storable(value, _("Description must be valid Unicode text (no lone surrogates)."))
    if has_control_characters(value):
        raise ValidationError(_("Description must not contain control characters."), code="invalid")
    description = value.strip()
    if len(value) > DESCRIPTION_MAX:  # as sent, blanks included (see normalize_tags)
        raise ValidationError(
            _("Description must be at most %(max)d characters.") % {"max": DESCRIPTION_MAX},
            code="max_length",
        )
    return description


def clean_status(value) -> str:
    status = value.strip().lower() if isinstance(value, str) else value
    if status not in Status.values:
        raise ValidationError(_("Status must be open or done."), code="invalid_choice")
    return status


def clean_priority(value) -> int:
    if isinstance(value, Priority):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in Priority.values:
        return value
    if isinstance(value, str):
        # A blank cell (a CSV import) means the default, as a missing one does.
        return int(Priority.from_name(value.strip() or Priority.NORMAL.key))
    raise ValidationError(
        _("Priority must be one of low, normal, high, urgent."), code="invalid_choice"
    )


def clean_due_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise ValidationError(_("Due date must be a date (YYYY-MM-DD)."), code="invalid")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed:
            return parsed
    raise ValidationError(_("Due date must be a date (YYYY-MM-DD)."), code="invalid")


def clean_due_time(value) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    # A wall-clock time only: an offset would say a zone, which is the user's setting.
    if isinstance(value, str) and TIME_PATTERN.match(value.strip()):
        try:
            parsed = parse_time(value.strip())
        except ValueError:
            parsed = None
        if parsed:
            return parsed.replace(second=0, microsecond=0)
    raise ValidationError(_("Due time must be a time of day (HH:MM)."), code="invalid")


def clean_list_ref(value) -> uuid.UUID | None:
    """A list id (whether the caller may use the list is the services' question)."""
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(_("List must be a list id."), code="invalid") from None


CLEANERS = {
    "list": clean_list_ref,
    "title": clean_title,
    "description": clean_description,
    "status": clean_status,
    "priority": clean_priority,
    "due_date": clean_due_date,
    "due_time": clean_due_time,
    "tags": normalize_tags,
}


def clean_task_fields(data: dict) -> dict:
    """Validate the given fields; return domain values or raise one ValidationError
    whose message_dict names every bad field."""
    if not isinstance(data, dict):
        raise ValidationError({"task": [_("Expected an object of task fields.")]})
    unknown = set(data) - set(EDITABLE_FIELDS)
    errors: dict[str, list[str]] = {name: [_("Unknown field.")] for name in sorted(unknown)}
    cleaned = {}
    for name, value in data.items():
        if name in unknown:
            continue
        try:
            cleaned[name] = CLEANERS[name](value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_ids(ids) -> list[uuid.UUID]:
    if isinstance(ids, str) or not isinstance(ids, list | tuple | set):
        raise ValidationError({"ids": [_("Expected a list of task ids.")]})
    if len(ids) > BULK_MAX_IDS:
        raise ValidationError(
            {"ids": [_("At most %(max)d ids at a time.") % {"max": BULK_MAX_IDS}]}
        )
    cleaned = []
    for value in ids:
        try:
            cleaned.append(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            raise ValidationError(
                {"ids": [_("“%(value)s” is not a task id.") % {"value": str(value)[:40]}]}
            ) from None
    return cleaned
