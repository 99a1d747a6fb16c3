from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "openpmo.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from openpmo.common.menu import MenuEntry, menu_entry_register
        from openpmo.delivery import permissions  # noqa: F401  (registers the rules)
        from openpmo.delivery.stored_schedules import schedule_stored
        from openpmo.delivery.views.programme import render_ahead
        from openpmo.portfolio.panels import WorkPackageLink, work_package_link_register

        # Listed on a work package's page, after its money.
        work_package_link_register(
            WorkPackageLink(
                label="Schedule and milestones", url_name="delivery:work-package-schedule", order=30
            )
        )
        # a stored schedule renders the Gantt page's first page ahead of its first view
        schedule_stored.connect(render_ahead, dispatch_uid="delivery.render_ahead")
        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(
                label="Schedule", url_name="delivery:home", order=70, prefixes=("/delivery/",)
            )
        )
