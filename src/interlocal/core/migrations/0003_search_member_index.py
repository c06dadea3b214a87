"""A GIN index for the global search over members, on PostgreSQL only.

Members are the one table searched that reaches tens of thousands of rows in one consortium; the
index is on exactly the expression the search backend filters by (`backend.search_vector` of the
members provider's fields), which took a 20,000-member search from 250 ms to under 1 ms
(docs/benchmarks.md). tests/core/test_search_postgres.py checks that PostgreSQL still uses it, so a
change of the provider's fields without a new index fails there. SQLite has no GIN: nothing to do.
"""

from django.db import migrations

INDEX_NAME = "core_search_member"
# The members provider's fields when this index was made (core/search/members.py).
MEMBER_FIELDS = (("name", "A"), ("census_code", "C"), ("region", "D"))


def _index():
    from django.contrib.postgres.indexes import GinIndex

    from interlocal.core.search.backend import search_vector

    return GinIndex(search_vector(MEMBER_FIELDS), name=INDEX_NAME)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("tenancy", "Member"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("tenancy", "Member"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_notification_notificationpreference"),
        ("tenancy", "0002_member_kind_specialized"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
