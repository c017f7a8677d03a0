"""Accessible names for the controls of a task row without repeating the title.

Each control is named with ``aria-labelledby``: a shared hidden label ("Done:",
"Select", ...) rendered once per page by ``{% row_labels %}`` plus the row's title
element. The order follows the translation ("Select %(title)s" -> "l-sel t3";
German "%(title)s auswählen" -> "t3 l-sel-a"), so the computed names equal the
translated strings and 50 rows do not carry the title five times each.
"""

from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as _

register = template.Library()

TITLE = "%(title)s"
ROW_LABELS = {  # short keys: each is written into every row
    "sel": _("Select %(title)s"),
    "done": _("Done: %(title)s"),
    "edit": _("Edit %(title)s"),
    "del": _("Delete %(title)s"),
    "view": _("View %(title)s"),  # a row the user may only view
    "res": _("Restore %(title)s"),  # the trash
    "pur": _("Delete forever %(title)s"),
}


@lru_cache(maxsize=64)
def _parts(action: str, language: str | None) -> tuple[str, str]:
    """The translated words before and after the title (``language`` keys the cache)."""
    before, _title, after = gettext(ROW_LABELS[action]).partition(TITLE)
    return before.strip(), after.strip()


def _label_ids(action: str) -> tuple[str, str]:
    before, after = _parts(action, get_language())
    return (f"l-{action}" if before else "", f"l-{action}-a" if after else "")


@register.simple_tag
def row_labels(actions: str):
    """The hidden label elements the rows point at, for the space-separated
    ``actions`` (keys of ROW_LABELS) the page's rows have; once per page."""
    spans = []
    for action in actions.split():
        before, after = _parts(action, get_language())
        before_id, after_id = _label_ids(action)
        spans += [(before_id, before)] if before else []
        spans += [(after_id, after)] if after else []
    inner = format_html_join("", '<span id="{}">{}</span>', spans)
    return format_html('<div hidden class="row-labels">{}</div>', inner)


@register.simple_tag
def labelledby(action: str, title_id: str) -> str:
    """The ``aria-labelledby`` value naming ``action`` for the row titled ``title_id``."""
    before_id, after_id = _label_ids(action)
    return " ".join(part for part in (before_id, title_id, after_id) if part)


@register.simple_tag(takes_context=True)
def title_id(context, task) -> str:
    """The id of a row's title element: short and unique on the page. In a list it
    is the row's number (the list is always rendered whole); a row rendered alone
    (htmx puts it back into a numbered list) uses the task id instead."""
    loop = context.get("forloop")
    return f"t{loop['counter']}" if loop else f"t-{task.id}"
