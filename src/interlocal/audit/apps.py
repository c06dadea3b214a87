from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "interlocal.audit"
    label = "audit"
    verbose_name = "Audit trail"
