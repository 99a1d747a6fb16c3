from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "openpmo.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from openpmo.delivery import permissions  # noqa: F401  (registers the rules)
