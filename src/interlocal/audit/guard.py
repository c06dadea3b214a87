"""Database-level protection of the audit trail: triggers refuse UPDATE and DELETE.

The application never changes an event (AuditEvent.save/delete refuse), but a stray script,
a shell session or an ORM bulk path could. The triggers installed by migration 0002 make the
database itself refuse, on PostgreSQL and SQLite alike.

Two operator paths must empty the table: `interlocal flush` (also used by the test runner) and
`interlocal restore`. They run inside `append_only_lifted()`, which sets a per-connection flag
the triggers read: a PostgreSQL session setting, or on SQLite a SQL function registered on each
connection (a connection without it, such as the sqlite3 shell, cannot change the table at all).
Anyone with the rights to drop a trigger can still tamper; `interlocal audit verify` detects that.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

__all__ = [
    "PG_SETTING",
    "SQLITE_FUNCTION",
    "append_only_lifted",
    "install_sql",
    "register_sqlite_function",
    "uninstall_sql",
]

TABLE = "audit_auditevent"
PG_SETTING = "interlocal.audit_maintenance"
SQLITE_FUNCTION = "interlocal_audit_unlocked"
MESSAGE = "audit events are append-only"

_PG_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('{PG_SETTING}', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
    # TRUNCATE fires no row triggers, so it gets a statement trigger of its own.
    f"""
    CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
    """,
]
_PG_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]
_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT {SQLITE_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT {SQLITE_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END
    """,
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


def install_sql(vendor: str) -> list[str]:
    """The statements that install the triggers on this database vendor ([] if unsupported)."""
    return {"postgresql": _PG_INSTALL, "sqlite": _SQLITE_INSTALL}.get(vendor, [])


def uninstall_sql(vendor: str) -> list[str]:
    """The statements that remove the triggers again."""
    return {"postgresql": _PG_UNINSTALL, "sqlite": _SQLITE_UNINSTALL}.get(vendor, [])


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: give each SQLite connection the flag function the triggers call."""
    if connection.vendor != "sqlite":
        return
    wrapper = connection
    connection.connection.create_function(
        SQLITE_FUNCTION, 0, lambda: int(getattr(wrapper, "audit_append_only_lifted", False))
    )


@contextmanager
def append_only_lifted(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let this connection delete (or change) audit rows for the duration: flush and restore only."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [PG_SETTING])
        try:
            yield
        finally:
            # A failed transaction must be over before the setting can be reset.
            if not connection.in_atomic_block or not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, '', false)", [PG_SETTING])
    else:
        connection.audit_append_only_lifted = True  # type: ignore[attr-defined]
        try:
            yield
        finally:
            connection.audit_append_only_lifted = False  # type: ignore[attr-defined]
