"""Schemas of the procurement API: planning."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from interlocal.core.api import (
    IdFilter,
    InputSchema,
    SafeStr,
    optional,
)
from interlocal.procurement.models import (
    DemandItem,
    DemandRound,
    EvaluationCriterion,
    Solicitation,
    SolicitationItem,
)

__all__ = [
    "AcknowledgementOut",
    "AddendumIn",
    "AddendumOut",
    "AnswerIn",
    "CriterionIn",
    "CriterionOut",
    "DemandItemOut",
    "EntryFilter",
    "EntryIn",
    "EntryOut",
    "ItemDemandOut",
    "ItemIn",
    "PublicFilter",
    "QuestionIn",
    "QuestionOut",
    "RoundIn",
    "RoundOut",
    "SolicitationFilter",
    "SolicitationIn",
    "SolicitationItemIn",
    "SolicitationItemOut",
    "SolicitationOut",
    "VendorOut",
]


class DemandItemOut(Schema):
    """One line item of a demand round."""

    id: int = Field(..., description="The item's id.", examples=[12])
    line_number: int = Field(..., description="Line number within the round.", examples=[1])
    description: str = Field(..., description="What is pooled.", examples=["Road salt, bulk"])
    unit: str = Field(..., description="Unit of measure.", examples=["ton"])
    classification_scheme: str = Field(..., description="UNSPSC, CPV or empty.", examples=["UNSPSC"])
    classification_code: str = Field(..., description="The classification code.", examples=["12352300"])
    notes: str = Field(..., description="Notes for members.", examples=[""])


class RoundOut(Schema):
    """A demand round: members pool their needs until the cut-off."""

    id: int = Field(..., description="The round's id.", examples=[3])
    consortium_id: int = Field(..., description="The consortium that runs it.", examples=[1])
    ocid: str = Field(..., description="OCDS contracting-process id.", examples=["ocds-xxxxxx-round-3"])
    title: str = Field(..., description="Title.", examples=["2027 road salt"])
    description: str = Field(..., description="Description.", examples=[""])
    category: str = Field(..., description="goods, works or services.", examples=["goods"])
    status: str = Field(..., description="draft, open or closed.", examples=["open"])
    cut_off_at: dt.datetime = Field(..., description="Members may enter demand until then (UTC).")
    currency: str = Field(..., description="ISO 4217 currency of prices.", examples=["USD"])
    invitation_mode: str = Field(..., description="invited or open.", examples=["open"])
    items: list[DemandItemOut] = Field(..., description="The round's line items.")

    @staticmethod
    def resolve_ocid(obj: DemandRound) -> str:
        return obj.ocid

    @staticmethod
    def resolve_items(obj: DemandRound) -> list[DemandItem]:
        return list(obj.items.all())


class RoundIn(InputSchema):
    """A new demand round (created as a draft)."""

    consortium: IdFilter = Field(..., description="The consortium (id) that runs the round.")
    title: SafeStr = Field(..., min_length=1, max_length=200, examples=["2027 road salt"])
    description: SafeStr = Field("", max_length=5000)
    category: str = Field("goods", pattern="^(goods|works|services)$")
    cut_off_at: dt.datetime = Field(..., description="Cut-off (with a time zone).")
    currency: str = Field("USD", pattern="^[A-Za-z]{3}$", examples=["USD"])
    invitation_mode: str = Field("open", pattern="^(invited|open)$")


class ItemIn(InputSchema):
    """A line item to add."""

    description: SafeStr = Field(..., min_length=1, max_length=300, examples=["Road salt, bulk"])
    unit: SafeStr = Field(..., min_length=1, max_length=40, examples=["ton"])
    classification_scheme: str = Field("", pattern="^(|UNSPSC|CPV)$")
    classification_code: SafeStr = Field("", max_length=20, examples=["12352300"])
    notes: SafeStr = Field("", max_length=5000)


class ItemDemandOut(Schema):
    """Pooled demand for one item. Figures are null where too few members contributed to show them."""

    item_id: int = Field(..., examples=[12])
    line_number: int = Field(..., examples=[1])
    description: str = Field(..., examples=["Road salt, bulk"])
    unit: str = Field(..., examples=["ton"])
    total_quantity: Decimal | None = Field(..., description="Sum of members' quantities.", examples=["2000"])
    members: int | None = Field(..., description="Members with a quantity above zero.", examples=[2])
    weighted_average_current_price: Decimal | None = Field(
        ..., description="Members' current unit prices weighted by quantity.", examples=["85.50"]
    )


class EntryOut(Schema):
    """A member's demand for one item."""

    id: int = Field(..., examples=[40])
    item_id: int = Field(..., examples=[12])
    member_id: int = Field(..., examples=[3])
    quantity: Decimal = Field(..., examples=["1200"])
    delivery_location: str = Field(..., examples=["Avon DPW yard"])
    current_unit_price: Decimal | None = Field(..., examples=["82.50"])
    notes: str = Field(..., examples=[""])
    updated_at: dt.datetime = Field(..., description="Last change (UTC).")


