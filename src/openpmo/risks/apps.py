from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "openpmo.risks"
    label = "risks"
    verbose_name = "Risks"

    def ready(self) -> None:
        from openpmo.portfolio.panels import WorkPackageLink, work_package_link_register
        from openpmo.risks import permissions  # noqa: F401  (registers the rules)

        # Listed on a work package's page, after its schedule.
        work_package_link_register(
            WorkPackageLink(
                label="Risks, issues and assumptions", url_name="risks:work-package", order=40
            )
        )
        from openpmo.common.menu import MenuEntry, menu_entry_register

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(label="Risks", url_name="risks:home", order=90, prefixes=("/risks/",))
        )
