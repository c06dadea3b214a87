"""API operations of procurement: planning."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from interlocal.core.api import (
    IdParam,
    LimitOffset,
    aware_utc,
    error_responses,
    request_user,
)
from interlocal.procurement import actions
from interlocal.procurement.api.schemas.planning import (
    AcknowledgementOut,
    AddendumIn,
    AddendumOut,
    AnswerIn,
    CriterionIn,
    CriterionOut,
    DemandItemOut,
    EntryFilter,
    EntryIn,
    EntryOut,
    ItemDemandOut,
    ItemIn,
    PublicFilter,
    QuestionIn,
    QuestionOut,
    RoundIn,
    RoundOut,
    SolicitationFilter,
    SolicitationIn,
    SolicitationItemIn,
    SolicitationItemOut,
    SolicitationOut,
    VendorOut,
)
from interlocal.procurement.models import (
    DemandEntry,
    DemandItem,
    DemandRound,
    Solicitation,
    Vendor,
    VendorQuestion,
)
from interlocal.procurement.queries import (
    addenda_for,
    demand_by_item,
    get_addendum_of_public_solicitation,
    get_question_for_user,
    get_round_for_user,
    get_solicitation_for_user,
    public_solicitation,
    public_solicitations,
    questions_for,
    unacknowledged_addenda,
    vendor_of,
)
from interlocal.tenancy.models import Member
from interlocal.tenancy.queries import get_consortium_for_user
from interlocal.tenancy.scoping import is_council

__all__ = [
    "addenda_acknowledge",
    "addenda_issue",
    "addenda_list",
    "addenda_unacknowledged",
    "entries_delete",
    "entries_put",
    "public_get",
    "public_list",
    "questions_answer",
    "questions_ask",
    "questions_list",
    "rounds_close",
    "rounds_create",
    "rounds_demand",
    "rounds_entries",
    "rounds_get",
    "rounds_items_add",
    "rounds_list",
    "rounds_open",
    "router",
    "solicitations_create",
    "solicitations_criteria_add",
    "solicitations_get",
    "solicitations_items_add",
    "solicitations_list",
    "solicitations_publish",
    "vendor_me",
]


router = Router(tags=["procurement"])


def _staff_round(request: HttpRequest, round_id: int) -> DemandRound:
    user = request_user(request)
    round_ = get_round_for_user(user, round_id)
    if not DemandRound.objects.writable_by(user).filter(pk=round_.pk).exists():
        raise PermissionDenied("Only the consortium's staff run demand rounds.")
    return round_


def _staff_solicitation(request: HttpRequest, solicitation_id: int) -> Solicitation:
    user = request_user(request)
    sol = get_solicitation_for_user(user, solicitation_id)
    if not Solicitation.objects.writable_by(user).filter(pk=sol.pk).exists():
        raise PermissionDenied("Only the consortium's staff change solicitations.")
    return sol


def _acting_vendor(request: HttpRequest) -> Vendor:
    vendor = vendor_of(request_user(request))
    if vendor is None:
        raise PermissionDenied("This operation is for registered vendors (use a vendor's token).")
    return vendor


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    try:
        return aware_utc(value)
    except ValueError:
        raise ValidationError("date-time out of range") from None


@router.get(
    "/procurement/rounds",
    response={200: list[RoundOut], **error_responses(401, 422)},
    operation_id="procurement_rounds_list",
    summary="List demand rounds",
)
@paginate(LimitOffset)
def rounds_list(request: HttpRequest) -> object:
    """Demand rounds of your consortia (drafts only for the consortium's staff)."""
    qs = DemandRound.objects.visible_to(request_user(request))  # drafts: the council's only (Tenancy)
    # Each round lists its items: one prefetch for the page, not one query per round.
    return qs.prefetch_related("items").order_by("-created_at", "-pk")


@router.post(
    "/procurement/rounds",
    response={201: RoundOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_rounds_create",
    summary="Start a demand round (draft)",
)
def rounds_create(request: HttpRequest, payload: RoundIn) -> Status:
    """Consortium admins and staff start a round; it opens with the open operation."""
    user = request_user(request)
    consortium = get_consortium_for_user(user, payload.consortium)
    data = payload.model_dump(exclude={"consortium"})
    data["cut_off_at"] = _utc(data["cut_off_at"])
    round_ = actions.do_create_round(consortium, acting_user=user, **data)
    return Status(201, round_)


@router.get(
    "/procurement/rounds/{round_id}",
    response={200: RoundOut, **error_responses(401, 404, 422)},
    operation_id="procurement_rounds_get",
    summary="Get a demand round",
)
def rounds_get(request: HttpRequest, round_id: IdParam) -> object:
    """One round of your consortia with its items; 404 for any other."""
    return get_round_for_user(request_user(request), round_id)


@router.post(
    "/procurement/rounds/{round_id}/items",
    response={201: DemandItemOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_rounds_items_add",
    summary="Add an item to a demand round",
)
def rounds_items_add(request: HttpRequest, round_id: IdParam, payload: ItemIn) -> Status:
    """Staff add a line item (description, unit, optional UNSPSC or CPV code)."""
    round_ = _staff_round(request, round_id)
    return Status(
        201, actions.do_add_demand_item(round_, acting_user=request_user(request), **payload.model_dump())
    )


@router.post(
    "/procurement/rounds/{round_id}/open",
    response={200: RoundOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_rounds_open",
    summary="Open a demand round",
)
def rounds_open(request: HttpRequest, round_id: IdParam) -> DemandRound:
    """Open a draft round for members' entries (members are e-mailed)."""
    round_ = _staff_round(request, round_id)
    return actions.do_open_round(round_, acting_user=request_user(request))


@router.post(
    "/procurement/rounds/{round_id}/close",
    response={200: RoundOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_rounds_close",
    summary="Close a demand round",
)
def rounds_close(request: HttpRequest, round_id: IdParam) -> DemandRound:
    """Close an open round (no more entries)."""
    round_ = _staff_round(request, round_id)
    return actions.do_close_round(round_, acting_user=request_user(request))


@router.get(
    "/procurement/rounds/{round_id}/demand",
    response={200: list[ItemDemandOut], **error_responses(401, 404, 422)},
    operation_id="procurement_rounds_demand",
    summary="Aggregated demand per item",
)
def rounds_demand(request: HttpRequest, round_id: IdParam) -> list[dict]:
    """Totals per item. Members see figures only where enough members contributed (the disclosure rule)."""
    user = request_user(request)
    round_ = get_round_for_user(user, round_id)
    council = is_council(user, round_.consortium_id)
    return [
        {
            "item_id": row.item.pk,
            "line_number": row.item.line_number,
            "description": row.item.description,
            "unit": row.item.unit,
            "total_quantity": row.total_quantity if row.disclosed else None,
            "members": row.members if row.disclosed else None,
            "weighted_average_current_price": row.weighted_price if row.disclosed else None,
        }
        for row in demand_by_item(round_, full=council)
    ]


@router.get(
    "/procurement/rounds/{round_id}/entries",
    response={200: list[EntryOut], **error_responses(401, 404, 422)},
    operation_id="procurement_rounds_entries",
    summary="List demand entries",
)
@paginate(LimitOffset)
def rounds_entries(request: HttpRequest, round_id: IdParam, filters: Query[EntryFilter]) -> object:
    """Entries you may read: your member's own; every member's for the consortium's staff."""
    user = request_user(request)
    round_ = get_round_for_user(user, round_id)
    qs = DemandEntry.objects.visible_to(user).filter(item__round=round_)
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member)
    return qs.order_by("item__line_number", "member__name", "pk")


@router.put(
    "/procurement/rounds/{round_id}/items/{item_id}/entry",
    response={200: EntryOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_entries_put",
    summary="Enter a member's demand for an item",
)
def entries_put(request: HttpRequest, round_id: IdParam, item_id: IdParam, payload: EntryIn) -> DemandEntry:
    """Members' admins and staff enter or change their demand before the cut-off; refused after it."""
    user = request_user(request)
    round_ = get_round_for_user(user, round_id)
    item = get_object_or_404(DemandItem, pk=item_id, round=round_)
    # do_save_entry refuses anyone but the member's own admins and staff (403).
    member = Member.objects.filter(pk=payload.member).first()
    if member is None:
        raise PermissionDenied("You may enter demand only for a member you are admin or staff of.")
    return actions.do_save_entry(
        item,
        member,
        acting_user=user,
        quantity=payload.quantity,
        delivery_location=payload.delivery_location,
        current_unit_price=payload.current_unit_price,
        notes=payload.notes,
    )


@router.delete(
    "/procurement/entries/{entry_id}",
    response={204: None, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_entries_delete",
    summary="Withdraw a demand entry",
)
def entries_delete(request: HttpRequest, entry_id: IdParam) -> Status:
    """Withdraw your member's demand for an item (before the cut-off)."""
    from interlocal.procurement.queries import get_entry_for_user

    user = request_user(request)
    entry = get_entry_for_user(user, entry_id)
    if not DemandEntry.objects.writable_by(user).filter(pk=entry.pk).exists():
        raise PermissionDenied("Only the member's admins and staff withdraw its demand.")
    actions.do_delete_entry(entry, acting_user=user)
    return Status(204, None)


@router.get(
    "/procurement/public/solicitations",
    response={200: list[SolicitationOut], **error_responses(422)},
    auth=None,
    operation_id="procurement_public_solicitations_list",
    summary="List published solicitations (public)",
)
@paginate(LimitOffset)
def public_list(request: HttpRequest, filters: Query[PublicFilter]) -> object:
    """Anyone, without a token: published solicitations (open ones unless open_only=false)."""
    qs = public_solicitations()
    if filters.open_only:
        qs = qs.open_for_bids()  # type: ignore[attr-defined]
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(reference_number__icontains=filters.q))
    # Items and criteria of the page in two queries.
    return qs.prefetch_related("items", "criteria").order_by("submission_deadline", "pk")


@router.get(
    "/procurement/public/solicitations/{solicitation_id}",
    response={200: SolicitationOut, **error_responses(404, 422)},
    auth=None,
    operation_id="procurement_public_solicitations_get",
    summary="Get a published solicitation (public)",
)
def public_get(request: HttpRequest, solicitation_id: IdParam) -> Solicitation:
    """Anyone: one published solicitation; 404 for drafts."""
    return public_solicitation(solicitation_id)


@router.get(
    "/procurement/solicitations",
    response={200: list[SolicitationOut], **error_responses(401, 422)},
    operation_id="procurement_solicitations_list",
    summary="List your consortia's solicitations",
)
@paginate(LimitOffset)
def solicitations_list(request: HttpRequest, filters: Query[SolicitationFilter]) -> object:
    """Solicitations of your consortia, drafts included for the consortium's staff."""
    user = request_user(request)
    qs = Solicitation.objects.visible_to(user)  # drafts: the council's only (Tenancy)
    if filters.consortium is not None:
        qs = qs.filter(consortium_id=filters.consortium)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.prefetch_related("items", "criteria").order_by("-created_at", "-pk")


@router.post(
    "/procurement/solicitations",
    response={201: SolicitationOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_solicitations_create",
    summary="Start a solicitation (draft)",
)
def solicitations_create(request: HttpRequest, payload: SolicitationIn) -> Status:
    """Consortium staff start a draft, from a demand round (items copied with totals) or standalone."""
    user = request_user(request)
    consortium = get_consortium_for_user(user, payload.consortium)
    data = payload.model_dump(exclude={"consortium", "demand_round"}, exclude_none=True)
    for name in ("questions_deadline", "submission_deadline", "opening_at"):
        if name in data:
            data[name] = _utc(data[name])
    if payload.demand_round is not None:
        round_ = get_round_for_user(user, payload.demand_round, write=True)
        if round_.consortium_id != consortium.pk:
            raise ValidationError({"demand_round": "That round belongs to another consortium."})
        sol = actions.do_create_solicitation_from_round(round_, acting_user=user, **data)
    else:
        if "title" not in data:
            raise ValidationError({"title": "A standalone solicitation needs a title."})
        sol = actions.do_create_solicitation(consortium, acting_user=user, **data)
    return Status(201, sol)


@router.get(
    "/procurement/solicitations/{solicitation_id}",
    response={200: SolicitationOut, **error_responses(401, 404, 422)},
    operation_id="procurement_solicitations_get",
    summary="Get a solicitation",
)
def solicitations_get(request: HttpRequest, solicitation_id: IdParam) -> Solicitation:
    """One solicitation of your consortia (drafts for the staff only)."""
    user = request_user(request)
    return get_solicitation_for_user(user, solicitation_id)


@router.post(
    "/procurement/solicitations/{solicitation_id}/items",
    response={201: SolicitationItemOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_solicitations_items_add",
    summary="Add an item to a draft solicitation",
)
def solicitations_items_add(
    request: HttpRequest, solicitation_id: IdParam, payload: SolicitationItemIn
) -> Status:
    """Staff add a line to a draft."""
    sol = _staff_solicitation(request, solicitation_id)
    item = actions.do_add_solicitation_item(sol, acting_user=request_user(request), **payload.model_dump())
    return Status(201, item)


@router.post(
    "/procurement/solicitations/{solicitation_id}/criteria",
    response={201: CriterionOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_solicitations_criteria_add",
    summary="Add an evaluation criterion",
)
def solicitations_criteria_add(
    request: HttpRequest, solicitation_id: IdParam, payload: CriterionIn
) -> Status:
    """Staff add a weighted criterion to a draft (weights must add up to 100 to publish)."""
    sol = _staff_solicitation(request, solicitation_id)
    return Status(
        201, actions.do_add_criterion(sol, acting_user=request_user(request), **payload.model_dump())
    )


@router.post(
    "/procurement/solicitations/{solicitation_id}/publish",
    response={200: SolicitationOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_solicitations_publish",
    summary="Publish a solicitation",
)
def solicitations_publish(request: HttpRequest, solicitation_id: IdParam) -> Solicitation:
    """Publish a draft: deadline in the future, opening at or after it, at least one item, criteria that add up."""
    sol = _staff_solicitation(request, solicitation_id)
    return actions.do_publish_solicitation(sol, acting_user=request_user(request))


@router.get(
    "/procurement/solicitations/{solicitation_id}/questions",
    response={200: list[QuestionOut], **error_responses(401, 404, 422)},
    operation_id="procurement_questions_list",
    summary="List questions and answers",
)
@paginate(LimitOffset)
def questions_list(request: HttpRequest, solicitation_id: IdParam) -> object:
    """Staff: every question. Vendors and others: published answers, plus a vendor's own questions."""
    return questions_for(request_user(request), solicitation_id)


@router.post(
    "/procurement/solicitations/{solicitation_id}/questions",
    response={201: QuestionOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_questions_ask",
    summary="Ask a question (vendors)",
)
def questions_ask(request: HttpRequest, solicitation_id: IdParam, payload: QuestionIn) -> Status:
    """A vendor asks before the questions deadline; the published answer names nobody."""
    vendor = _acting_vendor(request)
    sol = public_solicitation(solicitation_id)
    return Status(
        201, actions.do_ask_question(sol, vendor, acting_user=request_user(request), text=payload.text)
    )


@router.post(
    "/procurement/questions/{question_id}/answer",
    response={200: QuestionOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_questions_answer",
    summary="Answer a question (staff)",
)
def questions_answer(request: HttpRequest, question_id: IdParam, payload: AnswerIn) -> VendorQuestion:
    """Staff answer; publish=true shows it to every vendor without the asker's name."""
    user = request_user(request)
    question = get_question_for_user(user, question_id)
    if not VendorQuestion.objects.writable_by(user).filter(pk=question.pk).exists():
        raise PermissionDenied("Only the consortium's staff answer questions.")
    return actions.do_answer_question(
        question, acting_user=user, answer=payload.answer, publish=payload.publish
    )


@router.get(
    "/procurement/solicitations/{solicitation_id}/addenda",
    response={200: list[AddendumOut], **error_responses(401, 404, 422)},
    operation_id="procurement_addenda_list",
    summary="List addenda",
)
@paginate(LimitOffset)
def addenda_list(request: HttpRequest, solicitation_id: IdParam) -> object:
    """Addenda of a published solicitation (of a draft too, for its staff)."""
    return addenda_for(request_user(request), solicitation_id)


@router.get(
    "/procurement/solicitations/{solicitation_id}/addenda/unacknowledged",
    response={200: list[AddendumOut], **error_responses(401, 403, 404, 422)},
    operation_id="procurement_addenda_unacknowledged",
    summary="Addenda your company has not acknowledged",
)
@paginate(LimitOffset)
def addenda_unacknowledged(request: HttpRequest, solicitation_id: IdParam) -> object:
    """Vendors: what to acknowledge before bidding."""
    vendor = _acting_vendor(request)
    return unacknowledged_addenda(public_solicitation(solicitation_id), vendor)


@router.post(
    "/procurement/solicitations/{solicitation_id}/addenda",
    response={201: AddendumOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_addenda_issue",
    summary="Issue an addendum (staff)",
)
def addenda_issue(request: HttpRequest, solicitation_id: IdParam, payload: AddendumIn) -> Status:
    """Issue a numbered addendum (it may move the deadline and opening); following vendors are e-mailed."""
    sol = _staff_solicitation(request, solicitation_id)
    addendum = actions.do_issue_addendum(
        sol,
        acting_user=request_user(request),
        title=payload.title,
        body=payload.body,
        submission_deadline=_utc(payload.submission_deadline),
        opening_at=_utc(payload.opening_at),
    )
    return Status(201, addendum)


@router.post(
    "/procurement/addenda/{addendum_id}/acknowledge",
    response={200: AcknowledgementOut, **error_responses(400, 401, 403, 404, 422)},
    operation_id="procurement_addenda_acknowledge",
    summary="Acknowledge an addendum (vendors)",
)
def addenda_acknowledge(request: HttpRequest, addendum_id: IdParam) -> dict:
    """Your company acknowledges an addendum (repeating it changes nothing)."""
    vendor = _acting_vendor(request)
    addendum = get_addendum_of_public_solicitation(addendum_id)
    ack = actions.do_acknowledge_addendum(addendum, vendor, acting_user=request_user(request))
    return {"addendum_id": addendum.pk, "vendor_id": vendor.pk, "acknowledged_at": ack.acknowledged_at}


@router.get(
    "/procurement/vendor",
    response={200: VendorOut, **error_responses(401, 403, 422)},
    operation_id="procurement_vendor_me",
    summary="The vendor company you act for",
)
def vendor_me(request: HttpRequest) -> dict:
    """Vendors: your company's registration (status, verified e-mail, consortia)."""
    vendor = _acting_vendor(request)
    data = {f: getattr(vendor, f) for f in VendorOut.model_fields if f != "consortia"}
    return {**data, "consortia": list(vendor.registrations.values_list("consortium_id", flat=True))}
