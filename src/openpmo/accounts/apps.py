from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openpmo.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from openpmo.accounts import permissions  # noqa: F401  (registers the rules)
