"""Forms of the plan page (a task's checklist, reminders, repeat rule), quick add's
switch and the calendar feeds page. Each returns domain values; the services check
again and their errors come back next to the fields (add_service_errors)."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from taskapp.planning.models import (
    RECURRENCE_INTERVAL_MAX,
    SUBTASK_TITLE_MAX,
    Frequency,
    ReminderKind,
)
from taskapp.planning.rules import WEEKDAY_NAMES
from ui.forms import ErrorsNextToFields

# Labels in the rules' order (Monday first): the keys come from the rules module,
# so the two can never disagree.
_WEEKDAY_LABELS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
WEEKDAY_CHOICES = list(zip(WEEKDAY_NAMES, _WEEKDAY_LABELS, strict=True))


class StepForm(ErrorsNextToFields, forms.Form):
    title = forms.CharField(label=_("New step"), max_length=SUBTASK_TITLE_MAX)


class ReminderForm(ErrorsNextToFields, forms.Form):
    kind = forms.ChoiceField(label=_("Remind me"), choices=ReminderKind.choices)
    at = forms.DateTimeField(
        label=_("At (for “At a time”)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, prefix="reminder", **kwargs)
        self.zone = zone

    def clean_at(self):
        at: datetime | None = self.cleaned_data["at"]
        # The browser sends wall time: it is the user's zone's.
        return at.replace(tzinfo=self.zone) if at is not None and self.zone else at

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ReminderKind.AT and not cleaned.get("at"):
            self.add_error("at", _("Give the date and time to be reminded at."))
        return cleaned


class RepeatForm(ErrorsNextToFields, forms.Form):
    interval = forms.IntegerField(
        label=_("Every"), min_value=1, max_value=RECURRENCE_INTERVAL_MAX, initial=1
    )
    frequency = forms.ChoiceField(label=_("Unit"), choices=Frequency.choices)
    weekdays = forms.MultipleChoiceField(
        label=_("On (weekly)"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    last_day = forms.BooleanField(label=_("On the last day of the month"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="repeat", **kwargs)


class FeedForm(ErrorsNextToFields, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where you will use it, e.g. “Phone calendar”."),
    )
