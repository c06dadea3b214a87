from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _record_access_denied(sender: Any, *, user: Any, lookup: Any, write: bool, **_kwargs: Any) -> None:
    from interlocal.audit.recorder import record_denied

    record_denied(user, sender, lookup, write=write)


def _is_consortium_admin(request: Any) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.is_consortium_admin


class AuditConfig(AppConfig):
    name = "interlocal.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.core import checks

        from interlocal.audit.guard import register_sqlite_function
        from interlocal.audit.keys import check_audit_key
        from interlocal.core.registry import NavItem, register_nav
        from interlocal.tenancy.scoping import access_denied

        checks.register(check_audit_key, checks.Tags.security)
        # The SQLite triggers call this function; it must exist on every connection.
        connection_created.connect(register_sqlite_function, dispatch_uid="interlocal_audit_sqlite_function")
        # Tenancy refuses objects; the audit trail records each refusal of an existing one.
        access_denied.connect(_record_access_denied, dispatch_uid="interlocal_audit_access_denied")
        register_nav(NavItem("audit:event_list", _("Audit trail"), order=90, visible=_is_consortium_admin))
