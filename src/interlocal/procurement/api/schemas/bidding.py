"""Schemas of the procurement API: bidding."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from interlocal.core.api import (
    IdFilter,
    IdParam,
    InputSchema,
    SafeStr,
    optional,
)
from interlocal.procurement.models import (
    Bid,
    Contract,
    currency_decimals,
)

__all__ = [
    "AmendmentIn",
    "AmendmentOut",
    "AwardIn",
    "BidDocumentOut",
    "BidIn",
    "BidLineOut",
    "BidOut",
    "ContractFilter",
    "ContractLineOut",
    "ContractOpennessIn",
    "ContractOut",
    "ContractUserOut",
    "CooperativeContractFilter",
    "CooperativeContractOut",
    "DocumentIn",
    "PiggybackIn",
    "ProcurementSavingsOut",
    "ResponsivenessIn",
    "SavingsFigureOut",
    "ScoreIn",
    "ScoreOut",
    "TabulationCell",
    "TabulationItem",
    "TabulationOut",
]


# --- Schemas -------------------------------------------------------------------------------------
class BidLineOut(Schema):
    """One priced line of an opened bid."""

    item_id: int = Field(..., description="The solicitation item.")
    line_number: int = Field(..., description="The item's line number.")
    unit_price: Decimal = Field(..., description="Unit price offered.")
    extended_price: Decimal = Field(..., description="Unit price × the item's total quantity.")
    rank: int | None = Field(..., description="Rank among responsive offers for the item (1 = lowest).")
    responsive: bool = Field(..., description="Whether this line is responsive.")


class BidDocumentOut(Schema):
    """A bid document's metadata (its name and content are sealed until the opening)."""

    id: int
    kind: str = Field(..., description="technical, price, certificate or other.")
    content_type: str
    size: int = Field(..., description="Size in bytes.")


class BidOut(Schema):
    """A bid. While sealed: receipt, status, times and sizes only."""

    id: int
    receipt: str = Field(
        ..., description="The receipt number given at submission.", examples=["3F2A9C01D4E5B6A7"]
    )
    solicitation_id: int
    vendor_id: int
    vendor_name: str
    status: str = Field(..., description="submitted, withdrawn or replaced.")
    submitted_at: dt.datetime = Field(
        ..., description="When the server received it (server time is authoritative)."
    )
    withdrawn_at: dt.datetime | None
    sealed_bytes: int = Field(..., description="Size of the sealed prices.")
    sealed_sha256: str = Field(..., description="SHA-256 of the sealed prices (ciphertext).")
    line_count: int = Field(..., description="How many items it prices.")
    opened: bool = Field(..., description="Whether the bid has been opened.")
    total: Decimal | None = Field(..., description="Total over the items offered; null until opened.")
    rank: int | None = Field(
        ..., description="Rank of the total among responsive complete bids; null until opened."
    )
    responsive: bool
    nonresponsive_reason: str
    score: Decimal | None = Field(..., description="Weighted score (RFP), when scored.")
    documents: list[BidDocumentOut]
    lines: list[BidLineOut] = Field(..., description="Priced lines; empty until opened.")

    @staticmethod
    def resolve_vendor_name(obj: Bid) -> str:
        return obj.vendor.name

    @staticmethod
    def resolve_opened(obj: Bid) -> bool:
        return obj.opened_at is not None

    @staticmethod
    def resolve_total(obj: Bid) -> Decimal | None:
        return obj.total if obj.opened_at is not None else None

    @staticmethod
    def resolve_rank(obj: Bid) -> int | None:
        return obj.rank if obj.opened_at is not None else None

    @staticmethod
    def resolve_documents(obj: Bid) -> list:
        return list(obj.documents.all())

    @staticmethod
    def resolve_lines(obj: Bid) -> list:
        # BidLine rows exist only after the opening; the check keeps that promise explicit.
        if obj.opened_at is None:
            return []
        return [
            {
                "item_id": line.item_id,
                "line_number": line.item.line_number,
                "unit_price": _money(line.unit_price, obj.solicitation.currency),
                "extended_price": line.extended_price,
                "rank": line.rank,
                "responsive": line.responsive,
            }
            for line in sorted(obj.lines.all(), key=lambda x: x.item.line_number)
        ]


def _money(value: Decimal, currency: str) -> Decimal:
    """An amount with the currency's decimals (bid prices never have more; storage keeps four)."""
    return value.quantize(Decimal(1).scaleb(-currency_decimals(currency)))


