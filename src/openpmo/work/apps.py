from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "openpmo.work"
    label = "work"
    verbose_name = "My work and notifications"
