"""The global search's PostgreSQL index: the members search filters by the expression that
core/migrations/0002 indexes (a change of the provider's fields needs a new index)."""

from __future__ import annotations

import pytest
from django.db import connection

from interlocal.core.search import backend, provider_for
from interlocal.tenancy.models import ConsortiumMember, Member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,  # GIN indexes are PostgreSQL's; deselected on SQLite (tests/conftest.py)
]


def test_the_members_search_uses_the_gin_index(world):
    Member.objects.bulk_create(Member(name=f"Hamlet {i}", slug=f"hamlet-{i}") for i in range(300))
    ConsortiumMember.objects.bulk_create(
        ConsortiumMember(consortium=world.capitol, member=m)
        for m in Member.objects.filter(name__startswith="Hamlet")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tenancy_member")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test-sized table would be read whole
        # The expression the backend filters by, without the scope (whose join order depends on
        # the table sizes): it must be the indexed one.
        provider = provider_for("members")
        plan = backend._postgres(provider, Member.objects.all(), backend.parse("hamlet 17"))[:5].explain()
    assert "core_search_member" in plan, plan
