"""Keyed hashes: each event stores the id of the HMAC key it was hashed with; the unkeyed chain
of earlier releases is checked, then rehashed with INTERLOCAL_AUDIT_KEY (audit/rekeying.py).

Adding a column makes SQLite rebuild the table, which drops its triggers: they are installed again.
"""

from django.db import migrations, models

from interlocal.audit.guard import append_only_lifted, install_sql, uninstall_sql


def rekey(apps, schema_editor):
    from interlocal.audit.keys import current_key
    from interlocal.audit.rekeying import rekey_legacy_chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    connection = schema_editor.connection
    if not AuditEvent._base_manager.using(connection.alias).exists():
        return
    _kid, key = current_key()
    with append_only_lifted(connection.alias):
        rekey_legacy_chain(AuditEvent, AuditHead, connection, key)


def refuse_to_unkey(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if AuditEvent._base_manager.using(schema_editor.connection.alias).exists():
        raise RuntimeError(
            "audit/0003 cannot be undone on a trail with events: their unkeyed hashes are gone, and "
            "the earlier release would report every event as changed."
        )


def reinstall_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor != "sqlite":
        return
    for statement in uninstall_sql(vendor) + install_sql(vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        # Backwards this runs last, after RemoveField has rebuilt the SQLite table once more.
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers),
        # Irreversible in substance: the unkeyed hashes are gone (the old head is logged).
        migrations.RunPython(rekey, refuse_to_unkey),
    ]
