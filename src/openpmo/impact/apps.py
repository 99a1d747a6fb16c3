from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "openpmo.impact"
    label = "impact"
    verbose_name = "Cross-domain impact"
