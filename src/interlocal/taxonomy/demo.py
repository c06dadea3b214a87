"""Demo data for the taxonomy: a few terms waiting in Capitol Region's review queue, one mapped.

The standard catalogue itself comes from migration 0002 (loaded again here in case the demo
database was flushed). Idempotent: terms already in the queue are left as they are.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from interlocal.taxonomy.actions import do_map_term, do_resolve_term
from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.taxonomy.matching import normalize
from interlocal.taxonomy.models import ServiceArea, UnmatchedTerm
from interlocal.tenancy.models import Consortium

__all__ = ["ORDER", "load"]

ORDER = 10  # after tenancy (0), before the apps that match terms (assessment, costing: 40)

CAPITOL = "capitol-region"
# (term as members typed it, where it came from, how many times) — what imports left behind.
QUEUED = [
    ("Snow plowing", "assessment.import", 4),
    ("Cemetery plots & burials", "assessment.form", 2),
    ("Laserfish vault scanning", "costing.upload", 3),
    ("Munis payroll", "assessment.import", 2),
    ("Tyler Technologies", "costing.upload", 1),
    ("Office 365 licences", "costing.upload", 2),
    ("Senior center van", "assessment.form", 1),
    ("N/A", "assessment.import", 5),
]
# Terms staff already mapped: (term, area code).
MAPPED = [("Town clerk vault", "edms-records")]


@transaction.atomic
def load(stdout: Any = None) -> list[Any]:
    load_standard_catalogue()
    consortium = Consortium.objects.filter(slug=CAPITOL).first()
    if consortium is None:
        return []
    added = 0
    for text, source, times in QUEUED + [(t, "assessment.import", 1) for t, _code in MAPPED]:
        if UnmatchedTerm.objects.filter(consortium=consortium, normalized=normalize(text)).exists():
            continue
        for _ in range(times):
            do_resolve_term(consortium, text, source=source)
        added += 1
    for text, code in MAPPED:
        term = UnmatchedTerm.objects.filter(
            consortium=consortium, normalized=normalize(text), status=UnmatchedTerm.Status.PENDING
        ).first()
        if term is not None:
            do_map_term(term, area=ServiceArea.objects.get(consortium=None, code=code), actor=None)
    if stdout is not None:
        stdout.write(f"  taxonomy: {added} terms queued for review in {consortium.name}")
    return []
