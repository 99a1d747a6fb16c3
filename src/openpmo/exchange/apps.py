from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "openpmo.exchange"
    label = "exchange"
    verbose_name = "Registers in and out of Excel"
