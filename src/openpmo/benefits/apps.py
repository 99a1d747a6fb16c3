from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "openpmo.benefits"
    label = "benefits"
    verbose_name = "Benefits"

    def ready(self) -> None:
        from openpmo.benefits import permissions  # noqa: F401  (registers the rules)
        from openpmo.common.menu import MenuEntry, menu_entry_register

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(
                label="Benefits", url_name="benefits:home", order=60, prefixes=("/benefits/",)
            )
        )
