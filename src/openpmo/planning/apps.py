from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "openpmo.planning"
    label = "planning"
    verbose_name = "Portfolio planning"

    def ready(self) -> None:
        from openpmo.common.menu import MenuEntry, menu_entry_register
        from openpmo.planning import (
            permissions,  # noqa: F401  (registers the rules)
            report_sections,  # noqa: F401  (the board pack's prioritisation)
        )

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(
                label="Planning", url_name="planning:home", order=100, prefixes=("/planning/",)
            )
        )
