from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "taskapp.planning"
    label = "planning"
    verbose_name = "Planning"
