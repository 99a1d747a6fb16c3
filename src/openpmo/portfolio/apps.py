from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "openpmo.portfolio"
    label = "portfolio"
    verbose_name = "Programme register"

    def ready(self) -> None:
        from openpmo.portfolio import permissions  # noqa: F401  (registers the rules)
