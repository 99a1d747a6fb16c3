from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "openpmo.work"
    label = "work"
    verbose_name = "My work and notifications"

    def ready(self) -> None:
        from openpmo.work import permissions  # noqa: F401  (registers the rules)
        from openpmo.work.notifications import listen

        listen()  # what each notice the domains raise tells whom
