"""Database triggers that refuse UPDATE and DELETE on audit events, and the chain head row.

SQLite rebuilds a table (dropping its triggers) when a later migration alters it: such a
migration must run guard.install_sql again after the change.
"""

from django.db import migrations

from interlocal.audit.chain import GENESIS
from interlocal.audit.guard import install_sql, uninstall_sql


def install(apps, schema_editor):
    for statement in install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for statement in uninstall_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def create_head(apps, schema_editor):
    # The head row exists from the start, so concurrent first writers lock the same row.
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"last_seq": 0, "last_hash": GENESIS}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