class EntryIn(InputSchema):
    """A member's demand for one item (replaces any earlier entry)."""

    member: IdFilter = Field(
        ..., description="The member (id) the demand is for; you must be its admin or staff."
    )
    quantity: Decimal = Field(..., description="Quantity ≥ 0 in the item's unit.", examples=["1200"])
    delivery_location: SafeStr = Field("", max_length=300)
    current_unit_price: Decimal | None = optional(
        description="What the member pays per unit today (decimals as the currency allows).",
        examples=["82.50"],
    )
    notes: SafeStr = Field("", max_length=2000)


class EntryFilter(Schema):
    member: IdFilter | None = optional(description="Only this member's entries (id).")


class SolicitationItemOut(Schema):
    """A line of a solicitation."""

    id: int = Field(..., examples=[7])
    line_number: int = Field(..., examples=[1])
    description: str = Field(..., examples=["Laptop, 14 inch"])
    unit: str = Field(..., examples=["each"])
    classification_scheme: str = Field(..., examples=["UNSPSC"])
    classification_code: str = Field(..., examples=["43211503"])
    total_quantity: Decimal = Field(..., examples=["120"])


class CriterionOut(Schema):
    """An evaluation criterion."""

    id: int = Field(..., examples=[2])
    name: str = Field(..., examples=["Price"])
    weight: Decimal = Field(..., examples=["60"])
    is_price: bool = Field(..., examples=[True])
    description: str = Field(..., examples=[""])


class SolicitationOut(Schema):
    """A solicitation (never anything about bids)."""

    id: int = Field(..., examples=[5])
    consortium_id: int = Field(..., examples=[1])
    demand_round_id: int | None = Field(..., examples=[3])
    ocid: str = Field(..., examples=["ocds-xxxxxx-round-3"])
    reference_number: str = Field(..., examples=["IFB-2027-001"])
    title: str = Field(..., examples=["Laptops 2027"])
    description: str = Field(..., examples=[""])
    method: str = Field(..., description="ifb, rfq or rfp.", examples=["ifb"])
    status: str = Field(..., examples=["published"])
    published_at: dt.datetime | None = Field(..., description="UTC.")
    questions_deadline: dt.datetime | None = Field(..., description="UTC.")
    submission_deadline: dt.datetime = Field(..., description="UTC.")
    opening_at: dt.datetime = Field(..., description="UTC.")
    currency: str = Field(..., examples=["USD"])
    award_basis: str = Field(..., examples=["lowest_price"])
    items: list[SolicitationItemOut] = Field(...)
    criteria: list[CriterionOut] = Field(...)

    @staticmethod
    def resolve_ocid(obj: Solicitation) -> str:
        return obj.ocid

    @staticmethod
    def resolve_items(obj: Solicitation) -> list[SolicitationItem]:
        return list(obj.items.all())

    @staticmethod
    def resolve_criteria(obj: Solicitation) -> list[EvaluationCriterion]:
        return list(obj.criteria.all())


