"""Install the standard workbook template: one section per standard service area, plus a general one."""

from django.db import migrations


def install(apps, schema_editor):
    from interlocal.assessment.default_template import install_standard_template

    install_standard_template(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_section_area"),
        ("taxonomy", "0002_standard_catalogue"),
    ]

    # Reversing leaves the rows: 0001's reversal drops the tables anyway.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
