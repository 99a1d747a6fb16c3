from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "openpmo.portfolio"
    label = "portfolio"
    verbose_name = "Programme register"

    def ready(self) -> None:
        from openpmo.common.menu import MenuEntry, menu_entry_register
        from openpmo.portfolio import permissions  # noqa: F401  (registers the rules)

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(
                label="Pillars",
                url_name="portfolio:pillar-list",
                order=20,
                prefixes=("/pillars/", "/strands/"),
            )
        )
        menu_entry_register(
            MenuEntry(
                label="Work packages",
                url_name="portfolio:work-package-list",
                order=30,
                prefixes=("/work-packages/",),
            )
        )
