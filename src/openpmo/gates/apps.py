from django.apps import AppConfig


class GatesConfig(AppConfig):
    name = "openpmo.gates"
    label = "gates"
    verbose_name = "Stage gates"

    def ready(self) -> None:
        from openpmo.gates import permissions  # noqa: F401  (registers the rules)
        from openpmo.portfolio.panels import WorkPackageLink, work_package_link_register

        # Listed on a work package's page, first.
        work_package_link_register(
            WorkPackageLink(
                label="Gates and business cases", url_name="gates:work-package", order=10
            )
        )
        from openpmo.common.menu import MenuEntry, menu_entry_register

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(label="Gates", url_name="gates:home", order=40, prefixes=("/gates/",))
        )
