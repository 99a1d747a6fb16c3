from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "openpmo.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        from openpmo.finance import permissions  # noqa: F401  (registers the rules)
        from openpmo.finance.selectors import work_package_money
        from openpmo.portfolio.panels import (
            WorkPackageLink,
            WorkPackagePanel,
            work_package_link_register,
            work_package_panel_register,
        )

        # A work package's page warns when more was spent than released from the reserve.
        work_package_panel_register(
            WorkPackagePanel(
                key="finance.money",
                template="finance/_work_package_panel.html",
                context=lambda work_package: {"money": work_package_money(work_package).money},
            )
        )
        # Listed on a work package's page, after its gates.
        work_package_link_register(
            WorkPackageLink(
                label="Money: budget, released, spend, forecast",
                url_name="finance:work-package",
                order=20,
            )
        )
        from openpmo.common.menu import MenuEntry, menu_entry_register

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(label="Finance", url_name="finance:home", order=50, prefixes=("/finance/",))
        )
