from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "interlocal.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from interlocal.audit.guard import register_sqlite_function

        # The SQLite triggers call this function; it must exist on every connection.
        connection_created.connect(register_sqlite_function, dispatch_uid="interlocal_audit_sqlite_function")
