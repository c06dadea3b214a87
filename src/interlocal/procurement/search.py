"""Procurement's part of the global search: demand rounds, solicitations, contracts, vendors and documents.

Documents are found through the thing they are filed with: a solicitation's or a contract's
document appears only when the person may read both that solicitation or contract (drafts stay
the council's) and the file itself (`StoredFile.objects.visible_to`, the rule of the download).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from interlocal.core.models import StoredFile
from interlocal.core.search import SearchProvider, register_search
from interlocal.procurement.models import (
    Contract,
    ContractDocument,
    DemandRound,
    Solicitation,
    SolicitationDocument,
    Vendor,
)

__all__ = ["register"]


def _administered(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    # Vendors' own people find their company on the vendor pages; search is the council's list.
    return qs.administered_by(user)  # type: ignore[attr-defined, no-any-return]


def _solicitation_documents(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    return qs.filter(
        solicitation__in=Solicitation.objects.visible_to(user),
        file__in=StoredFile.objects.visible_to(user),
    )


def _contract_documents(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    return qs.filter(
        contract__in=Contract.objects.visible_to(user),
        file__in=StoredFile.objects.visible_to(user),
    )


def _file_url(document: Any) -> str:
    return reverse("file_download", args=[document.file_id])


def register() -> None:
    register_search(
        SearchProvider(
            kind="demand_rounds",
            label=_("Demand rounds"),
            model=DemandRound,
            fields=(("title", "A"), ("description", "B")),
            url=lambda r: reverse("procurement:round_detail", args=[r.pk]),
            detail=lambda r: f"{r.get_status_display()} · {r.consortium.name}",
            select_related=("consortium",),
            order=40,
        )
    )
    register_search(
        SearchProvider(
            kind="solicitations",
            label=_("Solicitations"),
            model=Solicitation,
            fields=(("title", "A"), ("reference_number", "A"), ("description", "B")),
            url=lambda s: reverse("procurement:solicitation_detail", args=[s.pk]),
            detail=lambda s: f"{s.reference_number} · {s.get_status_display()} · {s.consortium.name}",
            select_related=("consortium",),
            order=41,
        )
    )
    register_search(
        SearchProvider(
            kind="contracts",
            label=_("Contracts"),
            model=Contract,
            fields=(("title", "A"), ("reference", "A"), ("vendor__name", "B"), ("member__name", "C")),
            url=lambda c: reverse("procurement:contract_detail", args=[c.pk]),
            detail=lambda c: f"{c.reference} · {c.get_kind_display()} · {c.get_status_display()}",
            order=42,
        )
    )
    register_search(
        SearchProvider(
            kind="vendors",
            label=_("Vendors"),
            model=Vendor,
            fields=(("name", "A"), ("legal_id", "B"), ("email", "C")),
            url=lambda v: reverse("procurement:vendor_status", args=[v.pk]),
            detail=lambda v: str(v.get_status_display()),
            refine=_administered,
            order=43,
        )
    )
    register_search(
        SearchProvider(
            kind="solicitation_documents",
            label=_("Solicitation documents"),
            model=SolicitationDocument,
            fields=(("title", "A"), ("file__original_name", "B"), ("solicitation__title", "C")),
            url=_file_url,
            detail=lambda d: (
                _("Solicitation %(ref)s: %(title)s")
                % {"ref": d.solicitation.reference_number, "title": d.solicitation.title}
            ),
            refine=_solicitation_documents,
            order=70,
        )
    )
    register_search(
        SearchProvider(
            kind="contract_documents",
            label=_("Contract documents"),
            model=ContractDocument,
            fields=(("title", "A"), ("file__original_name", "B"), ("contract__title", "C")),
            url=_file_url,
            detail=lambda d: (
                _("Contract %(ref)s: %(title)s") % {"ref": d.contract.reference, "title": d.contract.title}
            ),
            refine=_contract_documents,
            select_related=("contract",),
            order=71,
        )
    )
