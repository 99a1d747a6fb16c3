from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openpmo.audit"
    label = "audit"
    verbose_name = "Audit"
