from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "openpmo.benefits"
    label = "benefits"
    verbose_name = "Benefits"

    def ready(self) -> None:
        from openpmo.benefits import permissions  # noqa: F401  (registers the rules)
