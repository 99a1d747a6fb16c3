from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "openpmo.exchange"
    label = "exchange"
    verbose_name = "Registers in and out of Excel"

    def ready(self) -> None:
        from openpmo.exchange import permissions  # noqa: F401  (registers the rules)
