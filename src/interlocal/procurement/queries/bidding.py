"""Read paths of bidding: bids, tabulation, contracts and savings, always through scoping."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from interlocal.lib.disclosure import publishable
from interlocal.procurement.models import (
    Bid,
    BidDocument,
    BidLine,
    Contract,
    ContractLine,
    Solicitation,
    currency_decimals,
    vendor_ids_of,
)
from interlocal.tenancy.models import ConsortiumMember, Member
from interlocal.tenancy.roles import CONSORTIUM_READ_ROLES, CONSORTIUM_WRITE_ROLES, MEMBER_WRITE_ROLES
from interlocal.tenancy.scoping import get_for_user, grants_for

if TYPE_CHECKING:
    from interlocal.tenancy.models import Consortium

__all__ = [
    "SavingsFigure",
    "SavingsSummary",
    "bids_of",
    "contract_lines_with_savings",
    "contract_users",
    "cooperative_contracts",
    "get_bid_document_for_user",
    "get_bid_for_user",
    "get_contract_for_user",
    "is_council_of",
    "is_outside_body",
    "members_who_may_join",
    "savings_summary",
    "tabulation_of",
]

_MONEY: DecimalField = DecimalField(max_digits=30, decimal_places=8)


def is_council_of(user: Any, consortium_id: int) -> bool:
    """Whether `user` is a consortium admin or staff of that consortium."""
    return consortium_id in grants_for(user).consortia_wide(CONSORTIUM_WRITE_ROLES)


def get_bid_for_user(user: Any, pk: int, *, write: bool = False) -> Bid:
    """A bid its vendor's people or the consortium's council may see; write=True: its vendor only."""
    qs = Bid.objects.select_related("solicitation__consortium", "vendor")
    if write:
        qs = qs.for_vendor_user(user)
    return get_for_user(qs, user, pk=pk)


def get_bid_document_for_user(user: Any, pk: int) -> BidDocument:
    """A bid document (still sealed or not) of a bid the person may see; else 404."""
    return get_for_user(BidDocument.objects.select_related("bid__solicitation"), user, pk=pk)


def get_contract_for_user(user: Any, pk: int, *, write: bool = False) -> Contract:
    """A contract the person may see (members: masters and their own; vendors: theirs); else 404."""
    qs = Contract.objects.select_related("consortium", "member", "vendor", "solicitation", "master")
    return get_for_user(qs, user, write=write, pk=pk)


# --- Cooperative contracts and piggybacking -----------------------------------------------------------
def is_outside_body(consortium_id: int, member_id: int) -> bool:
    """Whether the member is not an active participant of the consortium (another public body)."""
    return not ConsortiumMember.objects.filter(
        consortium_id=consortium_id, member_id=member_id, is_active=True
    ).exists()


def cooperative_contracts(user: Any, *, day: Any = None) -> QuerySet[Contract]:
    """Active master contracts not yet ended (the ones that may be joined) that `user` may see: all of their own consortia's, and
    other consortia's masters offered to other public bodies (for people acting for a public
    body; the scoping rule `offered_to_public_bodies` decides). Each row is annotated with
    `own_consortium` (the person has a role in the master's consortium)."""
    own = grants_for(user).consortia(CONSORTIUM_READ_ROLES)
    day = day or timezone.localdate()
    # Rows show the consortium's and vendor's names.
    return (
        Contract.objects.visible_to(user)
        .masters()
        .filter(status=Contract.Status.ACTIVE, end_date__gte=day)
        .select_related("consortium", "vendor")
        .annotate(
            own_consortium=Case(
                When(consortium_id__in=own, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def members_who_may_join(user: Any, master: Contract) -> list[Member]:
    """The members `user` may sign a piggyback contract for under `master`: members they act for
    (admin or staff) in the master's consortium and, when the master is open to other public
    bodies, members they act for anywhere; less those already buying under it."""
    if (
        not master.is_master
        or master.status != Contract.Status.ACTIVE
        or master.end_date < timezone.localdate()
    ):
        return []
    pairs = grants_for(user).pairs(MEMBER_WRITE_ROLES)
    ids = {m for c, m in pairs if c == master.consortium_id or master.allow_other_public_bodies}
    if not ids:
        return []
    taken = master.member_contracts.filter(status=Contract.Status.ACTIVE).values("member_id")
    return list(Member.objects.filter(pk__in=ids).exclude(pk__in=taken).order_by("name"))


def contract_users(user: Any, master: Contract) -> QuerySet[Contract]:
    """Who buys under a master, annotated with `lines_n` and `outside` (an outside public body).

    Within the master's consortium (and for its vendor) who buys under it is no secret; anyone
    else (an outside public body) sees only the contracts scoping gives them: their own."""
    grants = grants_for(user)
    qs = master.member_contracts.all()
    if master.consortium_id not in grants.consortia(CONSORTIUM_READ_ROLES) and (
        master.vendor_id not in vendor_ids_of(user)
    ):
        qs = Contract.objects.visible_to(user).filter(master=master)
    participant = ConsortiumMember.objects.filter(
        consortium_id=OuterRef("consortium_id"), member_id=OuterRef("member_id"), is_active=True
    )
    # Rows show the member's name.
    return (
        qs.select_related("member")
        .annotate(lines_n=Count("lines"), outside=~Exists(participant))
        .order_by("member__name", "pk")
    )


def bids_of(solicitation: Solicitation, user: Any) -> QuerySet[Bid]:
    """The bids of a solicitation that `user` may see (council: all; a vendor: its own)."""
    # Every row shows its vendor; documents are counted in the template from the prefetch.
    return (
        Bid.objects.visible_to(user)
        .filter(solicitation=solicitation)
        .select_related("vendor")
        .prefetch_related("documents")
        .order_by("submitted_at", "pk")
    )


@dataclass
class TabulationView:
    """An opened solicitation's tabulation, ready for a page, the API or a CSV."""

    items: list[Any]
    bids: list[Bid]
    cells: dict[tuple[int, int], BidLine]  # (bid id, item id) -> line
    lowest: dict[int, int] = field(default_factory=dict)  # item id -> bid id
    places: int = 2  # the currency's decimals, for showing prices

    def rows(self) -> list[dict[str, Any]]:
        """One row per item: its bids' cells in bid order and the lowest responsive bid (the page
        renders the cells with the `tabulation_cells` tag)."""
        rows = []
        for item in self.items:
            cells = [self.cells.get((bid.pk, item.pk)) for bid in self.bids]
            rows.append(
                {
                    "item": item,
                    "cells": cells,
                    "lowest": self.lowest.get(item.pk),
                }
            )
        return rows


def tabulation_of(solicitation: Solicitation) -> TabulationView | None:
    """The tabulation once the bids are opened; None before (nothing to show while sealed)."""
    if solicitation.status not in (
        Solicitation.Status.OPENED,
        Solicitation.Status.EVALUATED,
        Solicitation.Status.AWARDED,
    ):
        return None
    bids = list(
        solicitation.bids.filter(status=Bid.Status.SUBMITTED, opened_at__isnull=False)
        .select_related("vendor")
        .order_by("submitted_at", "pk")
    )
    items = list(solicitation.items.order_by("line_number"))
    cells = {(line.bid_id, line.item_id): line for line in BidLine.objects.filter(bid__in=bids)}
    lowest: dict[int, int] = {}
    for (bid_id, item_id), line in cells.items():
        if line.rank == 1 and item_id not in lowest:
            lowest[item_id] = bid_id
    return TabulationView(
        items=items, bids=bids, cells=cells, lowest=lowest, places=currency_decimals(solicitation.currency)
    )


# --- Savings ----------------------------------------------------------------------------------------
def contract_lines_with_savings(user: Any, consortium: Consortium) -> QuerySet[ContractLine]:
    """Member contract lines `user` may see in `consortium` with a previous price, annotated with
    previous and pooled spend and the savings. Scoping keeps each member's prices to itself
    and the council."""
    return (
        ContractLine.objects.visible_to(user)
        .filter(
            contract__consortium=consortium,
            contract__kind__in=[Contract.Kind.MEMBER, Contract.Kind.PIGGYBACK],
            previous_unit_price__isnull=False,
        )
        .exclude(contract__status=Contract.Status.TERMINATED)
        # The table shows the contract, member, solicitation and item of each line.
        .select_related("contract__member", "contract__solicitation", "item")
        .annotate(
            previous_spend=ExpressionWrapper(F("quantity") * F("previous_unit_price"), output_field=_MONEY),
            pooled_spend=ExpressionWrapper(F("quantity") * F("unit_price"), output_field=_MONEY),
            savings=ExpressionWrapper(
                F("quantity") * (F("previous_unit_price") - F("unit_price")), output_field=_MONEY
            ),
            year=ExtractYear("contract__start_date"),
        )
    )


@dataclass
class SavingsFigure:
    """Savings of one group (a solicitation, a year, or everything)."""

    key: Any
    label: str
    previous: Decimal
    pooled: Decimal
    members: int
    published: bool = True

    @property
    def savings(self) -> Decimal:
        return self.previous - self.pooled

    @property
    def percent(self) -> Decimal | None:
        if not self.previous:
            return None
        return (self.savings / self.previous * 100).quantize(Decimal("0.1"))


@dataclass
class SavingsSummary:
    """Per solicitation, per year and overall; figures another member's data feeds are shown
    only when `publishable` allows (the council sees all)."""

    by_solicitation: list[SavingsFigure]
    by_year: list[SavingsFigure]
    total: SavingsFigure | None
    own_member: str | None = None


def savings_summary(user: Any, consortium: Consortium, *, member_id: int | None = None) -> SavingsSummary:
    """Savings figures of `consortium` for `user`.

    The council sees every figure. Anyone else sees their own member's figures by name (through
    scoping) and consortium-wide aggregates only for groups that `publishable` allows: each
    member's previous prices are confidential (every contributing member counts as private).
    """
    council = is_council_of(user, consortium.pk)
    rows = list(
        ContractLine.objects.filter(
            contract__consortium=consortium,
            contract__kind__in=[Contract.Kind.MEMBER, Contract.Kind.PIGGYBACK],
            previous_unit_price__isnull=False,
        )
        .exclude(contract__status=Contract.Status.TERMINATED)
        .values(
            "contract__solicitation_id",
            "contract__solicitation__reference_number",
            "contract__solicitation__title",
            "contract__member_id",
        )
        .annotate(
            year=ExtractYear("contract__start_date"),
            previous=Sum(ExpressionWrapper(F("quantity") * F("previous_unit_price"), output_field=_MONEY)),
            pooled=Sum(ExpressionWrapper(F("quantity") * F("unit_price"), output_field=_MONEY)),
        )
        .order_by("year", "contract__solicitation_id")
    )
    groups: dict[Any, set[int]] = defaultdict(set)
    figures: dict[Any, SavingsFigure] = {}

    def add(key: Any, label: str, row: dict[str, Any]) -> None:
        fig = figures.setdefault(key, SavingsFigure(key, label, Decimal(0), Decimal(0), 0))
        fig.previous += row["previous"] or Decimal(0)
        fig.pooled += row["pooled"] or Decimal(0)
        groups[key].add(row["contract__member_id"])

    for row in rows:
        sol_label = (
            f"{row['contract__solicitation__reference_number']} {row['contract__solicitation__title']}"
        )
        add(("solicitation", row["contract__solicitation_id"]), sol_label, row)
        add(("year", row["year"]), str(row["year"]), row)
        add(("total",), "total", row)
    for key, fig in figures.items():
        fig.members = len(groups[key])
    if not council:
        verdict = publishable(
            {k: groups[k] for k in figures},
            private={m for g in groups.values() for m in g},
            k=int(settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS),
        )
        for key, fig in figures.items():
            fig.published = verdict[key]
    for fig in figures.values():
        fig.previous = fig.previous.quantize(Decimal("0.01"))
        fig.pooled = fig.pooled.quantize(Decimal("0.01"))
    return SavingsSummary(
        by_solicitation=[f for k, f in figures.items() if k[0] == "solicitation"],
        by_year=sorted((f for k, f in figures.items() if k[0] == "year"), key=lambda f: f.label),
        total=figures.get(("total",)),
    )
