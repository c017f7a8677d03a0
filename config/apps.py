from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's plumbing as an app: its error page templates and the
    ``wait_for_database`` command (no models)."""

    name = "config"
    verbose_name = "Taskapp plumbing"
