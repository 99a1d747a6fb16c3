from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openpmo.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from openpmo.reports import permissions  # noqa: F401  (registers the rules)
