from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "openpmo.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from openpmo.delivery import permissions  # noqa: F401  (registers the rules)
        from openpmo.delivery.stored_schedules import schedule_stored
        from openpmo.delivery.views.programme import render_ahead

        # a stored schedule renders the Gantt page's first page ahead of its first view
        schedule_stored.connect(render_ahead, dispatch_uid="delivery.render_ahead")