class SolicitationIn(InputSchema):
    """A new draft solicitation: standalone, or from a demand round (its items are copied)."""

    consortium: IdFilter = Field(..., description="The consortium (id) that issues it.")
    demand_round: IdFilter | None = optional(
        description="Copy the items of this round (id) with total quantities."
    )
    reference_number: SafeStr = Field(..., min_length=1, max_length=60, examples=["IFB-2027-001"])
    title: SafeStr | None = optional(max_length=200, examples=["Laptops 2027"])
    description: SafeStr | None = optional(max_length=20000)
    method: str = Field("ifb", pattern="^(ifb|rfq|rfp)$")
    award_basis: str = Field("lowest_price", pattern="^(lowest_price|weighted_criteria)$")
    questions_deadline: dt.datetime | None = optional()
    submission_deadline: dt.datetime = Field(...)
    opening_at: dt.datetime = Field(...)
    currency: str | None = optional(pattern="^[A-Za-z]{3}$")


class SolicitationItemIn(InputSchema):
    description: SafeStr = Field(..., min_length=1, max_length=300)
    unit: SafeStr = Field(..., min_length=1, max_length=40)
    total_quantity: Decimal = Field(..., examples=["120"])
    classification_scheme: str = Field("", pattern="^(|UNSPSC|CPV)$")
    classification_code: SafeStr = Field("", max_length=20)


class CriterionIn(InputSchema):
    name: SafeStr = Field(..., min_length=1, max_length=200, examples=["Price"])
    weight: Decimal = Field(..., examples=["60"])
    is_price: bool = False
    description: SafeStr = Field("", max_length=5000)


class QuestionOut(Schema):
    """A question and its answer. Vendors never see who asked other vendors' questions."""

    id: int = Field(..., examples=[9])
    text: str = Field(..., examples=["May we offer 15-inch models?"])
    asked_at: dt.datetime = Field(...)
    answer: str = Field(..., examples=["Yes, as an alternate."])
    answered_at: dt.datetime | None = Field(...)
    published: bool = Field(...)


class QuestionIn(InputSchema):
    text: SafeStr = Field(..., min_length=1, max_length=5000)


class AnswerIn(InputSchema):
    answer: SafeStr = Field(..., min_length=1, max_length=20000)
    publish: bool = True


class AddendumOut(Schema):
    id: int = Field(..., examples=[4])
    number: int = Field(..., examples=[1])
    title: str = Field(..., examples=["Delivery dates"])
    body: str = Field(...)
    issued_at: dt.datetime = Field(...)


class AddendumIn(InputSchema):
    title: SafeStr = Field(..., min_length=1, max_length=200)
    body: SafeStr = Field(..., min_length=1, max_length=20000)
    submission_deadline: dt.datetime | None = optional(description="A new submission deadline.")
    opening_at: dt.datetime | None = optional(description="A new opening time.")


class AcknowledgementOut(Schema):
    addendum_id: int = Field(...)
    vendor_id: int = Field(...)
    acknowledged_at: dt.datetime = Field(...)


class VendorOut(Schema):
    """The vendor company you act for."""

    id: int = Field(..., examples=[2])
    name: str = Field(..., examples=["Acme Supply"])
    legal_id: str = Field(..., examples=["EIN-12-3456789"])
    country: str = Field(..., examples=["US"])
    email: str = Field(..., examples=["sales@acme.example"])
    status: str = Field(..., examples=["active"])
    email_verified_at: dt.datetime | None = Field(...)
    consortia: list[int] = Field(..., description="Consortia (ids) the vendor registered with.")


class PublicFilter(Schema):
    q: SafeStr | None = optional(max_length=100, description="Text in the reference or title.")
    open_only: bool = Field(True, description="Only solicitations still open for bids.")


class SolicitationFilter(Schema):
    consortium: IdFilter | None = optional(description="Only this consortium's (id).")
    status: str | None = optional(pattern="^(draft|published|closed|opened|evaluated|awarded|cancelled)$")
