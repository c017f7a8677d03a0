"""The admin for tasks: staff see every user's tasks.

Actions go through taskapp.tasks.services (not queryset.update) so that
completed_at, the version and the tag rows stay right, as for any other write.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from taskapp.tasks import services
from taskapp.tasks.fields import TASK_FIELDS
from taskapp.tasks.models import ListMember, Status, Task, TaskList
from taskapp.tasks.validators import clean_task_fields

# The declared editable fields, but the tags and the list: they are shown, not
# edited here (no widget for a list of labels; moving a task changes its owner).
EDITED_HERE = tuple(
    field.column for field in TASK_FIELDS if field.editable and field.name not in ("tags", "list")
)
STALE_MESSAGE = _(
    "This task was changed elsewhere; nothing was saved. Reload to see the latest version."
)


class InTrashFilter(admin.SimpleListFilter):
    title = _("in trash")
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.trashed()
        if self.value() == "no":
            return queryset.active()
        return queryset


class DueFilter(admin.SimpleListFilter):
    """Due date by what matters: overdue, today, later, none."""

    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("today", _("Today")),
            ("later", _("Later")),
            ("none", _("No due date")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "today":
            return queryset.filter(due_date=today)
        if value == "later":
            return queryset.filter(due_date__gt=today)
        if value == "none":
            return queryset.filter(due_date__isnull=True)
        return queryset


class TaskAdminForm(forms.ModelForm):
    """Validates the editable fields with the same rules as the API and the UI.

    ``seen_version`` carries the version the editor loaded, so a save over someone
    else's later change is refused instead of silently overwriting it.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = EDITED_HERE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        raw = {name: data[name] for name in self.Meta.fields if name in data}
        try:
            data.update(clean_task_fields(raw))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        return data


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    form = TaskAdminForm
    list_display = (
        "title",
        "owner",
        "task_list",
        "status",
        "priority",
        "due_date",
        "tags",
        "in_trash",
    )
    list_select_related = ("owner", "task_list")
    list_filter = (
        "status",
        "priority",
        ("owner", admin.RelatedOnlyFieldListFilter),
        DueFilter,
        InTrashFilter,
    )
    search_fields = ("title", "description", "owner__username")
    date_hierarchy = "created_at"
    # Every declared field, then the version: what the task looks like, one place.
    fields = (
        "id",
        "owner",
        *(
            "task_list" if field.name == "list" else field.column
            for field in TASK_FIELDS
            if field.name != "id"
        ),
        "version",
    )
    readonly_fields = tuple(name for name in fields if name not in (*EDITED_HERE, "owner"))
    raw_id_fields = ("owner",)
    actions = ("mark_done", "restore_from_trash")
    list_per_page = 50

    @admin.display(description=_("tags"))
    def tags(self, task):
        return ", ".join(task.tag_names)

    @admin.display(description=_("in trash"), boolean=True)
    def in_trash(self, task):
        return task.in_trash

    def get_readonly_fields(self, request, obj=None):
        # The owner is fixed once a task exists; tasks are created by their owners.
        return (*self.readonly_fields, "owner") if obj is not None else self.readonly_fields

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, like every other write: validation, completed_at,
        # the version bump. ``obj`` already holds the form's values, so the
        # change is applied to a fresh copy of the stored task.
        stored = Task.objects.get(pk=obj.pk)
        try:
            services.task_update(
                task=stored,
                # A form is an edit of what was seen: pinned to the version the
                # form showed, or at least to the one just read (never retried).
                expected_version=form.cleaned_data.get("seen_version") or stored.version,
                **{
                    name: form.cleaned_data[name]
                    for name in form.changed_data
                    if name != "seen_version"
                },
            )
        except services.StaleVersion:
            # Changed by someone else between loading and saving: nothing is
            # written; say so instead of "changed successfully" (response_change).
            request._task_stale = True
            self.message_user(request, STALE_MESSAGE, messages.ERROR)

    def log_change(self, request, obj, message):
        if not getattr(request, "_task_stale", False):  # nothing changed: nothing to log
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if getattr(request, "_task_stale", False):
            return HttpResponseRedirect(request.get_full_path())  # the form, fresh
        return super().response_change(request, obj)

    @admin.action(description=_("Mark selected tasks as done"), permissions=["change"])
    def mark_done(self, request, queryset):
        changed = 0
        for task in queryset.active().filter(status=Status.OPEN):
            try:
                services.task_set_status(task=task, status=Status.DONE)
            except services.StaleVersion:
                continue
            changed += 1
        self._report(
            request,
            changed,
            ngettext("%(count)d task marked as done.", "%(count)d tasks marked as done.", changed),
        )

    @admin.action(description=_("Restore selected tasks from the trash"), permissions=["change"])
    def restore_from_trash(self, request, queryset):
        changed = 0
        for task in queryset.trashed():
            try:
                services.task_restore(task=task)
            except services.StaleVersion:
                continue
            changed += 1
        self._report(
            request,
            changed,
            ngettext("%(count)d task restored.", "%(count)d tasks restored.", changed),
        )

    def _report(self, request, count, message):
        level = messages.SUCCESS if count else messages.WARNING
        self.message_user(request, message % {"count": count}, level)


class ListMemberInline(admin.TabularInline):
    model = ListMember
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(TaskList)
class TaskListAdmin(admin.ModelAdmin):
    """Lists with their members (who shares which list, with what role)."""

    list_display = ("name", "owner", "colour", "is_inbox", "archived_at", "deleted_at")
    list_select_related = ("owner",)
    list_filter = ("is_inbox", ("owner", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("id", "is_inbox", "created_at")
    inlines = (ListMemberInline,)
