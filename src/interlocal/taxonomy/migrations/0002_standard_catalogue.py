"""Seed the standard catalogue of service areas and their synonyms."""

from django.db import migrations


def seed(apps, schema_editor):
    from interlocal.taxonomy.loader import load_standard_catalogue

    load_standard_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    # Reversing leaves the rows: 0001's reversal drops the tables anyway.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
