from django.apps import AppConfig


class GatesConfig(AppConfig):
    name = "openpmo.gates"
    label = "gates"
    verbose_name = "Stage gates"

    def ready(self) -> None:
        from openpmo.gates import permissions  # noqa: F401  (registers the rules)
