"""Public reads for the site's front door: per consortium, what anyone may see of its procurement.

Everything here starts from `Solicitation.objects.public()` (published, never drafts) of active
consortia; nothing reads bids, members' demand or anything scoped to a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from interlocal.procurement.models import Solicitation, SolicitationDocument
from interlocal.procurement.models.planning import SolicitationQuerySet
from interlocal.tenancy.models import Consortium

__all__ = [
    "PER_CONSORTIUM",
    "PublicDocuments",
    "PublicSolicitations",
    "public_documents_by_consortium",
    "public_open_by_consortium",
    "public_awards_by_consortium",
]

# How many rows each section shows per consortium; the rest is one click away on the public list.
PER_CONSORTIUM = 5


@dataclass
class PublicSolicitations:
    """A consortium's first few public solicitations of one kind, and how many there are in all."""

    rows: list[Solicitation] = field(default_factory=list)
    total: int = 0


@dataclass
class PublicDocuments:
    """A consortium's newest public documents (of its public solicitations)."""

    rows: list[SolicitationDocument] = field(default_factory=list)


def _public() -> SolicitationQuerySet:
    return Solicitation.objects.public().filter(consortium__is_active=True)


def _grouped(qs: QuerySet[Solicitation], order: tuple[str, ...]) -> dict[Consortium, PublicSolicitations]:
    """The first PER_CONSORTIUM rows of `qs` per consortium (in `order`), and each consortium's count.

    Two queries whatever the number of consortia or rows: the counts, then the rows ranked within
    their consortium by a window function.
    """
    counts = dict(
        qs.order_by().values("consortium_id").annotate(n=Count("pk")).values_list("consortium_id", "n")
    )
    if not counts:
        return {}
    ordering = [F(o[1:]).desc() if o.startswith("-") else F(o).asc() for o in order]
    ranked = (
        qs.select_related("consortium")  # each row's consortium is the section's key and heading
        .annotate(rank=Window(RowNumber(), partition_by=[F("consortium_id")], order_by=ordering))
        .filter(rank__lte=PER_CONSORTIUM)
        .order_by("consortium_id", "rank")
    )
    out: dict[Consortium, PublicSolicitations] = {}
    for sol in ranked:
        bucket = out.setdefault(sol.consortium, PublicSolicitations(total=counts.get(sol.consortium_id, 0)))
        bucket.rows.append(sol)
    return out


def public_open_by_consortium(now: dt.datetime | None = None) -> dict[Consortium, PublicSolicitations]:
    """Per consortium: its solicitations open for bids, the nearest deadline first."""
    return _grouped(_public().open_for_bids(now or timezone.now()), ("submission_deadline", "pk"))


def public_awards_by_consortium() -> dict[Consortium, PublicSolicitations]:
    """Per consortium: its awarded solicitations, the newest award first."""
    qs = _public().filter(status=Solicitation.Status.AWARDED, award__isnull=False)
    return _grouped(qs.select_related("award"), ("-award__decided_at", "-pk"))


def public_documents_by_consortium(now: Any = None) -> dict[Consortium, PublicDocuments]:
    """Per consortium: the newest public documents of its solicitations still open for bids."""
    open_ids = _public().open_for_bids(now or timezone.now()).values("pk")
    docs = (
        SolicitationDocument.objects.filter(public=True, solicitation__in=open_ids)
        # the solicitation (link, title) and its consortium (the key) of each document
        .select_related("solicitation", "solicitation__consortium", "file")
        .order_by("-created_at", "-pk")
    )
    out: dict[Consortium, PublicDocuments] = {}
    for doc in docs[:200]:
        bucket = out.setdefault(doc.solicitation.consortium, PublicDocuments())
        if len(bucket.rows) < PER_CONSORTIUM:
            bucket.rows.append(doc)
    return out
