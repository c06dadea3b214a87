"""Read paths of award results: the public award notice, and a vendor's own bids, awards and contracts.

The award notice is public once a solicitation is awarded, never before: who won each item at
which unit price (the same `AwardLine` rows the OCDS award release is built from, amounts =
unit price × the solicitation's quantity), and the total of every opened bid (bid openings and
tabulations of awarded solicitations are public record). Before the award it is None, whatever
state the bids are in, so a sealed or merely opened solicitation shows no amount anywhere public.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from interlocal.core.models import StoredFile
from interlocal.procurement.models import (
    AwardLine,
    Bid,
    Contract,
    ContractAmendment,
    ContractDocument,
    Solicitation,
)
from interlocal.procurement.models.planning import _count_of

__all__ = [
    "BID_OUTCOMES",
    "AwardNotice",
    "AwardedItem",
    "NoticeBid",
    "Winner",
    "award_notice",
    "award_notices",
    "contract_documents_for",
    "vendor_award_lines",
    "vendor_bids",
    "vendor_contracts",
]

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class AwardedItem:
    """One awarded item of the notice."""

    line_number: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Winner:
    """A winning vendor and what it was awarded."""

    vendor: str
    amount: Decimal
    items: tuple[AwardedItem, ...]


@dataclass(frozen=True)
class NoticeBid:
    """An opened bid: its vendor and total over the items it offered."""

    vendor: str
    total: Decimal | None
    rank: int | None
    responsive: bool
    winner: bool


@dataclass(frozen=True)
class AwardNotice:
    """The public result of an awarded solicitation."""

    solicitation_id: int
    decided_at: dt.datetime
    currency: str
    winners: tuple[Winner, ...]
    bids: tuple[NoticeBid, ...]

    @property
    def amount(self) -> Decimal:
        return sum((w.amount for w in self.winners), Decimal(0))

    def summary(self) -> str:
        """One paragraph for the feed: date, winners with amounts, every opened bid's total."""
        winners = "; ".join(f"{w.vendor} {w.amount:,.2f} {self.currency}" for w in self.winners)
        bids = "; ".join(f"{b.vendor} {b.total:,.2f}" if b.total is not None else b.vendor for b in self.bids)
        return (
            f"Awarded {self.decided_at:%Y-%m-%d}. Awarded to: {winners}. "
            f"Opened bids (total, {self.currency}): {bids or '-'}."
        )


def award_notices(solicitations: Iterable[Solicitation]) -> dict[int, AwardNotice]:
    """The award notices of the awarded solicitations among `solicitations` (public ones, from
    `public_solicitations`), by solicitation id, in two queries whatever their number."""
    awarded = {s.pk: s for s in solicitations if s.status == Solicitation.Status.AWARDED}
    if not awarded:
        return {}
    # Each line shows its item and winning vendor.
    lines = (
        AwardLine.objects.filter(award__solicitation_id__in=awarded)
        .select_related("award", "item", "bid__vendor")
        .order_by("award__solicitation_id", "item__line_number")
    )
    by_solicitation: dict[int, list[AwardLine]] = defaultdict(list)
    for line in lines:
        by_solicitation[line.award.solicitation_id].append(line)
    # Every opened bid of those solicitations, with its vendor (opened_at is set only by the opening).
    bids: dict[int, list[Bid]] = defaultdict(list)
    for bid in (
        Bid.objects.filter(solicitation_id__in=awarded, status=Bid.Status.SUBMITTED, opened_at__isnull=False)
        .select_related("vendor")
        .order_by("solicitation_id", "rank", "total", "submitted_at", "pk")
    ):
        bids[bid.solicitation_id].append(bid)
    notices = {}
    for sid, sol_lines in by_solicitation.items():
        per_vendor: dict[int, list[AwardLine]] = defaultdict(list)
        for line in sol_lines:
            per_vendor[line.bid.vendor_id].append(line)
        winners = []
        for vendor_lines in per_vendor.values():
            items = tuple(
                AwardedItem(
                    line_number=line.item.line_number,
                    description=line.item.description,
                    quantity=line.item.total_quantity,
                    unit=line.item.unit,
                    unit_price=line.unit_price,
                    amount=(line.unit_price * line.item.total_quantity).quantize(_CENT),
                )
                for line in vendor_lines
            )
            winners.append(
                Winner(
                    vendor=vendor_lines[0].bid.vendor.name,
                    amount=sum((i.amount for i in items), Decimal(0)),
                    items=items,
                )
            )
        winning = set(per_vendor)
        notices[sid] = AwardNotice(
            solicitation_id=sid,
            decided_at=sol_lines[0].award.decided_at,
            currency=awarded[sid].currency,
            winners=tuple(winners),
            bids=tuple(
                NoticeBid(
                    vendor=b.vendor.name,
                    total=b.total.quantize(_CENT) if b.total is not None else None,
                    rank=b.rank,
                    responsive=b.responsive,
                    winner=b.vendor_id in winning,
                )
                for b in bids.get(sid, ())
            ),
        )
    return notices


