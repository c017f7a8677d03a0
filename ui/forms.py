"""One small form per action. ``clean_*`` methods return domain values; the
services validate again (they are the one write path), and their field errors are
put back next to the fields with ``add_service_errors``."""

# Annotations stay unevaluated: some forms have a field named ``list``.
from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taskapp.accounts import zones
from taskapp.planning import exchange as plan_exchange
from taskapp.tasks import bounded, exchange, selectors
from taskapp.tasks.models import (
    DESCRIPTION_MAX,
    LIST_COLOURS,
    LIST_NAME_MAX,
    TITLE_MAX,
    Priority,
    Role,
    Status,
)
from taskapp.tasks.validators import normalize_tags

PRIORITY_CHOICES = [(p.key, p.label) for p in Priority]
SORT_CHOICES = [
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
    ("due", _("Due date")),
    ("-priority", _("Priority")),
    ("title", _("Title")),
    ("-updated", _("Recently updated")),
]
DUE_CHOICES = [
    ("", _("Any time")),
    ("overdue", _("Overdue")),
    ("today", _("Today")),
    ("week", _("This week")),
]


class ErrorsNextToFields:
    """After validation, point each invalid widget at its message (id ``error-<field>``)
    so screen readers read the error with the field."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"error-{name}"}
                )

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            self.fields[field].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"error-{field}"}
            )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's per-field ValidationError next to the form's fields."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class TaskFilterForm(forms.Form):
    """The list's query string. Invalid values fall back to the default view."""

    q = forms.CharField(label=_("Search tasks"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Status.choices],
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any")), *PRIORITY_CHOICES]
    )
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_CHOICES)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=64)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)
    # The list chosen in the sidebar: kept by the filter form while filtering.
    list = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, tags=(), **kwargs):
        super().__init__(data, auto_id="filter-%s", **kwargs)
        self.fields["tag"].widget = forms.Select(
            choices=[("", _("All tags")), *[(t, t) for t in tags]]
        )

    def clean_priority(self):
        value = self.cleaned_data["priority"]
        return int(Priority.from_name(value)) if value else None

    def to_filter(self, *, trash: bool = False) -> selectors.TaskFilter:
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        today = timezone.localdate()
        due = data.get("due") or ""
        monday, sunday = selectors.week_bounds(today)
        bounds = {
            "today": {"due_after": today, "due_before": today},
            "week": {"due_after": monday, "due_before": sunday},
            "overdue": {"overdue": True},
        }.get(due, {})
        return selectors.TaskFilter(
            q=data.get("q") or None,
            status=data.get("status") or None,
            priority=data.get("priority"),
            tag=data.get("tag") or None,
            sort=data.get("sort") or selectors.DEFAULT_SORT,
            open_first=not trash,  # the list: done tasks sink below the open ones
            trash=trash,
            list_id=data.get("list"),
            **bounds,
        )

    def _valid_part(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    @property
    def is_filtered(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(k) for k in ("q", "status", "priority", "due", "tag"))


class TaskCreateForm(forms.Form):
    title = forms.CharField(label=_("New task"), max_length=TITLE_MAX, strip=True)
    # The list being viewed: new tasks go there (empty: the Inbox).
    list = forms.UUIDField(required=False, widget=forms.HiddenInput)


class TaskEditForm(ErrorsNextToFields, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
    )
    # Moving the task: the lists the user may write to (set by with_lists).
    list = forms.ChoiceField(label=_("List"), required=False, choices=())
    # The version the form was read at: saving a task changed meanwhile (another
    # tab, the API) is refused instead of silently overwriting it. Optional, so a
    # form without it saves as before.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Distinct ids: the form appears on the list page beside the filter form.
        super().__init__(*args, auto_id="edit-%s", **kwargs)

    def with_lists(self, choices):
        """Offer these (id, name) lists to move the task to."""
        self.fields["list"].choices = [(str(pk), name) for pk, name in choices]
        return self

    @classmethod
    def for_task(cls, task):
        return cls(
            initial={
                "list": str(task.task_list_id),
                "title": task.title,
                "description": task.description,
                "priority": task.priority_key,
                "due_date": task.due_date.isoformat() if task.due_date else "",
                "tags": ", ".join(task.tag_names),
                "version": task.version,
            }
        )

    def clean_priority(self) -> int:
        return int(Priority.from_name(self.cleaned_data["priority"]))

    def clean_tags(self) -> list[str]:
        return normalize_tags(self.cleaned_data["tags"])


class UUIDListField(forms.Field):
    """Every value of a repeated parameter (``ids=…&ids=…``) as UUIDs."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one task."),
        "invalid": _("Invalid task id."),
    }

    def to_python(self, value):
        try:
            return [uuid.UUID(str(raw)) for raw in value or []]
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BulkForm(forms.Form):
    ids = UUIDListField()
    action = forms.ChoiceField(
        # restore: what the Undo of a bulk delete posts.
        choices=[
            ("done", _("Mark selected done")),
            ("trash", _("Delete selected")),
            ("restore", _("Restore")),
            ("move", _("Move selected")),
        ]
    )
    # move: the list to move the selected tasks to.
    list = forms.UUIDField(required=False)


class ImportForm(ErrorsNextToFields, forms.Form):
    file = forms.FileField(label=_("File (JSON or CSV)"))

    def __init__(self, *args, too_large: bool = False, **kwargs):
        """``too_large``: the upload was skipped at the byte cap (config.uploads)."""
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if too_large:
            self.fields["file"].required = False  # clean_file says why it is missing

    def clean_file(self) -> list[tuple[int, dict]]:
        if self.too_large:
            raise ValidationError(
                _("The file is larger than %(max)d bytes.")
                % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
                code="too_large",
            )
        upload = self.cleaned_data["file"]
        fmt = "csv" if upload.name.lower().endswith(".csv") else "json"
        try:
            rows = plan_exchange.parse(upload.read(), fmt)
        except bounded.TooLarge as exc:
            raise ValidationError(str(exc), code="too_large") from None
        except exchange.ImportFileError as exc:
            raise ValidationError(str(exc)) from None
        if not rows:  # a CSV with only its header, an empty JSON array
            raise ValidationError(_("The file has no tasks."), code="empty")
        return rows


# The colours' names as the pickers show them (the stored and API value is the key).
COLOUR_NAMES = {
    "grey": _("Grey"),
    "red": _("Red"),
    "orange": _("Orange"),
    "yellow": _("Yellow"),
    "green": _("Green"),
    "teal": _("Teal"),
    "blue": _("Blue"),
    "purple": _("Purple"),
    "pink": _("Pink"),
}
COLOUR_CHOICES = [(c, COLOUR_NAMES.get(c, c.capitalize())) for c in LIST_COLOURS]


class ListForm(ErrorsNextToFields, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=LIST_NAME_MAX)
    colour = forms.ChoiceField(label=_("Colour"), choices=COLOUR_CHOICES, initial="grey")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="list-%s", **kwargs)


class InviteForm(ErrorsNextToFields, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class TransferForm(forms.Form):
    username = forms.CharField(label=_("New owner (a member)"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="transfer-%s", **kwargs)


class SignupForm(UserCreationForm):
    """Django's sign-up form plus an optional e-mail address (for password resets)."""

    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("Only used to send you a link if you forget your password."),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class SettingsForm(ErrorsNextToFields, forms.Form):
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=zones.timezone_choices,
        help_text=_("Due times and reminders are in this zone."),
    )


class TokenForm(ErrorsNextToFields, forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
