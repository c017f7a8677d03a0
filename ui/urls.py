import uuid

from django.urls import path, register_converter

from ui import accounts, lists, password_reset, planning, views


class TaskIdConverter:
    """Task ids in the UI's URLs: 32 hex digits (every list row carries its id, so
    pages stay smaller); the dashed form is accepted too."""

    regex = "[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value) -> str:
        return uuid.UUID(str(value)).hex


register_converter(TaskIdConverter, "task_id")

urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/actions/", views.task_actions, name="task-actions"),
    path("tasks/<task_id:task_id>/", views.task_row, name="task-row"),
    path("tasks/<task_id:task_id>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<task_id:task_id>/undo/", views.task_undo, name="task-undo"),
    path("tasks/<task_id:task_id>/restore/", views.task_restore, name="task-restore"),
    path("tasks/<task_id:task_id>/purge/", views.task_delete_forever, name="task-purge"),
    path("tasks/<task_id:task_id>/plan/", planning.task_plan, name="task-plan"),
    path("tasks/<task_id:task_id>/steps/", planning.step_add, name="step-add"),
    path("tasks/<task_id:task_id>/steps/<uuid:step_id>/", planning.step_action, name="step"),
    path("tasks/<task_id:task_id>/reminders/", planning.reminder_add, name="reminder-add"),
    path(
        "tasks/<task_id:task_id>/reminders/<uuid:reminder_id>/remove/",
        planning.reminder_remove,
        name="reminder-remove",
    ),
    path("tasks/<task_id:task_id>/repeat/", planning.repeat_save, name="repeat"),
    path("tasks/<task_id:task_id>/keep-typed/", views.task_keep_typed, name="keep-typed"),
    path("calendar/", planning.calendar_feeds, name="calendar-feeds"),
    path("calendar/<uuid:feed_id>/revoke/", planning.calendar_feed_revoke, name="calendar-revoke"),
    path("trash/", views.trash, name="trash"),
    path("lists/", lists.list_index, name="list-index"),
    path("lists/<uuid:list_id>/", lists.list_update, name="list-update"),
    path("lists/<uuid:list_id>/delete/", lists.list_delete, name="list-delete"),
    path("lists/<uuid:list_id>/restore/", lists.list_restore, name="list-restore"),
    path("lists/<uuid:list_id>/share/", lists.list_share, name="list-share"),
    path("lists/<uuid:list_id>/leave-or-remove/", lists.member_remove, name="member-remove"),
    path("lists/<uuid:list_id>/transfer/", lists.list_transfer, name="list-transfer"),
    path("export/", views.export, name="export"),
    path("import/", views.import_tasks, name="import"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/tokens/", accounts.tokens, name="tokens"),
    path("accounts/settings/", accounts.account_settings, name="account-settings"),
    path("accounts/password-reset/", password_reset.reset_request, name="password-reset"),
    path("accounts/password-reset/sent/", password_reset.reset_sent, name="password-reset-sent"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        password_reset.reset_confirm,
        name="password-reset-confirm",
    ),
    path("accounts/reset/done/", password_reset.reset_complete, name="password-reset-complete"),
    path("accounts/tokens/<uuid:token_id>/revoke/", accounts.token_revoke, name="token-revoke"),
]
