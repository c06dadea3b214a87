"""API for billing: invoices and credit notes (read). A member's people see only its own."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from interlocal.billing.models import CreditNote, Invoice
from interlocal.billing.queries import get_credit_note_for_user, get_invoice_for_user
from interlocal.core.api import IdParam, LimitOffset, error_responses, request_user

__all__ = ["router"]

router = Router(tags=["billing"])


class InvoiceLineOut(Schema):
    """One service's charge on an invoice and how it was computed."""

    service_id: int = Field(..., description="The service charged.")
    description: str = Field(..., description="What the line is for.")
    rule: str = Field(..., description="The charge rule (docs/billing.md).", examples=["per_capita"])
    days: int = Field(..., description="Days of the period the member took part.", examples=[90])
    period_days: int = Field(..., description="Days in the period.", examples=[90])
    quantity: Decimal = Field(..., description="Units or usage the charge is based on.")
    basis: dict[str, str] = Field(..., description="The explanation: weight, share, exact quota …")
    rounding: Decimal = Field(..., description="The charge less its exact quota.")
    amount: Decimal = Field(..., description="The charge.", examples=["1234.56"])


class InvoiceOut(Schema):
    """An issued invoice (immutable; corrected only by credit notes)."""

    id: int = Field(..., description="The invoice's id.")
    number: str = Field(
        ..., description="Its number, gapless per consortium and year.", examples=["2027-00001"]
    )
    consortium_id: int = Field(..., description="The issuing consortium.")
    member_id: int = Field(..., description="The member invoiced.")
    period_start: dt.date = Field(..., description="First day billed.")
    period_end: dt.date = Field(..., description="Last day billed (inclusive).")
    issued_at: dt.datetime = Field(..., description="When it was issued (UTC).")
    due_date: dt.date = Field(..., description="Payment due date.")
    total: Decimal = Field(..., description="Total charged.")
    paid: Decimal = Field(..., description="Payments received.")
    credited: Decimal = Field(..., description="Credit notes issued against it.")
    state: str = Field(..., description="open, paid, overdue or credited.")
    lines: list[InvoiceLineOut] = Field(..., description="Its lines.")


class CreditNoteOut(Schema):
    """A credit note correcting an invoice."""

    id: int = Field(..., description="The credit note's id.")
    number: str = Field(
        ..., description="Its number, gapless per consortium and year.", examples=["CN-2027-00001"]
    )
    invoice_id: int = Field(..., description="The invoice it corrects.")
    member_id: int = Field(..., description="The member.")
    issued_at: dt.datetime = Field(..., description="When it was issued (UTC).")
    reason: str = Field(..., description="Why.")
    total: Decimal = Field(..., description="Amount credited.")


@router.get(
    "/billing/invoices",
    response={200: list[InvoiceOut], **error_responses(401, 422)},
    operation_id="billing_invoices_list",
    summary="List invoices",
)
@paginate(LimitOffset)
def billing_invoices_list(request: HttpRequest) -> object:
    """Invoices you may see: your member's, or every member's for the council."""
    # Each invoice carries its lines.
    return (
        Invoice.objects.visible_to(request_user(request)).prefetch_related("lines").order_by("-year", "-seq")
    )


@router.get(
    "/billing/invoices/{invoice_id}",
    response={200: InvoiceOut, **error_responses(401, 404, 422)},
    operation_id="billing_invoices_get",
    summary="Get an invoice",
)
def billing_invoices_get(request: HttpRequest, invoice_id: IdParam) -> Invoice:
    """One invoice; 404 if it is not yours to see."""
    return get_invoice_for_user(request_user(request), invoice_id)


@router.get(
    "/billing/credit-notes",
    response={200: list[CreditNoteOut], **error_responses(401, 422)},
    operation_id="billing_credit_notes_list",
    summary="List credit notes",
)
@paginate(LimitOffset)
def billing_credit_notes_list(request: HttpRequest) -> object:
    """Credit notes you may see."""
    return CreditNote.objects.visible_to(request_user(request)).order_by("-year", "-seq")


@router.get(
    "/billing/credit-notes/{credit_note_id}",
    response={200: CreditNoteOut, **error_responses(401, 404, 422)},
    operation_id="billing_credit_notes_get",
    summary="Get a credit note",
)
def billing_credit_notes_get(request: HttpRequest, credit_note_id: IdParam) -> CreditNote:
    """One credit note; 404 if it is not yours to see."""
    return get_credit_note_for_user(request_user(request), credit_note_id)
