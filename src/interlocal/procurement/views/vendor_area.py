"""The vendor's own area: my bids (with what became of each), my awards, my contracts, and the
dashboard card that leads there. Every list reads through `queries` (`vendor_bids`,
`vendor_award_lines`, `vendor_contracts`), which keep to the vendors the person acts for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.core.moments import legal_cell
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.procurement.models import Contract, vendor_ids_of
from interlocal.procurement.queries import (
    BID_OUTCOMES,
    vendor_award_lines,
    vendor_bids,
    vendor_contracts,
    vendor_of,
)

__all__ = [
    "VendorAwardTable",
    "VendorBidTable",
    "VendorContractTable",
    "vendor_area_card",
    "vendor_awards",
    "vendor_bids_page",
    "vendor_contracts_page",
]

_OUTCOME_LABELS = dict(BID_OUTCOMES)


def _vendor_required(request: HttpRequest) -> Any:
    vendor = vendor_of(request.user)
    if vendor is None:
        raise PermissionDenied(_g("These pages are for people of an active vendor company."))
    return vendor


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def _vendor_sol_url(solicitation_id: int) -> str:
    return reverse("procurement:vendor_solicitation", args=[solicitation_id])


class VendorBidTable(Table):
    columns = [
        Column(
            "receipt",
            _("Receipt"),
            sort="receipt",
            link=lambda b: reverse("procurement:bid_detail", args=[b.pk]),
        ),
        Column(
            "solicitation",
            _("Solicitation"),
            accessor=lambda b: f"{b.solicitation.reference_number} {b.solicitation.title}",
            sort="solicitation__reference_number",
            link=lambda b: _vendor_sol_url(b.solicitation_id),
        ),
        Column("buyer", _("Issued by"), accessor="solicitation.consortium.name", sort="solicitation__consortium__name"),
        Column("outcome", _("Status"), accessor=lambda b: _OUTCOME_LABELS.get(b.outcome, b.outcome), sort="outcome"),
        Column("submitted_at", _("Submitted"), accessor=lambda b: legal_cell(b.submitted_at, b.solicitation.consortium), sort="submitted_at"),
        Column(
            "deadline",
            _("Deadline"),
            accessor=lambda b: legal_cell(b.solicitation.submission_deadline, b.solicitation.consortium),
            sort="solicitation__submission_deadline",
        ),
        Column("total", _("Total (after opening)"), accessor=lambda b: _money(b.total), numeric=True, sort="total"),
        Column("won_items", _("Items won"), numeric=True, sort="won_items"),
    ]  # fmt: skip
    search_fields = ("receipt", "solicitation__title", "solicitation__reference_number")
    search_label = _("Search by receipt or solicitation")
    filters = [ChoiceFilter("outcome", _("Status"), BID_OUTCOMES)]
    default_sort = "-submitted_at"
    export_name = "my-bids"
    caption = _("My bids")
    empty_text = _("No bids match. Solicitations open for bids are listed under Solicitations.")


@login_required
def vendor_bids_page(request: HttpRequest) -> HttpResponse:
    """Every bid of the person's vendor company: status, submitted time, and what became of it."""
    vendor = _vendor_required(request)
    return VendorBidTable(request, vendor_bids(request.user)).response(
        "procurement/vendor_area/bids.html", {"vendor": vendor}
    )


class VendorAwardTable(Table):
    columns = [
        Column(
            "solicitation",
            _("Solicitation"),
            accessor=lambda a: f"{a.award.solicitation.reference_number} {a.award.solicitation.title}",
            sort="award__solicitation__reference_number",
            link=lambda a: reverse("procurement:public_solicitation", args=[a.award.solicitation_id]),
        ),
        Column("buyer", _("Issued by"), accessor="award.solicitation.consortium.name",
               sort="award__solicitation__consortium__name"),
        Column("item", _("Item"), accessor=lambda a: f"{a.item.line_number}. {a.item.description}", sort="item__description"),
        Column("quantity", _("Quantity"), accessor=lambda a: f"{a.item.total_quantity.normalize():f} {a.item.unit}",
               numeric=True, sort="item__total_quantity"),
        Column("unit_price", _("Unit price"), accessor=lambda a: a.unit_price.normalize(), numeric=True, sort="unit_price"),
        Column("amount", _("Amount"), accessor=lambda a: _money(a.unit_price * a.item.total_quantity), numeric=True),
        Column("currency", _("Currency"), accessor="award.solicitation.currency"),
        Column("decided_at", _("Awarded"), accessor=lambda a: legal_cell(a.award.decided_at, a.award.solicitation.consortium), sort="award__decided_at"),
        Column("receipt", _("Bid"), accessor="bid.receipt", link=lambda a: reverse("procurement:bid_detail", args=[a.bid_id])),
    ]  # fmt: skip
    search_fields = (
        "award__solicitation__title",
        "award__solicitation__reference_number",
        "item__description",
    )
    search_label = _("Search by solicitation or item")
    default_sort = "-decided_at"
    export_name = "my-awards"
    caption = _("My awards")
    empty_text = _("Nothing awarded to your company yet.")


@login_required
def vendor_awards(request: HttpRequest) -> HttpResponse:
    """The items awarded to the person's vendor company, with prices and amounts."""
    vendor = _vendor_required(request)
    return VendorAwardTable(request, vendor_award_lines(request.user)).response(
        "procurement/vendor_area/awards.html", {"vendor": vendor}
    )


class VendorContractTable(Table):
    columns = [
        Column(
            "reference",
            _("Reference"),
            sort="reference",
            link=lambda c: reverse("procurement:contract_detail", args=[c.pk]),
        ),
        Column("title", _("Title"), sort="title"),
        Column("kind", _("Kind"), accessor="get_kind_display", sort="kind"),
        Column("buyer", _("Buyer"), accessor=lambda c: c.member.name if c.member else c.consortium.name,
               sort="member__name"),
        Column("start_date", _("Start"), sort="start_date"),
        Column("end_date", _("End"), sort="end_date"),
        Column("value", _("Value"), accessor=lambda c: _money(c.value), numeric=True, sort="value"),
        Column("currency", _("Currency"), accessor="currency"),
        Column("amendments_n", _("Amendments"), numeric=True, sort="amendments_n"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
    ]  # fmt: skip
    search_fields = ("reference", "title", "member__name", "consortium__name", "solicitation__title")
    search_label = _("Search by reference, title or buyer")
    filters = [
        ChoiceFilter("kind", _("Kind"), Contract.Kind.choices),
        ChoiceFilter("status", _("Status"), Contract.Status.choices),
    ]
    default_sort = "-start_date"
    export_name = "my-contracts"
    caption = _("My contracts")
    empty_text = _("No contracts match these filters.")


@login_required
def vendor_contracts_page(request: HttpRequest) -> HttpResponse:
    """The contracts awarded to the person's vendor company: masters and each member's contract."""
    vendor = _vendor_required(request)
    return VendorContractTable(request, vendor_contracts(request.user)).response(
        "procurement/vendor_area/contracts.html", {"vendor": vendor}
    )


def vendor_area_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard card for vendors: open bids, awards and contracts, with links to each list."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or not tenant.is_vendor or not vendor_ids_of(request.user):
        return None
    bids = vendor_bids(request.user)
    return {
        "sealed": bids.filter(outcome__in=("sealed", "opened")).count(),
        "awarded": bids.filter(outcome="awarded").count(),
        "contracts": vendor_contracts(request.user).filter(status=Contract.Status.ACTIVE).count(),
    }
