"""Read paths for billing: scoped accessors, receivables, a member's billing summary.

Other apps (agreements, the member's page of another app) read billing only through this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from interlocal.billing.models import (
    Benefit,
    BillingRun,
    CreditNote,
    Invoice,
    InvoiceStatus,
    PayOut,
)
from interlocal.tenancy.models import Member
from interlocal.tenancy.scoping import get_for_user, is_council

__all__ = [
    "AGEING_BUCKETS",
    "INVOICE_LIST_FIELDS",
    "MemberBilling",
    "ageing_bucket",
    "ageing_of",
    "get_credit_note_for_user",
    "get_invoice_for_user",
    "get_run_for_user",
    "invoices_for",
    "is_council_of",
    "member_billing",
    "member_choices",
    "open_q",
]

AGEING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def is_council_of(user: Any, consortium_id: int) -> bool:
    """Whether `user` is an admin or staff of the consortium (runs billing, records payments)."""
    return is_council(user, consortium_id)


def get_run_for_user(user: Any, pk: int) -> BillingRun:
    """The billing run if `user` is of its consortium's council; else 404."""
    return get_for_user(BillingRun.objects.select_related("consortium"), user, pk=pk)


def get_invoice_for_user(user: Any, pk: int, *, write: bool = False) -> Invoice:
    """The invoice if `user` may see it (the member's people, the council); else 404."""
    return get_for_user(Invoice.objects.select_related("member", "consortium"), user, write=write, pk=pk)


def get_credit_note_for_user(user: Any, pk: int) -> CreditNote:
    """The credit note if `user` may see it; else 404."""
    qs = CreditNote.objects.select_related("member", "consortium", "invoice")
    return get_for_user(qs, user, pk=pk)


def open_q(today: dt.date | None = None) -> Q:
    """Invoices still owed (open, overdue included)."""
    return Q(status__in=[InvoiceStatus.OPEN, InvoiceStatus.OVERDUE])


def invoices_for(user: Any, consortium_id: int) -> QuerySet[Invoice]:
    """The invoices of a consortium `user` may see; member names shown on every row."""
    return (
        Invoice.objects.visible_to(user)
        .filter(consortium_id=consortium_id)
        .select_related("member")  # each row names its member
    )


# What the invoice list reads of each row (the member's name comes with select_related).
INVOICE_LIST_FIELDS = (
    "consortium_id",
    "member_id",
    "member__name",
    "number",
    "year",
    "seq",
    "period_start",
    "period_end",
    "issued_at",
    "due_date",
    "total",
    "paid",
    "credited",
    "status",
)


def member_choices(user: Any, consortium_id: int) -> list[tuple[int, str]]:
    """(id, name) of the consortium's members `user` may see, for a filter (one query)."""
    return list(
        Member.objects.visible_to(user)
        .filter(participations__consortium_id=consortium_id, participations__is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def ageing_of(invoices: QuerySet[Invoice], today: dt.date | None = None) -> dict[str, Decimal]:
    """What is still owed of `invoices` per ageing bucket, in one aggregate query."""
    today = today or timezone.localdate()
    balance = F("total") - F("paid") - F("credited")
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    days = dt.timedelta
    ranges = {
        "current": Q(due_date__gte=today),
        "1-30": Q(due_date__lt=today, due_date__gte=today - days(30)),
        "31-60": Q(due_date__lt=today - days(30), due_date__gte=today - days(60)),
        "61-90": Q(due_date__lt=today - days(60), due_date__gte=today - days(90)),
        "90+": Q(due_date__lt=today - days(90)),
    }
    sums = (
        invoices.order_by()
        .filter(open_q())
        .aggregate(
            **{
                f"b{i}": Coalesce(Sum(balance, filter=q, output_field=zero.output_field), zero)
                for i, q in enumerate(ranges.values())
            }
        )
    )
    out = {bucket: sums[f"b{i}"] for i, bucket in enumerate(ranges)}
    return {bucket: amount for bucket, amount in out.items() if amount}


def ageing_bucket(invoice: Invoice, today: dt.date | None = None) -> str:
    """Which ageing column an open invoice falls in (days past its due date)."""
    if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.OVERDUE):
        return ""
    age = invoice.age_days(today)
    if age == 0:
        return "current"
    if age <= 30:
        return "1-30"
    if age <= 60:
        return "31-60"
    if age <= 90:
        return "61-90"
    return "90+"


@dataclass
class MemberBilling:
    """What a member's page shows of billing: open invoices, balance, savings and pay-outs to date."""

    open_invoices: list[Invoice]
    balance: Decimal
    realised_savings: Decimal
    payouts: Decimal


def member_billing(user: Any, consortium_id: int, member_id: int) -> MemberBilling:
    """A member's open invoices and savings to date (four queries, however many invoices)."""
    today = timezone.localdate()
    invoices = list(
        invoices_for(user, consortium_id)
        .filter(open_q(), member_id=member_id)
        .order_by("due_date", "seq")[:50]
    )
    balance = (
        invoices_for(user, consortium_id)
        .filter(open_q(), member_id=member_id)
        .aggregate(t=Sum("total"), p=Sum("paid"), c=Sum("credited"))
    )
    savings = (
        Benefit.objects.visible_to(user)
        .filter(consortium_id=consortium_id, member_id=member_id, year__lte=today.year)
        .aggregate(t=Sum("realised_savings"))["t"]
    )
    payouts = (
        PayOut.objects.visible_to(user)
        .filter(consortium_id=consortium_id, member_id=member_id)
        .aggregate(t=Sum("amount"))["t"]
    )
    owed = (balance["t"] or Decimal(0)) - (balance["p"] or Decimal(0)) - (balance["c"] or Decimal(0))
    return MemberBilling(invoices, owed, savings or Decimal(0), payouts or Decimal(0))
