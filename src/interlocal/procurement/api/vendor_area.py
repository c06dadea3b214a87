"""API operations of procurement: the vendor's own bids, awards and contracts (vendor tokens)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from interlocal.core.api import LimitOffset, error_responses, request_user
from interlocal.procurement.api.schemas.vendor_area import (
    VendorAwardFilter,
    VendorAwardOut,
    VendorBidFilter,
    VendorBidOut,
    VendorContractFilter,
    VendorContractOut,
)
from interlocal.procurement.queries import vendor_award_lines, vendor_bids, vendor_contracts, vendor_of

__all__ = [
    "procurement_vendor_awards_list",
    "procurement_vendor_bids_list",
    "procurement_vendor_contracts_list",
    "router",
]

router = Router(tags=["procurement"])


def _vendor_user(request: HttpRequest) -> object:
    user = request_user(request)
    if vendor_of(user) is None:
        raise PermissionDenied(
            "This operation is for people of an active vendor company (use a vendor's token)."
        )
    return user


@router.get(
    "/procurement/vendor/bids",
    response={200: list[VendorBidOut], **error_responses(401, 403, 422)},
    operation_id="procurement_vendor_bids_list",
    summary="List your company's bids and what became of them",
)
@paginate(LimitOffset)
def procurement_vendor_bids_list(request: HttpRequest, filters: Query[VendorBidFilter]) -> object:
    """Every bid of the vendor companies you act for, newest first, with its outcome (sealed,
    opened, awarded, lost, withdrawn, replaced, cancelled); totals only once opened."""
    qs = vendor_bids(_vendor_user(request))
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.q:
        qs = qs.filter(
            Q(receipt__icontains=filters.q)
            | Q(solicitation__title__icontains=filters.q)
            | Q(solicitation__reference_number__icontains=filters.q)
        )
    return qs.order_by("-submitted_at", "-pk")


@router.get(
    "/procurement/vendor/awards",
    response={200: list[VendorAwardOut], **error_responses(401, 403, 422)},
    operation_id="procurement_vendor_awards_list",
    summary="List the items awarded to your company",
)
@paginate(LimitOffset)
def procurement_vendor_awards_list(request: HttpRequest, filters: Query[VendorAwardFilter]) -> object:
    """Each awarded item: the solicitation, quantity, your unit price and the amount; newest award first."""
    qs = vendor_award_lines(_vendor_user(request))
    if filters.solicitation is not None:
        qs = qs.filter(award__solicitation_id=filters.solicitation)
    if filters.q:
        qs = qs.filter(
            Q(award__solicitation__title__icontains=filters.q)
            | Q(award__solicitation__reference_number__icontains=filters.q)
            | Q(item__description__icontains=filters.q)
        )
    return qs.order_by("-award__decided_at", "item__line_number", "pk")


@router.get(
    "/procurement/vendor/contracts",
    response={200: list[VendorContractOut], **error_responses(401, 403, 422)},
    operation_id="procurement_vendor_contracts_list",
    summary="List your company's contracts",
)
@paginate(LimitOffset)
def procurement_vendor_contracts_list(request: HttpRequest, filters: Query[VendorContractFilter]) -> object:
    """Masters and members' contracts held by the vendor companies you act for, with their lines
    (awarded prices, never a member's previous price) and amendments."""
    # The page's lines with their items and amendments in two more queries.
    qs = vendor_contracts(_vendor_user(request)).prefetch_related("lines__item", "amendments")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(
            Q(reference__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(member__name__icontains=filters.q)
            | Q(consortium__name__icontains=filters.q)
        )
    return qs.order_by("-start_date", "pk")
