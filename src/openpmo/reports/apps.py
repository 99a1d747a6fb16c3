from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openpmo.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from openpmo.common.menu import MenuEntry, menu_entry_register
        from openpmo.reports import permissions  # noqa: F401  (registers the rules)

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(label="Reports", url_name="reports:home", order=110, prefixes=("/reports/",))
        )
