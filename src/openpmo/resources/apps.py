from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "openpmo.resources"
    label = "resources"
    verbose_name = "Resources and capacity"

    def ready(self) -> None:
        from openpmo.resources import (
            permissions,  # noqa: F401  (registers the rules)
            report_sections,  # noqa: F401  (capacity and team sections)
        )