def _bid_query() -> object:
    # Every answer shows the vendor, the documents and (once opened) the lines with their items.
    return Bid.objects.select_related("vendor", "solicitation").prefetch_related("documents", "lines__item")


class DocumentIn(InputSchema):
    """A document sent with a bid, base64-encoded."""

    name: SafeStr = Field(
        ..., max_length=200, description="File name with its extension.", examples=["technical.pdf"]
    )
    kind: SafeStr = Field("other", max_length=12, description="technical, price, certificate or other.")
    content_base64: str = Field(
        ..., max_length=14_000_000, description="The file, base64-encoded (at most 10 MB decoded)."
    )


class BidIn(InputSchema):
    """A sealed bid: unit prices by item id (as strings, to keep decimals exact) and documents."""

    idempotency_key: SafeStr = Field(
        ..., min_length=1, max_length=80,
        description="Your key for this submission: sending the same key again returns the same bid and stores nothing.",
        examples=["6f1c2b1e-bid-1"],
    )  # fmt: skip
    prices: dict[str, SafeStr] = Field(
        ...,
        description='Unit price per solicitation item id, e.g. {"12": "61.50"}.',
        examples=[{"12": "61.50"}],
    )
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)
    vendor_id: IdFilter | None = optional(description="The vendor you bid for, if you act for several.")


class ResponsivenessIn(InputSchema):
    responsive: bool = Field(..., description="Whether the bid (or the line) is responsive.")
    reason: SafeStr = Field("", max_length=2000, description="Why not (required when responsive is false).")
    item_id: IdFilter | None = optional(description="Only this item's line of the bid.")


class OpenBidsIn(InputSchema):
    witness_email: SafeStr = Field(
        ...,
        min_length=3,
        max_length=254,
        description="E-mail of the witness: another admin or staff of the consortium, not the caller.",
        examples=["sam@capitol.example"],
    )


class ScoreIn(InputSchema):
    criterion_id: IdParam
    score: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2, description="0–100.")
    comment: SafeStr = Field("", max_length=2000)


class ScoreOut(Schema):
    id: int
    bid_id: int
    criterion_id: int
    score: Decimal
    bid_score: Decimal | None = Field(..., description="The bid's weighted score after this one.")


class TabulationCell(Schema):
    bid_id: int
    unit_price: Decimal
    extended_price: Decimal
    rank: int | None
    responsive: bool


class TabulationItem(Schema):
    item_id: int
    line_number: int
    description: str
    quantity: Decimal
    unit: str
    lowest_bid_id: int | None = Field(..., description="The lowest responsive bid for the item.")
    cells: list[TabulationCell]


class TabulationOut(Schema):
    """The tabulation of an opened solicitation."""

    solicitation_id: int
    currency: str
    opened: bool = Field(..., description="False while the bids are sealed (items and bids are then empty).")
    bids: list[BidOut]
    items: list[TabulationItem]


class AwardIn(InputSchema):
    start_date: dt.date
    end_date: dt.date
    renewals_allowed: int = Field(0, ge=0, le=10)
    notes: SafeStr = Field("", max_length=4000)
    choices: dict[str, IdParam] = Field(
        default_factory=dict,
        description="Winning bid per item id, to override the lowest responsive bid (split awards).",
    )


class ContractLineOut(Schema):
    item_id: int
    line_number: int
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal


class ContractOut(Schema):
    """A contract: master (cooperative) or a member's under it."""

    id: int
    reference: str
    title: str
    kind: str = Field(..., description="master, member or piggyback.")
    status: str
    consortium_id: int
    member_id: int | None
    member_name: str | None
    master_id: int | None
    solicitation_id: int
    vendor_id: int
    vendor_name: str
    currency: str
    value: Decimal
    start_date: dt.date
    end_date: dt.date
    renewals_allowed: int
    renewals_used: int
    allow_other_public_bodies: bool = Field(
        ..., description="A master offered to public bodies outside its consortium (piggybacking)."
    )
    lines: list[ContractLineOut]

    @staticmethod
    def resolve_member_name(obj: Contract) -> str | None:
        return obj.member.name if obj.member is not None else None

    @staticmethod
    def resolve_vendor_name(obj: Contract) -> str:
        return obj.vendor.name

    @staticmethod
    def resolve_lines(obj: Contract) -> list:
        return [
            {
                "item_id": cl.item_id,
                "line_number": cl.item.line_number,
                "description": cl.item.description,
                "unit": cl.item.unit,
                "quantity": cl.quantity,
                "unit_price": cl.unit_price,
            }
            for cl in sorted(obj.lines.all(), key=lambda x: x.item.line_number)
        ]