def award_notice(solicitation: Solicitation) -> AwardNotice | None:
    """The public award notice of `solicitation`, or None until it is awarded."""
    return award_notices([solicitation]).get(solicitation.pk)


# --- A vendor's own bids, awards and contracts ----------------------------------------------------
BID_OUTCOMES = (
    ("sealed", _("Sealed (waiting for the opening)")),
    ("opened", _("Opened (waiting for the award)")),
    ("awarded", _("Awarded to you")),
    ("lost", _("Not selected")),
    ("withdrawn", _("Withdrawn")),
    ("replaced", _("Replaced by a later bid")),
    ("cancelled", _("Solicitation cancelled")),
)


def vendor_bids(user: Any) -> QuerySet[Any]:
    """The bids of the vendors `user` acts for, annotated with `outcome` (a key of BID_OUTCOMES)
    and `won_items` (how many items the bid was awarded)."""
    won = AwardLine.objects.filter(bid=OuterRef("pk"))
    status = Solicitation.Status
    # Each row shows its solicitation and its consortium.
    return (
        Bid.objects.for_vendor_user(user)
        .select_related("solicitation__consortium", "vendor")
        .annotate(
            won_items=_count_of(AwardLine.objects.all(), "bid"),
            outcome=Case(
                When(status=Bid.Status.WITHDRAWN, then=Value("withdrawn")),
                When(status=Bid.Status.REPLACED, then=Value("replaced")),
                When(solicitation__status=status.CANCELLED, then=Value("cancelled")),
                When(Exists(won), then=Value("awarded")),
                When(solicitation__status=status.AWARDED, then=Value("lost")),
                When(opened_at__isnull=False, then=Value("opened")),
                default=Value("sealed"),
                output_field=CharField(),
            ),
        )
    )


def vendor_award_lines(user: Any) -> QuerySet[AwardLine]:
    """The items awarded to the vendors `user` acts for, with the award, solicitation and item."""
    # Each row shows the solicitation, its consortium, the item and the award's date.
    return AwardLine.objects.for_vendor_user(user).select_related(
        "award__solicitation__consortium", "item", "bid__vendor"
    )


def vendor_contracts(user: Any) -> QuerySet[Contract]:
    """The contracts held by the vendors `user` acts for (masters and each member's), annotated
    with `amendments_n`."""
    # Each row shows the consortium, the member (buyer) and the solicitation.
    return (
        Contract.objects.for_vendor_user(user)
        .select_related("consortium", "member", "solicitation", "vendor")
        .annotate(amendments_n=_count_of(ContractAmendment.objects.all(), "contract"))
    )


def contract_documents_for(user: Any, contract: Contract) -> QuerySet[ContractDocument]:
    """The documents of `contract` whose files `user` may download (the private-file rules: the
    council and the member; a vendor, none the consortium filed), so a page lists no dead link."""
    return contract.documents.filter(file__in=StoredFile.objects.visible_to(user)).select_related("file")
