from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "openpmo.planning"
    label = "planning"
    verbose_name = "Portfolio planning"

    def ready(self) -> None:
        from openpmo.planning import (
            permissions,  # noqa: F401  (registers the rules)
            report_sections,  # noqa: F401  (the board pack's prioritisation)
        )
