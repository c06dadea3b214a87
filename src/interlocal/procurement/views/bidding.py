"""Pages of bidding: the vendor's sealed bid, the council's bid register, opening, tabulation,
evaluation and award; contracts, piggybacking and the savings dashboard.

Nothing here reads bid amounts or documents before the opening: the bid register shows receipts,
times and sizes; amounts come from `BidLine` rows, which exist only after `do_open_bids`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.moments import legal_cell
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.lib.spreadsheets import CsvWriter
from interlocal.procurement.actions import (
    DocumentUpload,
    do_add_contract_document,
    do_amend_contract,
    do_award,
    do_mark_responsiveness,
    do_open_bids,
    do_piggyback,
    do_score_bid,
    do_set_contract_openness,
    do_submit_bid,
    do_withdraw_bid,
    read_bid_document,
    suggested_winners,
)
from interlocal.procurement.forms import (
    AmendmentForm,
    AwardForm,
    BidForm,
    ContractDocumentForm,
    OpenBidsForm,
    OpennessForm,
    PiggybackForm,
    ResponsivenessForm,
    ScoreForm,
)
from interlocal.procurement.models import (
    Bid,
    BidLine,
    Contract,
    EvaluationCriterion,
    Solicitation,
    currency_decimals,
    vendor_ids_of,
)
from interlocal.procurement.queries import (
    bids_of,
    contract_lines_with_savings,
    contract_users,
    get_bid_document_for_user,
    get_bid_for_user,
    get_contract_for_user,
    get_solicitation_for_user,
    is_council_of,
    members_who_may_join,
    public_solicitation,
    savings_summary,
    tabulation_of,
    witness_candidates,
)
from interlocal.procurement.queries import cooperative_contracts as cooperative_contracts_for
from interlocal.tenancy.roles import CONSORTIUM_READ_ROLES
from interlocal.tenancy.scoping import grants_for

__all__ = ["register"]


def register() -> None:
    """Side navigation and dashboard entries of bidding (called from the app's ready())."""
    from interlocal.core.registry import NavItem, register_nav

    def not_vendor(request: HttpRequest) -> bool:
        tenant = getattr(request, "tenant", None)
        return bool(tenant and tenant.consortium and not tenant.is_vendor)

    def vendor(request: HttpRequest) -> bool:
        tenant = getattr(request, "tenant", None)
        if tenant is None or not tenant.is_vendor:
            return False  # no query for everyone who is not acting as a vendor
        cached = getattr(request, "_procurement_is_vendor", None)
        if cached is None:  # the same per-request cache as the planning entries use
            cached = bool(vendor_ids_of(request.user))
            request._procurement_is_vendor = cached  # type: ignore[attr-defined]
        return cached

    register_nav(NavItem("procurement:contracts", _("Contracts"), order=46, visible=not_vendor))
    register_nav(NavItem("procurement:savings", _("Procurement savings"), order=47, visible=not_vendor))
    register_nav(NavItem("procurement:vendor_bids", _("My bids"), order=45, visible=vendor))


def _form_errors(form: Any, exc: ValidationError, mapping: dict[str, str] | None = None) -> None:
    """Put a do_* ValidationError on the form: `prices.12` -> field `price_12`, others non-field."""
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for key, msgs in exc.message_dict.items():
        field = None
        for prefix, target in (mapping or {}).items():
            if key.startswith(prefix + "."):
                field = target + key.split(".", 1)[1]
        if field is None and key in form.fields:
            field = key
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _council_solicitation(request: HttpRequest, pk: int, *, write: bool = False) -> Solicitation:
    """The solicitation for its consortium's admins and staff; 404 for others' consortia, 403 for
    its own members and observers."""
    solicitation = get_solicitation_for_user(request.user, pk)
    if not is_council_of(request.user, solicitation.consortium_id):
        raise PermissionDenied(_g("Only the consortium's procurement staff handle bids."))
    if write:
        solicitation = get_solicitation_for_user(request.user, pk, write=True)
    return solicitation


# --- Vendors: sealed bids ---------------------------------------------------------------------------
def _vendor_required(request: HttpRequest) -> None:
    if not vendor_ids_of(request.user):
        raise PermissionDenied(_g("This page is for vendors."))


@login_required
@require_http_methods(["GET", "POST"])
def bid_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A vendor's sealed bid on a published solicitation (replaces its earlier bid)."""
    _vendor_required(request)
    solicitation = public_solicitation(pk)
    items = list(solicitation.items.order_by("line_number"))
    form = BidForm(request.POST or None, request.FILES or None, items=items, currency=solicitation.currency)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["document_kind"]
        documents = [DocumentUpload.from_uploaded(f, kind) for f in form.cleaned_data["documents"]]
        try:
            bid, created = do_submit_bid(
                solicitation,
                acting_user=request.user,  # type: ignore[arg-type]
                prices=form.prices(),
                documents=documents,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as exc:
            _form_errors(form, exc, {"prices": "price_", "documents": "documents"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(request, _g("Your bid is sealed. Receipt %(r)s.") % {"r": bid.receipt})
            else:
                messages.info(
                    request, _g("This bid was already received (receipt %(r)s).") % {"r": bid.receipt}
                )
            return redirect("procurement:bid_detail", pk=bid.pk)
    current = (
        Bid.objects.for_vendor_user(request.user)
        .filter(solicitation=solicitation, status=Bid.Status.SUBMITTED)
        .first()
    )
    return render(
        request,
        "procurement/bidding/bid_submit.html",
        {"solicitation": solicitation, "form": form, "current": current, "now": timezone.now()},
        status=400 if request.method == "POST" else 200,
    )


class VendorBidTable(Table):
    columns = [
        Column(
            "receipt",
            _("Receipt"),
            sort="receipt",
            link=lambda b: reverse("procurement:bid_detail", args=[b.pk]),
        ),
        Column(
            "solicitation", _("Solicitation"), accessor="solicitation", sort="solicitation__reference_number"
        ),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column(
            "submitted_at",
            _("Submitted"),
            accessor=lambda b: legal_cell(b.submitted_at, b.solicitation.consortium),
            sort="submitted_at",
        ),
        Column(
            "deadline",
            _("Deadline"),
            accessor=lambda b: legal_cell(b.solicitation.submission_deadline, b.solicitation.consortium),
            sort="solicitation__submission_deadline",
        ),
        Column("total", _("Total (after opening)"), accessor="total", numeric=True),
    ]
    search_fields = ("receipt", "solicitation__title", "solicitation__reference_number")
    search_label = _("Search by receipt or solicitation")
    filters = [ChoiceFilter("status", _("Status"), Bid.Status.choices)]
    default_sort = "-submitted_at"
    export_name = "my-bids"
    caption = _("My bids")
    empty_text = _("No bids yet. Open solicitations are listed on the public page.")


@login_required
def vendor_bids(request: HttpRequest) -> HttpResponse:
    """The bids of the vendor companies the person acts for."""
    # Each row shows its solicitation and deadline, in the zone of the solicitation's consortium.
    bids = Bid.objects.for_vendor_user(request.user).select_related("solicitation__consortium")
    return VendorBidTable(request, bids).response("procurement/bidding/vendor_bids.html")


@login_required
def bid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A bid: receipt, status and sizes while sealed; its lines once opened."""
    bid = get_bid_for_user(request.user, pk)
    own = bid.vendor_id in vendor_ids_of(request.user)
    lines = list(bid.lines.select_related("item").order_by("item__line_number")) if bid.is_opened else []
    return render(
        request,
        "procurement/bidding/bid_detail.html",
        {
            "bid": bid,
            "own": own,
            "lines": lines,
            "documents": list(bid.documents.all()),
            "places": currency_decimals(bid.solicitation.currency),
            "can_withdraw": own and bid.status == Bid.Status.SUBMITTED and bid.solicitation.is_open_for_bids,
        },
    )


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one's own bid before the deadline."""
    bid = get_bid_for_user(request.user, pk, write=True)
    try:
        do_withdraw_bid(bid, acting_user=request.user)  # type: ignore[arg-type]
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _g("Your bid was withdrawn. You may submit a new one until the deadline."))
    return redirect("procurement:bid_detail", pk=bid.pk)


@login_required
def bid_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Download a bid document: only after the opening (through the sealing gate)."""
    document = get_bid_document_for_user(request.user, pk)
    name, content = read_bid_document(document, acting_user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Council: register, opening, tabulation, evaluation, award ----------------------------------------
@login_required
def bids(request: HttpRequest, pk: int) -> HttpResponse:
    """The bid register of a solicitation; after the opening, the tabulation and evaluation."""
    solicitation = _council_solicitation(request, pk)
    register_rows = list(bids_of(solicitation, request.user))
    tab = tabulation_of(solicitation)
    criteria = list(solicitation.criteria.order_by("position", "pk"))
    now = timezone.now()
    return render(
        request,
        "procurement/bidding/bids.html",
        {
            "solicitation": solicitation,
            "register": register_rows,
            "active_count": sum(1 for b in register_rows if b.status == Bid.Status.SUBMITTED),
            "tab": tab,
            "rows": tab.rows() if tab else [],
            "criteria": criteria,
            "can_open": solicitation.status in (Solicitation.Status.PUBLISHED, Solicitation.Status.CLOSED),
            "open_due": now >= solicitation.opening_at,
            "open_form": OpenBidsForm(
                candidates=witness_candidates(solicitation.consortium_id, excluding=request.user)
            ),
            "can_evaluate": solicitation.status
            in (Solicitation.Status.OPENED, Solicitation.Status.EVALUATED),
            "now": now,
        },
    )


@login_required
@require_POST
def bids_open(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Open bids" with a witness: refuses (and records the attempt) before the opening time."""
    solicitation = _council_solicitation(request, pk, write=True)
    form = OpenBidsForm(
        request.POST, candidates=witness_candidates(solicitation.consortium_id, excluding=request.user)
    )
    try:
        witness = form.cleaned_data["witness"] if form.is_valid() else None
        do_open_bids(solicitation, acting_user=request.user, witness=witness)  # type: ignore[arg-type]
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _g("The bids are open; the tabulation is below."))
    return redirect("procurement:bids", pk=solicitation.pk)


@login_required
@require_POST
def bid_responsiveness(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an opened bid responsive or not, with a reason."""
    bid = get_bid_for_user(request.user, pk)
    _council_solicitation(request, bid.solicitation_id, write=True)
    form = ResponsivenessForm(request.POST)
    if form.is_valid():
        try:
            do_mark_responsiveness(
                bid, responsive=form.cleaned_data["responsive"], reason=form.cleaned_data["reason"],
                acting_user=request.user,  # type: ignore[arg-type]
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _g("Bid %(r)s updated; ranks recomputed.") % {"r": bid.receipt})
    else:
        messages.error(request, _g("Choose responsive or not responsive."))
    return redirect("procurement:bids", pk=bid.solicitation_id)


@login_required
@require_POST
def bid_score(request: HttpRequest, pk: int) -> HttpResponse:
    """An evaluator's score of an opened bid against one criterion."""
    bid = get_bid_for_user(request.user, pk)
    _council_solicitation(request, bid.solicitation_id, write=True)
    form = ScoreForm(request.POST)
    criterion = None
    if form.is_valid():
        criterion = EvaluationCriterion.objects.filter(
            pk=form.cleaned_data["criterion"], solicitation_id=bid.solicitation_id
        ).first()
    if criterion is None:
        messages.error(request, _g("Choose a criterion of this solicitation."))
    else:
        try:
            do_score_bid(
                bid, criterion=criterion, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"],
                evaluator=request.user,  # type: ignore[arg-type]
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _g("Score recorded."))
    return redirect("procurement:bids", pk=bid.solicitation_id)


@login_required
def tabulation(request: HttpRequest, pk: int) -> HttpResponse:
    """The bid tabulation for the consortium's people once opened (CSV with ?format=csv)."""
    solicitation = get_solicitation_for_user(request.user, pk)
    tab = tabulation_of(solicitation)
    if tab is not None and request.GET.get("format") == "csv":
        return _tabulation_csv(solicitation, tab)
    return render(
        request,
        "procurement/bidding/tabulation.html",
        {"solicitation": solicitation, "tab": tab, "rows": tab.rows() if tab else []},
    )


def _tabulation_csv(solicitation: Solicitation, tab: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tabulation-{solicitation.pk}.csv"'
    writer = CsvWriter(response)  # vendors' names and item descriptions stay text
    writer.writerow(
        [
            "line",
            "description",
            "quantity",
            "unit",
            "vendor",
            "receipt",
            "unit_price",
            "extended",
            "rank",
            "responsive",
        ]
    )
    for row in tab.rows():
        item = row["item"]
        for bid, cell in zip(tab.bids, row["cells"], strict=True):
            if cell is None:
                continue
            writer.writerow([
                item.line_number, item.description, item.total_quantity, item.unit, bid.vendor.name, bid.receipt,
                cell.unit_price, cell.extended_price, cell.rank or "", "yes" if cell.responsive and bid.responsive else "no",
            ])  # fmt: skip
    return response


@login_required
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, pk: int) -> HttpResponse:
    """Award the items (split by item if wanted) and create the contracts."""
    solicitation = _council_solicitation(request, pk, write=True)
    if solicitation.status not in (Solicitation.Status.OPENED, Solicitation.Status.EVALUATED):
        messages.error(request, _g("Only opened, not yet awarded solicitations can be awarded."))
        return redirect("procurement:bids", pk=pk)
    options: dict[Any, list[tuple[str, str]]] = {
        item: [] for item in solicitation.items.order_by("line_number")
    }
    by_id = {item.pk: item for item in options}
    places = currency_decimals(solicitation.currency)
    responsive = (
        BidLine.objects.filter(
            bid__solicitation=solicitation,
            bid__status=Bid.Status.SUBMITTED,
            bid__responsive=True,
            responsive=True,
        )
        .select_related("bid__vendor")
        .order_by("item__line_number", "unit_price")
    )
    for line in responsive:
        score = f" · {line.bid.score}" if line.bid.score is not None else ""
        options[by_id[line.item_id]].append(
            (
                str(line.bid_id),
                f"{line.bid.vendor.name} — {line.unit_price:.{places}f} {solicitation.currency}{score}",
            )
        )
    form = AwardForm(request.POST or None, options=options, suggested=suggested_winners(solicitation))
    if request.method == "POST" and form.is_valid():
        try:
            do_award(
                solicitation, acting_user=request.user, choices=form.choices(),  # type: ignore[arg-type]
                start_date=form.cleaned_data["start_date"], end_date=form.cleaned_data["end_date"],
                renewals_allowed=form.cleaned_data["renewals_allowed"], notes=form.cleaned_data["notes"],
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc, {"choices": "item_"})
        else:
            messages.success(request, _g("Awarded. The contracts are listed below; bidders were notified."))
            return redirect(reverse("procurement:contracts") + f"?solicitation={solicitation.pk}")
    return render(
        request,
        "procurement/bidding/award.html",
        {"solicitation": solicitation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Contracts ----------------------------------------------------------------------------------------
class ContractTable(Table):
    columns = [
        Column(
            "reference",
            _("Reference"),
            sort="reference",
            link=lambda c: reverse("procurement:contract_detail", args=[c.pk]),
        ),
        Column("title", _("Title"), sort="title"),
        Column("kind", _("Kind"), accessor="get_kind_display", sort="kind"),
        Column("member", _("Member"), accessor="member.name", sort="member__name"),
        Column("vendor", _("Vendor"), accessor="vendor.name", sort="vendor__name"),
        Column("start_date", _("Start"), sort="start_date"),
        Column("end_date", _("End"), sort="end_date"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
    ]
    search_fields = ("reference", "title", "vendor__name", "member__name")
    search_label = _("Search by reference, title, vendor or member")
    filters = [
        ChoiceFilter("kind", _("Kind"), Contract.Kind.choices),
        ChoiceFilter("status", _("Status"), Contract.Status.choices),
    ]
    default_sort = "-start_date"
    export_name = "contracts"
    caption = _("Contracts")
    empty_text = _("No contracts match these filters.")


@login_required
def contracts(request: HttpRequest) -> HttpResponse:
    """Contracts the person may see: cooperative (master) contracts of the consortium, their own
    member's contracts, and (for vendors) their own."""
    # Rows show the member's and the vendor's names.
    qs = Contract.objects.visible_to(request.user).select_related("member", "vendor")
    solicitation_id = request.GET.get("solicitation", "")
    if solicitation_id.isdigit():
        qs = qs.filter(solicitation_id=int(solicitation_id))
    return ContractTable(request, qs).response("procurement/bidding/contracts.html")


def _may_change(user: Any, contract: Contract) -> bool:
    return Contract.objects.writable_by(user).filter(pk=contract.pk).exists()


class CooperativeContractTable(Table):
    columns = [
        Column(
            "reference",
            _("Reference"),
            sort="reference",
            link=lambda c: reverse("procurement:contract_detail", args=[c.pk]),
        ),
        Column("title", _("Title"), sort="title"),
        Column("consortium", _("Consortium"), accessor="consortium.name", sort="consortium__name"),
        Column("vendor", _("Vendor"), accessor="vendor.name", sort="vendor__name"),
        Column("end_date", _("Ends"), sort="end_date"),
        Column(
            "offered",
            _("Who may join"),
            accessor=lambda c: _("Other public bodies too") if c.allow_other_public_bodies else _("Members"),
            sort="allow_other_public_bodies",
        ),
    ]
    search_fields = ("reference", "title", "vendor__name", "consortium__name", "solicitation__title")
    search_label = _("Search by reference, title, vendor or consortium")
    filters = [
        ChoiceFilter(
            "offered",
            _("Who may join"),
            [("1", _("Other public bodies too")), ("0", _("Members of the consortium only"))],
            field="allow_other_public_bodies",
        ),
    ]
    default_sort = "end_date"
    export_name = "cooperative-contracts"
    caption = _("Cooperative contracts you may join")
    empty_text = _("No cooperative contract matches these filters.")


def _public_body_or_consortium_person(request: HttpRequest) -> None:
    grants = grants_for(request.user)
    if not grants.consortia(CONSORTIUM_READ_ROLES):
        raise PermissionDenied(_g("Cooperative contracts are for consortium members and public bodies."))


@login_required
def cooperative_contracts(request: HttpRequest) -> HttpResponse:
    """Active cooperative contracts to piggyback on: every master of the person's consortia, and
    other consortia's masters offered to other public bodies (for a public body's admins and staff)."""
    _public_body_or_consortium_person(request)
    qs = cooperative_contracts_for(request.user)
    return CooperativeContractTable(request, qs).response("procurement/bidding/cooperative_contracts.html")


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract: term, lines, amendments, documents; for a master, who buys under it (for its
    consortium: everyone, outside bodies marked; for an outside body: its own contract)."""
    contract = get_contract_for_user(request.user, pk)
    council = is_council_of(request.user, contract.consortium_id)
    users = list(contract_users(request.user, contract)) if contract.is_master else []
    lines = list(contract.lines.select_related("item").order_by("item__line_number"))
    # Lines of a member's contract carry the member's previous prices; the contract itself is only
    # visible to that member and the council, so whoever reaches it may read them.
    show_previous = not contract.is_master and contract.vendor_id not in vendor_ids_of(request.user)
    # An outside body's contract links to its master only while the master is offered to it.
    master_visible = bool(
        contract.master_id
        and Contract.objects.visible_to(request.user).filter(pk=contract.master_id).exists()
    )
    return render(
        request,
        "procurement/bidding/contract_detail.html",
        {
            "contract": contract,
            "lines": lines,
            "users": users,
            "council": council,
            # Someone from outside the master's consortium (an outside public body).
            "outsider": contract.is_master
            and contract.consortium_id not in grants_for(request.user).consortia(CONSORTIUM_READ_ROLES)
            and contract.vendor_id not in vendor_ids_of(request.user),
            "show_previous": show_previous,
            "master_visible": master_visible,
            "places": currency_decimals(contract.currency),
            "amendments": list(contract.amendments.order_by("number")),
            "documents": list(contract.documents.select_related("file")),
            "can_change": _may_change(request.user, contract),
            "can_join": bool(members_who_may_join(request.user, contract)),
            "document_form": ContractDocumentForm(),
            "openness_form": OpennessForm(
                initial={"allow_other_public_bodies": contract.allow_other_public_bodies}
            )
            if contract.is_master and council
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Piggyback: a member (or another public body, where the master allows it) joins an active
    cooperative contract with its own quantities."""
    contract = get_contract_for_user(request.user, pk)
    members = members_who_may_join(request.user, contract)
    if not members:
        raise PermissionDenied(_g("You cannot join this contract for any member you act for."))
    lines = list(contract.lines.select_related("item").order_by("item__line_number"))
    form = PiggybackForm(request.POST or None, members=members, lines=lines, currency=contract.currency)
    if request.method == "POST" and form.is_valid():
        member = next(m for m in members if str(m.pk) == form.cleaned_data["member"])
        try:
            joined = do_piggyback(
                contract, member=member, acting_user=request.user,  # type: ignore[arg-type]
                quantities=form.quantities(), previous_prices=form.previous_prices(),
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                _form_errors(form, exc, {"quantities": "qty_", "previous_prices": "prev_"})
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, _g("%(m)s now buys under this contract.") % {"m": member.name})
            return redirect("procurement:contract_detail", pk=joined.pk)
    return render(
        request,
        "procurement/bidding/contract_join.html",
        {"contract": contract, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def contract_openness(request: HttpRequest, pk: int) -> HttpResponse:
    """The council opens a master contract to other public bodies, or closes it."""
    contract = get_contract_for_user(request.user, pk, write=True)
    form = OpennessForm(request.POST)
    if not contract.is_master or not form.is_valid():
        raise PermissionDenied(_g("Only a master contract can be offered to other public bodies."))
    allow = form.cleaned_data["allow_other_public_bodies"]
    do_set_contract_openness(contract, allow=allow, acting_user=request.user)  # type: ignore[arg-type]
    if allow:
        messages.success(request, _g("Public bodies outside the consortium may now join this contract."))
    else:
        messages.success(request, _g("Only members of the consortium may join this contract now."))
    return redirect("procurement:contract_detail", pk=contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contract_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an amendment or a renewal."""
    contract = get_contract_for_user(request.user, pk, write=True)
    form = AmendmentForm(request.POST or None, initial={"effective_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            do_amend_contract(
                contract, acting_user=request.user, kind=form.cleaned_data["kind"],  # type: ignore[arg-type]
                description=form.cleaned_data["description"], effective_date=form.cleaned_data["effective_date"],
                new_end_date=form.cleaned_data["new_end_date"], value_change=form.cleaned_data["value_change"] or Decimal(0),
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("Recorded."))
            return redirect("procurement:contract_detail", pk=contract.pk)
    return render(
        request,
        "procurement/bidding/contract_amend.html",
        {"contract": contract, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def contract_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """File a document with a contract."""
    contract = get_contract_for_user(request.user, pk, write=True)
    form = ContractDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            do_add_contract_document(
                contract,
                uploaded=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _g("Document filed."))
    else:
        messages.error(request, _g("Give a title and choose a file."))
    return redirect("procurement:contract_detail", pk=contract.pk)


# --- Savings ------------------------------------------------------------------------------------------
def _qty(value: Decimal | None) -> str | None:
    """A quantity without trailing zeros and never in exponent form (1200, 12.5)."""
    return None if value is None else format(value.normalize(), "f")


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


class SavingsTable(Table):
    columns = [
        Column("solicitation", _("Solicitation"), accessor="contract.solicitation.reference_number",
               sort="contract__solicitation__reference_number"),
        Column("item", _("Item"), accessor="item.description", sort="item__description"),
        Column("member", _("Member"), accessor="contract.member.name", sort="contract__member__name"),
        Column("quantity", _("Quantity"), accessor=lambda r: _qty(r.quantity), numeric=True, sort="quantity"),
        Column("previous_unit_price", _("Previous price"), accessor=lambda r: _cents(r.previous_unit_price),
               numeric=True, sort="previous_unit_price"),
        Column("unit_price", _("Pooled price"), accessor=lambda r: _cents(r.unit_price), numeric=True, sort="unit_price"),
        Column("savings", _("Savings"), accessor=lambda r: _cents(r.savings), numeric=True, sort="savings"),
        Column(
            "percent", _("%"), numeric=True,
            accessor=lambda r: (r.savings / r.previous_spend * 100).quantize(Decimal("0.1")) if r.previous_spend else None,
        ),
    ]  # fmt: skip
    search_fields = ("item__description", "contract__member__name", "contract__solicitation__title")
    search_label = _("Search by item, member or solicitation")
    default_sort = "-savings"
    export_name = "savings"
    caption = _("Savings per item and member")
    empty_text = _("No contract lines with a previous price yet.")


def _savings_spec(summary: Any) -> dict[str, Any]:
    values = [
        {"group": f.label, "kind": _g("Savings"), "amount": float(f.savings)}
        for f in summary.by_solicitation
        if f.published
    ] + [
        {"group": f.label, "kind": _g("Pooled spend"), "amount": float(f.pooled)}
        for f in summary.by_solicitation
        if f.published
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _g("Pooled spend and savings per solicitation"),
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "width": "container",
        "encoding": {
            "y": {"field": "group", "type": "nominal", "title": _g("Solicitation")},
            "x": {"field": "amount", "type": "quantitative", "stack": "zero", "title": _g("Amount")},
            "color": {"field": "kind", "type": "nominal", "title": None},
        },
    }


@login_required
def savings(request: HttpRequest) -> HttpResponse:
    """The consortium's savings: per solicitation and year (chart and table) and per item and member."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    if tenant.is_vendor:
        raise PermissionDenied(_g("This page is for the consortium's members, not for vendors."))
    consortium = tenant.consortium
    summary = savings_summary(request.user, consortium)
    lines = contract_lines_with_savings(request.user, consortium)
    return SavingsTable(request, lines).response(
        "procurement/bidding/savings.html",
        {
            "consortium": consortium,
            "summary": summary,
            "spec": _savings_spec(summary),
            "council": is_council_of(request.user, consortium.pk),
            "k": settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS,
        },
    )