def _contracts() -> object:
    # Answers show member and vendor names and the lines with their items.
    return Contract.objects.select_related("member", "vendor").prefetch_related("lines__item")


class ContractFilter(Schema):
    kind: str | None = optional(max_length=10, description="master, member or piggyback.")
    solicitation: IdFilter | None = optional(description="Only contracts of this solicitation.")


class CooperativeContractOut(Schema):
    """An active master contract you may join (piggyback), with its items and prices."""

    id: int
    reference: str
    title: str
    consortium_id: int
    consortium_name: str
    own_consortium: bool = Field(..., description="You hold a role in the contract's consortium.")
    allow_other_public_bodies: bool
    vendor_id: int
    vendor_name: str
    currency: str
    start_date: dt.date
    end_date: dt.date
    lines: list[ContractLineOut]

    @staticmethod
    def resolve_consortium_name(obj: Contract) -> str:
        return obj.consortium.name

    @staticmethod
    def resolve_vendor_name(obj: Contract) -> str:
        return obj.vendor.name

    @staticmethod
    def resolve_lines(obj: Contract) -> list:
        return ContractOut.resolve_lines(obj)


class CooperativeContractFilter(Schema):
    q: SafeStr | None = optional(
        max_length=100, description="Text in the reference, title, vendor or consortium."
    )
    consortium: IdFilter | None = optional(description="Only this consortium's contracts (id).")
    open_to_other_public_bodies: bool | None = optional(
        description="true: only contracts offered to public bodies outside their consortium."
    )


class ContractOpennessIn(InputSchema):
    allow_other_public_bodies: bool = Field(
        ..., description="Whether public bodies outside the consortium may join this master contract."
    )


class ContractUserOut(Schema):
    """A contract under a master: who buys under it and how."""

    id: int
    member_id: int
    member_name: str
    kind: str = Field(..., description="member (joint award) or piggyback.")
    status: str
    start_date: dt.date
    outside_public_body: bool = Field(..., description="The member is not a participant of the consortium.")

    @staticmethod
    def resolve_member_name(obj: Contract) -> str:
        return obj.member.name if obj.member is not None else ""

    @staticmethod
    def resolve_outside_public_body(obj: Contract) -> bool:
        return bool(getattr(obj, "outside", False))


class PiggybackIn(InputSchema):
    member_id: IdParam
    quantities: dict[str, SafeStr] = Field(..., description="Quantity per item id.", examples=[{"12": "40"}])
    previous_prices: dict[str, SafeStr] = Field(
        default_factory=dict, description="What the member pays per unit today (confidential; for savings)."
    )


class AmendmentIn(InputSchema):
    kind: SafeStr = Field("amendment", max_length=10, description="amendment or renewal.")
    description: SafeStr = Field(..., min_length=1, max_length=4000)
    effective_date: dt.date
    new_end_date: dt.date | None = optional(description="The new end date (required for a renewal).")
    value_change: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)


class AmendmentOut(Schema):
    id: int
    number: int
    kind: str
    effective_date: dt.date
    new_end_date: dt.date | None


class SavingsFigureOut(Schema):
    label: str
    members: int = Field(..., description="How many members contribute.")
    published: bool = Field(..., description="False when too few members contribute for you to see it.")
    previous_spend: Decimal | None
    pooled_spend: Decimal | None
    savings: Decimal | None
    percent: Decimal | None


class ProcurementSavingsOut(Schema):
    consortium_id: int
    by_solicitation: list[SavingsFigureOut]
    by_year: list[SavingsFigureOut]
    total: SavingsFigureOut | None


def _figure(f: object) -> dict:
    published = f.published  # type: ignore[attr-defined]
    return {
        "label": f.label,  # type: ignore[attr-defined]
        "members": f.members,  # type: ignore[attr-defined]
        "published": published,
        "previous_spend": f.previous if published else None,  # type: ignore[attr-defined]
        "pooled_spend": f.pooled if published else None,  # type: ignore[attr-defined]
        "savings": f.savings if published else None,  # type: ignore[attr-defined]
        "percent": f.percent if published else None,  # type: ignore[attr-defined]
    }
