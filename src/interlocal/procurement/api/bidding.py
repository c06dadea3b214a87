"""API operations of procurement: bidding."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import base64
import binascii

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from interlocal.core.api import (
    IdParam,
    LimitOffset,
    error_responses,
    request_user,
)
from interlocal.procurement.actions import (
    DocumentUpload,
    do_amend_contract,
    do_award,
    do_mark_responsiveness,
    do_open_bids,
    do_piggyback,
    do_score_bid,
    do_set_contract_openness,
    do_submit_bid,
    do_withdraw_bid,
)
from interlocal.procurement.api.schemas.bidding import (
    AmendmentIn,
    AmendmentOut,
    AwardIn,
    BidIn,
    BidOut,
    ContractFilter,
    ContractOpennessIn,
    ContractOut,
    ContractUserOut,
    CooperativeContractFilter,
    CooperativeContractOut,
    OpenBidsIn,
    PiggybackIn,
    ProcurementSavingsOut,
    ResponsivenessIn,
    ScoreIn,
    ScoreOut,
    TabulationOut,
    _bid_query,
    _contracts,
    _figure,
    _money,
)
from interlocal.procurement.models import (
    Contract,
    EvaluationCriterion,
    Solicitation,
    Vendor,
)
from interlocal.procurement.queries import (
    contract_users,
    cooperative_contracts,
    get_bid_for_user,
    get_contract_for_user,
    get_solicitation_for_bidding,
    get_solicitation_for_user,
    is_council_of,
    public_solicitation,
    savings_summary,
    tabulation_of,
    witness_candidates,
)
from interlocal.tenancy.models import Member
from interlocal.tenancy.queries import get_consortium_for_user
from interlocal.tenancy.roles import CONSORTIUM_READ_ROLES
from interlocal.tenancy.scoping import grants_for

__all__ = [
    "procurement_award",
    "procurement_bids_get",
    "procurement_bids_list",
    "procurement_bids_open",
    "procurement_bids_responsiveness",
    "procurement_bids_score",
    "procurement_bids_submit",
    "procurement_bids_withdraw",
    "procurement_contracts_amend",
    "procurement_contracts_get",
    "procurement_contracts_join",
    "procurement_contracts_list",
    "procurement_contracts_openness",
    "procurement_contracts_users_list",
    "procurement_cooperative_contracts_list",
    "procurement_savings_get",
    "procurement_tabulation_get",
    "router",
]


router = Router(tags=["procurement"])


def _council_solicitation(request: HttpRequest, solicitation_id: int, *, write: bool = False) -> Solicitation:
    user = request_user(request)
    solicitation = get_solicitation_for_user(user, solicitation_id)
    if not is_council_of(user, solicitation.consortium_id):
        raise PermissionDenied("Only the consortium's procurement staff handle bids.")
    if write:
        solicitation = get_solicitation_for_user(user, solicitation_id, write=True)
    return solicitation


# --- Bids ----------------------------------------------------------------------------------------
@router.get(
    "/procurement/solicitations/{solicitation_id}/bids",
    response={200: list[BidOut], **error_responses(401, 404, 422)},
    operation_id="procurement_bids_list",
    summary="List bids on a solicitation",
)
@paginate(LimitOffset)
def procurement_bids_list(request: HttpRequest, solicitation_id: IdParam) -> object:
    """The council sees every bid (sealed ones without amounts); a vendor sees its own."""
    user = request_user(request)
    solicitation = get_solicitation_for_bidding(user, solicitation_id)
    return _bid_query().visible_to(user).filter(solicitation=solicitation).order_by("submitted_at", "pk")  # type: ignore[attr-defined]


@router.post(
    "/procurement/solicitations/{solicitation_id}/bids",
    response={200: BidOut, 201: BidOut, **error_responses(400, 401, 403, 404, 413, 422)},
    operation_id="procurement_bids_submit",
    summary="Submit a sealed bid (vendors)",
)
def procurement_bids_submit(request: HttpRequest, solicitation_id: IdParam, payload: BidIn) -> object:
    """Seal and store your bid. 201 when stored; 200 with the same bid when the idempotency key was
    already used for the same content. Replaces your earlier bid. Refused after the deadline."""
    user = request_user(request)
    solicitation = public_solicitation(solicitation_id)
    vendor = None
    if payload.vendor_id is not None:
        vendor = Vendor.objects.filter(pk=payload.vendor_id).first()
        if vendor is None:
            raise HttpError(404, "Not found.")
    documents = []
    for i, doc in enumerate(payload.documents):
        try:
            content = base64.b64decode(doc.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({f"documents.{i}": ["content_base64 is not valid base64."]}) from None
        documents.append(DocumentUpload(doc.name, content, doc.kind))
    bid, created = do_submit_bid(
        solicitation, acting_user=user, prices=payload.prices, documents=documents,
        idempotency_key=payload.idempotency_key, vendor=vendor,
    )  # fmt: skip
    return Status(201 if created else 200, _bid_query().get(pk=bid.pk))  # type: ignore[attr-defined]


@router.get(
    "/procurement/bids/{bid_id}",
    response={200: BidOut, **error_responses(401, 404, 422)},
    operation_id="procurement_bids_get",
    summary="Get a bid",
)
def procurement_bids_get(request: HttpRequest, bid_id: IdParam) -> object:
    """Your own bid, or (council) any bid of your consortium; amounts only after the opening."""
    bid = get_bid_for_user(request_user(request), bid_id)
    return _bid_query().get(pk=bid.pk)  # type: ignore[attr-defined]


@router.post(
    "/procurement/bids/{bid_id}/withdraw",
    response={200: BidOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_bids_withdraw",
    summary="Withdraw your bid before the deadline",
)
def procurement_bids_withdraw(request: HttpRequest, bid_id: IdParam) -> object:
    """Withdraw your own bid; refused after the deadline (server time)."""
    user = request_user(request)
    bid = do_withdraw_bid(get_bid_for_user(user, bid_id, write=True), acting_user=user)
    return _bid_query().get(pk=bid.pk)  # type: ignore[attr-defined]


@router.post(
    "/procurement/solicitations/{solicitation_id}/open",
    response={200: TabulationOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_bids_open",
    summary="Open the bids with a witness (not before the opening time)",
)
def procurement_bids_open(request: HttpRequest, solicitation_id: IdParam, payload: OpenBidsIn) -> dict:
    """Open the sealed bids, witnessed by another admin or staff of the consortium (422 otherwise);
    403 before the opening time, while questions are open or an addendum's notice runs (audited)."""
    solicitation = _council_solicitation(request, solicitation_id, write=True)
    witness = (
        witness_candidates(solicitation.consortium_id, excluding=None)
        .filter(email__iexact=payload.witness_email.strip())
        .first()
    )
    if witness is None:
        raise ValidationError({"witness_email": ["No admin or staff of this consortium has that e-mail."]})
    do_open_bids(solicitation, acting_user=request_user(request), witness=witness)
    return _tabulation_out(Solicitation.objects.get(pk=solicitation.pk))


