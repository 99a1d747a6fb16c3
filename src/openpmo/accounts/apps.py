from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openpmo.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from openpmo.accounts import permissions  # noqa: F401  (registers the rules)
        from openpmo.accounts.lockouts import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="openpmo.accounts.lockout")
