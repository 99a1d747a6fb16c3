from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "openpmo.resources"
    label = "resources"
    verbose_name = "Resources and capacity"

    def ready(self) -> None:
        from openpmo.common.menu import MenuEntry, menu_entry_register
        from openpmo.resources import (
            permissions,  # noqa: F401  (registers the rules)
            report_sections,  # noqa: F401  (capacity and team sections)
        )

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(
                label="Resources", url_name="resources:home", order=80, prefixes=("/resources/",)
            )
        )
