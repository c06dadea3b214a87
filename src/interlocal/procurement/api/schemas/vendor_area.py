"""Schemas of the procurement API: the vendor's own bids, awards and contracts."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from interlocal.core.api import SafeStr, optional
from interlocal.procurement.api.schemas.bidding import ContractOut
from interlocal.procurement.models import AwardLine, Bid, Contract

__all__ = [
    "VendorAmendmentOut",
    "VendorAwardFilter",
    "VendorAwardOut",
    "VendorBidFilter",
    "VendorBidOut",
    "VendorContractFilter",
    "VendorContractOut",
]


class VendorBidFilter(Schema):
    outcome: str | None = optional(
        max_length=10,
        description="sealed, opened, awarded, lost, withdrawn, replaced or cancelled.",
    )
    q: SafeStr | None = optional(max_length=100, description="Receipt, solicitation title or reference.")


class VendorBidOut(Schema):
    """One of your bids and what became of it. Amounts only after the opening."""

    id: int
    receipt: str
    solicitation_id: int
    solicitation_reference: str
    solicitation_title: str
    consortium_name: str
    status: str = Field(..., description="submitted, withdrawn or replaced.")
    outcome: str = Field(
        ..., description="sealed, opened, awarded (you won items), lost, withdrawn, replaced or cancelled."
    )
    submitted_at: dt.datetime
    withdrawn_at: dt.datetime | None
    submission_deadline: dt.datetime
    opened: bool
    total: Decimal | None = Field(..., description="Total over the items offered; null until opened.")
    won_items: int = Field(..., description="How many items were awarded to this bid.")

    @staticmethod
    def resolve_solicitation_reference(obj: Bid) -> str:
        return obj.solicitation.reference_number

    @staticmethod
    def resolve_solicitation_title(obj: Bid) -> str:
        return obj.solicitation.title

    @staticmethod
    def resolve_consortium_name(obj: Bid) -> str:
        return obj.solicitation.consortium.name

    @staticmethod
    def resolve_submission_deadline(obj: Bid) -> dt.datetime:
        return obj.solicitation.submission_deadline

    @staticmethod
    def resolve_opened(obj: Bid) -> bool:
        return obj.opened_at is not None

    @staticmethod
    def resolve_total(obj: Bid) -> Decimal | None:
        return obj.total if obj.opened_at is not None else None


class VendorAwardFilter(Schema):
    solicitation: int | None = optional(ge=1, description="Only this solicitation's awarded items.")
    q: SafeStr | None = optional(max_length=100, description="Solicitation title or reference, or item.")


class VendorAwardOut(Schema):
    """An item awarded to your company."""

    award_id: int
    decided_at: dt.datetime
    solicitation_id: int
    solicitation_reference: str
    solicitation_title: str
    consortium_name: str
    bid_id: int
    item_id: int
    line_number: int
    description: str
    unit: str
    quantity: Decimal = Field(..., description="The solicitation's (pooled) quantity.")
    unit_price: Decimal
    amount: Decimal = Field(..., description="Quantity × unit price, to the cent.")
    currency: str

    @staticmethod
    def resolve_decided_at(obj: AwardLine) -> dt.datetime:
        return obj.award.decided_at

    @staticmethod
    def resolve_solicitation_id(obj: AwardLine) -> int:
        return obj.award.solicitation_id

    @staticmethod
    def resolve_solicitation_reference(obj: AwardLine) -> str:
        return obj.award.solicitation.reference_number

    @staticmethod
    def resolve_solicitation_title(obj: AwardLine) -> str:
        return obj.award.solicitation.title

    @staticmethod
    def resolve_consortium_name(obj: AwardLine) -> str:
        return obj.award.solicitation.consortium.name

    @staticmethod
    def resolve_line_number(obj: AwardLine) -> int:
        return obj.item.line_number

    @staticmethod
    def resolve_description(obj: AwardLine) -> str:
        return obj.item.description

    @staticmethod
    def resolve_unit(obj: AwardLine) -> str:
        return obj.item.unit

    @staticmethod
    def resolve_quantity(obj: AwardLine) -> Decimal:
        return obj.item.total_quantity

    @staticmethod
    def resolve_amount(obj: AwardLine) -> Decimal:
        return (obj.unit_price * obj.item.total_quantity).quantize(Decimal("0.01"))

    @staticmethod
    def resolve_currency(obj: AwardLine) -> str:
        return obj.award.solicitation.currency


class VendorContractFilter(Schema):
    kind: str | None = optional(max_length=10, description="master, member or piggyback.")
    status: str | None = optional(max_length=10, description="active, expired or terminated.")
    q: SafeStr | None = optional(max_length=100, description="Reference, title or buyer.")


class VendorAmendmentOut(Schema):
    number: int
    kind: str = Field(..., description="amendment or renewal.")
    description: str
    effective_date: dt.date
    new_end_date: dt.date | None
    value_change: Decimal


class VendorContractOut(ContractOut):
    """A contract of your company, with its lines (never the member's previous prices) and amendments."""

    consortium_name: str
    amendments: list[VendorAmendmentOut]

    @staticmethod
    def resolve_consortium_name(obj: Contract) -> str:
        return obj.consortium.name

    @staticmethod
    def resolve_amendments(obj: Contract) -> list:
        return sorted(obj.amendments.all(), key=lambda a: a.number)
