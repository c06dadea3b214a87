"""API for agreements (read): agreements, their parties, signatures and versions.

Reads go through agreements.queries (drafts only for the council, as on the pages)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from interlocal.agreements.models import Agreement, AgreementStatus
from interlocal.agreements.queries import (
    agreements_visible_to,
    deadlines_of,
    get_agreement_for_user,
    parties_of,
    signatures_of,
    versions_of,
)
from interlocal.core.api import IdParam, LimitOffset, error_responses, request_user

__all__ = ["router"]

router = Router(tags=["agreements"])


class AgreementOut(Schema):
    """An interlocal agreement and its deadlines."""

    id: int = Field(..., description="The agreement's id.", examples=[1])
    consortium_id: int = Field(..., description="The consortium that owns it.")
    title: str = Field(..., description="Its title.")
    reference: str = Field(..., description="The consortium's reference.")
    status: str = Field(..., description="draft, circulated, in_force, expired or terminated.")
    version: int = Field(..., description="The current version (amendments add versions).")
    effective_date: dt.date | None = Field(..., description="When the current term began.")
    term_months: int = Field(..., description="Length of a term in months.")
    renewal: str = Field(..., description="automatic, vote or none.")
    notice_days: int = Field(..., description="Notice period in days.")
    renewal_date: dt.date | None = Field(..., description="Effective date plus the term.")
    notice_deadline: dt.date | None = Field(..., description="Renewal date minus the notice period.")
    allocation_rule: str = Field(..., description="Cost allocation rule.")
    governing_body: str = Field(..., description="The governing body.")
    service_ids: list[int] = Field(..., description="The services covered.")

    @staticmethod
    def resolve_renewal_date(obj: Agreement) -> dt.date | None:
        return deadlines_of(obj).renewal

    @staticmethod
    def resolve_notice_deadline(obj: Agreement) -> dt.date | None:
        return deadlines_of(obj).notice

    @staticmethod
    def resolve_service_ids(obj: Agreement) -> list[int]:
        return sorted(s.pk for s in obj.services.all())


class PartyOut(Schema):
    """A party to an agreement (a withdrawn party stays, with its withdrawal date)."""

    id: int
    member_id: int | None = Field(..., description="Empty: the consortium itself as provider.")
    role: str = Field(..., description="member or provider.")
    joined_on: dt.date | None
    withdrawn_on: dt.date | None
    signatory_ids: list[int] = Field(..., description="Ids of the people who may sign for it.")

    @staticmethod
    def resolve_signatory_ids(obj: Any) -> list[int]:
        return sorted(s.user_id for s in obj.signatories.all())


class SignatureOut(Schema):
    """One party's signature of one version."""

    id: int
    party_id: int
    version: int
    signed_by_id: int
    signed_at: dt.datetime
    method: str = Field(..., description="typed or pdf.")
    typed_name: str


class VersionOut(Schema):
    """The frozen terms of one version."""

    id: int
    number: int
    reason: str
    created_at: dt.datetime
    terms: dict[str, Any]


class AgreementFilter(Schema):
    status: AgreementStatus | None = Field(None, description="Only agreements in this status.")


@router.get(
    "/agreements",
    response={200: list[AgreementOut], **error_responses(401, 422)},
    operation_id="agreements_list",
    summary="List agreements",
)
@paginate(LimitOffset)
def agreements_list(request: HttpRequest, filters: Query[AgreementFilter]) -> object:
    """Agreements of the consortia you belong to (drafts only for the council)."""
    qs = agreements_visible_to(request_user(request)).prefetch_related("services")  # service ids per row
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("title", "pk")


@router.get(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **error_responses(401, 404, 422)},
    operation_id="agreements_get",
    summary="Get an agreement",
)
def agreements_get(request: HttpRequest, agreement_id: IdParam) -> Agreement:
    """One agreement; 404 if it is not yours to read."""
    return get_agreement_for_user(request_user(request), agreement_id)


@router.get(
    "/agreements/{agreement_id}/parties",
    response={200: list[PartyOut], **error_responses(401, 404, 422)},
    operation_id="agreements_parties",
    summary="An agreement's parties",
)
def agreements_parties(request: HttpRequest, agreement_id: IdParam) -> object:
    """Every party, withdrawn ones included."""
    return parties_of(get_agreement_for_user(request_user(request), agreement_id))


@router.get(
    "/agreements/{agreement_id}/signatures",
    response={200: list[SignatureOut], **error_responses(401, 404, 422)},
    operation_id="agreements_signatures",
    summary="An agreement's signatures",
)
def agreements_signatures(request: HttpRequest, agreement_id: IdParam) -> object:
    """Every signature of every version."""
    return list(signatures_of(get_agreement_for_user(request_user(request), agreement_id)))


@router.get(
    "/agreements/{agreement_id}/versions",
    response={200: list[VersionOut], **error_responses(401, 404, 422)},
    operation_id="agreements_versions",
    summary="An agreement's versions",
)
def agreements_versions(request: HttpRequest, agreement_id: IdParam) -> object:
    """The frozen terms of every version, oldest first."""
    return list(versions_of(get_agreement_for_user(request_user(request), agreement_id)))