def _tabulation_out(solicitation: Solicitation) -> dict:
    tab = tabulation_of(solicitation)
    if tab is None:
        return {
            "solicitation_id": solicitation.pk,
            "currency": solicitation.currency,
            "opened": False,
            "bids": [],
            "items": [],
        }
    return {
        "solicitation_id": solicitation.pk,
        "currency": solicitation.currency,
        "opened": True,
        "bids": list(_bid_query().filter(pk__in=[b.pk for b in tab.bids]).order_by("submitted_at", "pk")),  # type: ignore[attr-defined]
        "items": [
            {
                "item_id": row["item"].pk,
                "line_number": row["item"].line_number,
                "description": row["item"].description,
                "quantity": row["item"].total_quantity,
                "unit": row["item"].unit,
                "lowest_bid_id": row["lowest"],
                "cells": [
                    {
                        "bid_id": cell.bid_id,
                        "unit_price": _money(cell.unit_price, solicitation.currency),
                        "extended_price": cell.extended_price,
                        "rank": cell.rank,
                        "responsive": cell.responsive,
                    }
                    for cell in row["cells"]
                    if cell is not None
                ],
            }
            for row in tab.rows()
        ],
    }


@router.get(
    "/procurement/solicitations/{solicitation_id}/tabulation",
    response={200: TabulationOut, **error_responses(401, 404, 422)},
    operation_id="procurement_tabulation_get",
    summary="Get the bid tabulation",
)
def procurement_tabulation_get(request: HttpRequest, solicitation_id: IdParam) -> dict:
    """Per item and total, for the consortium's people; empty (opened=false) while sealed."""
    return _tabulation_out(get_solicitation_for_user(request_user(request), solicitation_id))


