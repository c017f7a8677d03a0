"""The admin for the plan of tasks: reminders (whether and when each was sent),
steps, repeat rules and calendar feeds. Read-only: people change them through the
UI and the API (taskapp.planning.services); staff may delete a row, and revoke a
calendar feed. A feed's hash is never shown."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from taskapp.planning.models import CalendarFeed, Recurrence, Reminder, Subtask


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SentFilter(admin.SimpleListFilter):
    title = _("sent")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Sent")),
            ("pending", _("Not yet")),
            ("held", _("Claimed, not confirmed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(claimed_at__isnull=True)
        if self.value() == "held":
            return queryset.filter(claimed_at__isnull=False, sent_at__isnull=True)
        return queryset


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("task", "owner", "kind", "remind_at", "claimed_at", "sent_at")
    list_filter = (SentFilter, "kind")
    list_select_related = ("task", "owner")
    search_fields = ("task__title", "owner__username")
    ordering = ("-remind_at",)


@admin.register(Subtask)
class SubtaskAdmin(ReadOnlyAdmin):
    list_display = ("title", "task", "done", "position")
    list_filter = ("done",)
    list_select_related = ("task",)
    search_fields = ("title", "task__title")


@admin.register(Recurrence)
class RecurrenceAdmin(ReadOnlyAdmin):
    list_display = ("task", "frequency", "interval", "weekdays", "last_day")
    list_filter = ("frequency",)
    list_select_related = ("task",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("name", "user__username")
    exclude = ("token_hash",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected calendar feeds"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("Revoked %(count)d feed.", "Revoked %(count)d feeds.", count)
            % {"count": count},
        )
