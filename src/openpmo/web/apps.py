from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openpmo.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from openpmo.common.menu import MenuEntry, menu_entry_register

        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(label="Dashboard", url_name="web:home", order=10, prefixes=("/programmes/",))
        )
