from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "openpmo.risks"
    label = "risks"
    verbose_name = "Risks"

    def ready(self) -> None:
        from openpmo.risks import permissions  # noqa: F401  (registers the rules)
