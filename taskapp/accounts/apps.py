from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "taskapp.accounts"
    label = "accounts"
    verbose_name = "Accounts"
