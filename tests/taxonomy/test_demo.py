"""The taxonomy demo: terms waiting in Capitol Region's queue, one mapped; harmless to run twice."""

from __future__ import annotations

import io

from interlocal.taxonomy import demo
from interlocal.taxonomy.models import Synonym, UnmatchedTerm
from interlocal.taxonomy.queries import match_term, queue_count
from interlocal.tenancy import demo as tenancy_demo
from interlocal.tenancy.models import Consortium


def test_demo_queues_terms_for_capitol_region_and_is_idempotent(db):
    tenancy_demo.load(stdout=io.StringIO())
    out = io.StringIO()
    demo.load(stdout=out)
    capitol = Consortium.objects.get(slug=demo.CAPITOL)
    assert queue_count(capitol) >= 5
    assert "terms queued for review" in out.getvalue()
    assert UnmatchedTerm.objects.get(consortium=capitol, normalized="snow plowing").occurrences == 4
    assert match_term(capitol, "Town clerk vault").area.code == "edms-records"
    before = (
        list(UnmatchedTerm.objects.order_by("pk").values_list("text", "occurrences", "status")),
        Synonym.objects.count(),
    )
    demo.load(stdout=io.StringIO())
    after = (
        list(UnmatchedTerm.objects.order_by("pk").values_list("text", "occurrences", "status")),
        Synonym.objects.count(),
    )
    assert after == before
    assert not UnmatchedTerm.objects.exclude(consortium=capitol).exists()
