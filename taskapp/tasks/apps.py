from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "taskapp.tasks"
    label = "tasks"
    verbose_name = "Tasks"
