from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openpmo.web"
    label = "web"
    verbose_name = "Web"
