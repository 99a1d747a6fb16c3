from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "openpmo.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        from openpmo.finance import permissions  # noqa: F401  (registers the rules)