@router.post(
    "/procurement/bids/{bid_id}/responsiveness",
    response={200: BidOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_bids_responsiveness",
    summary="Mark an opened bid (or line) responsive or not",
)
def procurement_bids_responsiveness(
    request: HttpRequest, bid_id: IdParam, payload: ResponsivenessIn
) -> object:
    """With a reason when not responsive; ranks are recomputed."""
    user = request_user(request)
    bid = get_bid_for_user(user, bid_id)
    _council_solicitation(request, bid.solicitation_id, write=True)
    item = None
    if payload.item_id is not None:
        item = bid.solicitation.items.filter(pk=payload.item_id).first()
        if item is None:
            raise ValidationError({"item_id": ["That item is not part of this solicitation."]})
    bid = do_mark_responsiveness(
        bid, responsive=payload.responsive, reason=payload.reason, acting_user=user, item=item
    )
    return _bid_query().get(pk=bid.pk)  # type: ignore[attr-defined]


@router.post(
    "/procurement/bids/{bid_id}/scores",
    response={200: ScoreOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_bids_score",
    summary="Score an opened bid against a criterion",
)
def procurement_bids_score(request: HttpRequest, bid_id: IdParam, payload: ScoreIn) -> dict:
    """Your score (0–100) as an evaluator; the bid's weighted score is recomputed."""
    user = request_user(request)
    bid = get_bid_for_user(user, bid_id)
    _council_solicitation(request, bid.solicitation_id, write=True)
    criterion = EvaluationCriterion.objects.filter(
        pk=payload.criterion_id, solicitation_id=bid.solicitation_id
    ).first()
    if criterion is None:
        raise ValidationError({"criterion_id": ["That criterion is not part of this solicitation."]})
    row = do_score_bid(bid, criterion=criterion, score=payload.score, comment=payload.comment, evaluator=user)
    bid.refresh_from_db()
    return {
        "id": row.pk,
        "bid_id": bid.pk,
        "criterion_id": criterion.pk,
        "score": row.score,
        "bid_score": bid.score,
    }


@router.post(
    "/procurement/solicitations/{solicitation_id}/award",
    response={201: list[ContractOut], **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_award",
    summary="Award the solicitation and create the contracts",
)
def procurement_award(request: HttpRequest, solicitation_id: IdParam, payload: AwardIn) -> object:
    """Lowest responsive bid (or best score) per item unless `choices` says otherwise; answers with
    the contracts created (masters and one per participating member)."""
    solicitation = _council_solicitation(request, solicitation_id, write=True)
    try:
        choices = {int(k): v for k, v in payload.choices.items()}
    except ValueError:
        raise ValidationError({"choices": ["Keys must be item ids."]}) from None
    award = do_award(
        solicitation, acting_user=request_user(request), choices=choices, start_date=payload.start_date,
        end_date=payload.end_date, renewals_allowed=payload.renewals_allowed, notes=payload.notes,
    )  # fmt: skip
    return Status(201, list(_contracts().filter(award=award).order_by("kind", "reference")))  # type: ignore[attr-defined]


# --- Contracts -------------------------------------------------------------------------------------
@router.get(
    "/procurement/contracts",
    response={200: list[ContractOut], **error_responses(401, 422)},
    operation_id="procurement_contracts_list",
    summary="List contracts",
)
@paginate(LimitOffset)
def procurement_contracts_list(request: HttpRequest, filters: Query[ContractFilter]) -> object:
    """Master contracts of your consortia, your member's contracts, or (vendors) your own."""
    # the order of the list-order index
    qs = _contracts().visible_to(request_user(request)).order_by("-start_date", "pk")  # type: ignore[attr-defined]
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.solicitation is not None:
        qs = qs.filter(solicitation_id=filters.solicitation)
    return qs


@router.get(
    "/procurement/contracts/{contract_id}",
    response={200: ContractOut, **error_responses(401, 404, 422)},
    operation_id="procurement_contracts_get",
    summary="Get a contract",
)
def procurement_contracts_get(request: HttpRequest, contract_id: IdParam) -> object:
    """One contract you may see, with its lines."""
    contract = get_contract_for_user(request_user(request), contract_id)
    return _contracts().get(pk=contract.pk)  # type: ignore[attr-defined]


@router.get(
    "/procurement/cooperative-contracts",
    response={200: list[CooperativeContractOut], **error_responses(401, 403, 422)},
    operation_id="procurement_cooperative_contracts_list",
    summary="List cooperative contracts you may join",
)
@paginate(LimitOffset)
def procurement_cooperative_contracts_list(
    request: HttpRequest, filters: Query[CooperativeContractFilter]
) -> object:
    """Active master contracts of your consortia and, if you act for a public body, other
    consortia's masters offered to other public bodies."""
    user = request_user(request)
    if not grants_for(user).consortia(CONSORTIUM_READ_ROLES):
        raise PermissionDenied("Cooperative contracts are for consortium members and public bodies.")
    # The lines and their items of the page in one more query.
    qs = cooperative_contracts(user).prefetch_related("lines__item")
    if filters.q:
        qs = qs.filter(
            Q(reference__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(vendor__name__icontains=filters.q)
            | Q(consortium__name__icontains=filters.q)
        )
    if filters.consortium is not None:
        qs = qs.filter(consortium_id=filters.consortium)
    if filters.open_to_other_public_bodies is not None:
        qs = qs.filter(allow_other_public_bodies=filters.open_to_other_public_bodies)
    return qs.order_by("end_date", "reference", "pk")


@router.get(
    "/procurement/contracts/{contract_id}/users",
    response={200: list[ContractUserOut], **error_responses(401, 404, 422)},
    operation_id="procurement_contracts_users_list",
    summary="List who buys under a master contract",
)
@paginate(LimitOffset)
def procurement_contracts_users_list(request: HttpRequest, contract_id: IdParam) -> object:
    """Within the consortium, every member's contract under the master (outside public bodies
    marked); for an outside public body, its own."""
    user = request_user(request)
    master = get_contract_for_user(user, contract_id)
    return contract_users(user, master) if master.is_master else Contract.objects.none()


@router.post(
    "/procurement/contracts/{contract_id}/openness",
    response={200: ContractOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_contracts_openness",
    summary="Open a master contract to other public bodies, or close it",
)
def procurement_contracts_openness(
    request: HttpRequest, contract_id: IdParam, payload: ContractOpennessIn
) -> object:
    """The consortium's admins and staff decide whether public bodies outside the consortium may
    join a master contract."""
    user = request_user(request)
    contract = get_contract_for_user(user, contract_id, write=True)
    do_set_contract_openness(contract, allow=payload.allow_other_public_bodies, acting_user=user)
    return _contracts().get(pk=contract.pk)  # type: ignore[attr-defined]


@router.post(
    "/procurement/contracts/{contract_id}/join",
    response={201: ContractOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_contracts_join",
    summary="Join a cooperative contract (piggyback)",
)
def procurement_contracts_join(request: HttpRequest, contract_id: IdParam, payload: PiggybackIn) -> object:
    """Your member's own contract under an active master, at the master's prices; a public body
    outside the consortium may join a master offered to other public bodies."""
    user = request_user(request)
    master = get_contract_for_user(user, contract_id)
    member = Member.objects.filter(pk=payload.member_id).first()
    if member is None:
        raise HttpError(404, "Not found.")
    contract = do_piggyback(
        master, member=member, acting_user=user,
        quantities={int(k): v for k, v in payload.quantities.items() if k.isdigit()},
        previous_prices={int(k): v for k, v in payload.previous_prices.items() if k.isdigit()},
    )  # fmt: skip
    return Status(201, _contracts().get(pk=contract.pk))  # type: ignore[attr-defined]


@router.post(
    "/procurement/contracts/{contract_id}/amendments",
    response={201: AmendmentOut, **error_responses(400, 401, 404, 422)},
    operation_id="procurement_contracts_amend",
    summary="Record an amendment or renewal",
)
def procurement_contracts_amend(request: HttpRequest, contract_id: IdParam, payload: AmendmentIn) -> object:
    """Amend a contract you may change (council: masters; a member: its own)."""
    user = request_user(request)
    contract = get_contract_for_user(user, contract_id, write=True)
    row = do_amend_contract(
        contract, acting_user=user, kind=payload.kind, description=payload.description,
        effective_date=payload.effective_date, new_end_date=payload.new_end_date, value_change=payload.value_change,
    )  # fmt: skip
    return Status(
        201,
        {
            "id": row.pk,
            "number": row.number,
            "kind": row.kind,
            "effective_date": row.effective_date,
            "new_end_date": row.new_end_date,
        },
    )


@router.get(
    "/procurement/consortia/{consortium_id}/savings",
    response={200: ProcurementSavingsOut, **error_responses(401, 403, 404, 422)},
    operation_id="procurement_savings_get",
    summary="Savings per solicitation, per year and in total",
)
def procurement_savings_get(request: HttpRequest, consortium_id: IdParam) -> dict:
    """The council sees every figure; members see aggregates only where enough members contribute."""
    user = request_user(request)
    consortium = get_consortium_for_user(user, consortium_id)
    if consortium.pk not in grants_for(user).consortia(CONSORTIUM_READ_ROLES):
        raise PermissionDenied("Savings are for the consortium's members, not for vendors.")
    summary = savings_summary(user, consortium)
    return {
        "consortium_id": consortium.pk,
        "by_solicitation": [_figure(f) for f in summary.by_solicitation],
        "by_year": [_figure(f) for f in summary.by_year],
        "total": _figure(summary.total) if summary.total else None,
    }
