from django.urls import path

from ui import accounts, views

urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/actions/", views.task_actions, name="task-actions"),
    path("tasks/<uuid:task_id>/", views.task_row, name="task-row"),
    path("tasks/<uuid:task_id>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<uuid:task_id>/undo/", views.task_undo, name="task-undo"),
    path("tasks/<uuid:task_id>/restore/", views.task_restore, name="task-restore"),
    path("tasks/<uuid:task_id>/purge/", views.task_delete_forever, name="task-purge"),
    path("trash/", views.trash, name="trash"),
    path("export/", views.export, name="export"),
    path("import/", views.import_tasks, name="import"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/tokens/", accounts.tokens, name="tokens"),
    path("accounts/tokens/<uuid:token_id>/revoke/", accounts.token_revoke, name="token-revoke"),
]
