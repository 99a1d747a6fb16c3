from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openpmo.accounts"
    label = "accounts"
    verbose_name = "Accounts"
