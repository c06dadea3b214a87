"""Chargeback billing: runs, invoices, credit notes, payments, benefits and pay-outs.

A billing run computes every participant's charge for a consortium, a period and some services
with the charge engine (billing/engine, docs/billing.md) and, once the council confirms, issues
invoices. Invoices and credit notes are numbered without gaps per consortium and year (a counter
row locked in the issuing transaction), and are immutable once issued: a correction is a credit
note.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.billing.querysets import BenefitQuerySet, BillingRunQuerySet, InvoiceQuerySet, PayOutQuerySet
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES
from interlocal.tenancy.scoping import Tenancy

__all__ = [
    "Benefit",
    "BillingRun",
    "CreditNote",
    "CreditNoteLine",
    "DocumentKind",
    "ImmutableError",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "NumberCounter",
    "PayOut",
    "Payment",
    "RunStatus",
]

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
QUANTITY: dict[str, Any] = {"max_digits": 16, "decimal_places": 4}
NONNEG = [MinValueValidator(Decimal(0))]
COUNCIL_ONLY = Tenancy(consortium="consortium", read_roles=CONSORTIUM_WRITE_ROLES)


class ImmutableError(ValidationError):
    """An issued invoice, credit note or one of their lines was to be changed."""


class RunStatus(models.TextChoices):
    """Where a billing run is: previewed, issuing in the background, issued, or failed."""

    PREVIEW = "preview", _("Preview")
    RUNNING = "running", _("Issuing")
    ISSUED = "issued", _("Issued")
    FAILED = "failed", _("Failed")


class BillingRun(models.Model):
    """One consortium's charges for a period and a set of services; invoices once issued."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="billing_runs")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("Inclusive."))
    services = models.ManyToManyField(
        "services.Service", related_name="billing_runs", verbose_name=_("services")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PREVIEW
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    due_days = models.PositiveIntegerField(_("payment terms (days)"), default=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)

    tenancy = COUNCIL_ONLY
    objects = BillingRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.consortium} {self.period_start}–{self.period_end}"

    @property
    def percent(self) -> int:
        """Progress in whole percent (the progress bar)."""
        return 100 * self.progress_done // self.progress_total if self.progress_total else 0


class DocumentKind(models.TextChoices):
    """The two numbered sequences of a consortium and year."""

    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class NumberCounter(models.Model):
    """The last number used per consortium, year and kind; locked while numbers are allocated."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    last = models.PositiveIntegerField(default=0)

    tenancy = COUNCIL_ONLY
    objects = BillingRunQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consortium", "year", "kind"], name="uniq_billing_counter")
        ]

    def __str__(self) -> str:
        return f"{self.consortium} {self.kind} {self.year}: {self.last}"


class InvoiceStatus(models.TextChoices):
    """Payment status. "Overdue" is an open invoice past its due date (see Invoice.state)."""

    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CREDITED = "credited", _("Credited")


class _Frozen(models.Model):
    """Rows whose `FROZEN` fields never change once saved (issued documents)."""

    FROZEN: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self.FROZEN:
            stored = type(self)._base_manager.filter(pk=self.pk).values(*self.FROZEN).first()
            if stored is not None:
                changed = [f for f in self.FROZEN if stored[f] != _value(self, f)]
                if changed:
                    raise ImmutableError(
                        _("An issued %(kind)s cannot be changed (%(fields)s); issue a credit note instead.")
                        % {"kind": self._meta.verbose_name, "fields": ", ".join(changed)}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError(_("An issued %(kind)s cannot be deleted.") % {"kind": self._meta.verbose_name})


def _value(obj: models.Model, field: str) -> Any:
    f = obj._meta.get_field(field)
    return getattr(obj, f.attname)  # type: ignore[union-attr]


class Invoice(_Frozen):
    """A member's invoice from one billing run; immutable once issued (status and payments aside)."""

    FROZEN = (
        "consortium",
        "member",
        "run",
        "number",
        "year",
        "seq",
        "period_start",
        "period_end",
        "issued_at",
        "due_date",
        "total",
    )

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="invoices")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invoices")
    run = models.ForeignKey(
        BillingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    number = models.CharField(_("number"), max_length=30)
    year = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    issued_at = models.DateTimeField(_("issued"))
    due_date = models.DateField(_("due date"))
    total = models.DecimalField(_("total"), **MONEY)
    paid = models.DecimalField(_("paid"), default=Decimal(0), **MONEY)
    credited = models.DecimalField(_("credited"), default=Decimal(0), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    mailed_at = models.DateTimeField(null=True, blank=True)

    tenancy = Tenancy(consortium="consortium", member="member", council_writes=True)
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "year", "seq"], name="uniq_invoice_number")
        ]
        indexes = [models.Index(fields=["consortium", "member", "status"], name="invoice_receivables")]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self) -> Decimal:
        """What is still owed: total less payments and credit notes."""
        return self.total - self.paid - self.credited

    @property
    def state(self) -> str:
        """open / paid / overdue / credited, overdue being open past the due date."""
        if self.status == InvoiceStatus.OPEN and self.due_date < timezone.localdate():
            return InvoiceStatus.OVERDUE
        return self.status

    def state_label(self) -> str:
        return str(InvoiceStatus(self.state).label)

    def age_days(self, today: dt.date | None = None) -> int:
        """Days past the due date (0 when not yet due)."""
        return max(0, ((today or timezone.localdate()) - self.due_date).days)


class InvoiceLine(_Frozen):
    """One service's charge on an invoice, with the basis it was computed from."""

    FROZEN = ("invoice", "service", "amount", "rule", "days", "period_days", "quantity", "basis", "rounding")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    service = models.ForeignKey("services.Service", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=300)
    rule = models.CharField(_("rule"), max_length=20)
    days = models.PositiveIntegerField(_("days"))
    period_days = models.PositiveIntegerField(_("days in period"))
    quantity = models.DecimalField(_("quantity"), default=Decimal(0), **QUANTITY)
    # The explanation: weight, share of the total, exact quota, period amount, unit price …
    basis = models.JSONField(default=dict)
    rounding = models.DecimalField(_("rounding"), default=Decimal(0), max_digits=14, decimal_places=6)
    amount = models.DecimalField(_("amount"), **MONEY)

    tenancy = Tenancy(consortium="invoice__consortium", member="invoice__member", council_writes=True)
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.description}"


class CreditNote(_Frozen):
    """A correction of an issued invoice, numbered in its own gapless sequence."""

    FROZEN = ("consortium", "member", "invoice", "number", "year", "seq", "issued_at", "total", "reason")

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="credit_notes")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="credit_notes")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(_("number"), max_length=30)
    year = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("issued"))
    reason = models.TextField(_("reason"))
    total = models.DecimalField(_("total"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="consortium", member="member", council_writes=True)
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "year", "seq"], name="uniq_credit_note_number")
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(_Frozen):
    """The part of one invoice line a credit note takes back."""

    FROZEN = ("credit_note", "invoice_line", "amount")

    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credits")
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), validators=NONNEG, **MONEY)

    tenancy = Tenancy(consortium="credit_note__consortium", member="credit_note__member", council_writes=True)
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["credit_note", "pk"]

    def __str__(self) -> str:
        return f"{self.credit_note}: {self.description}"


class Payment(models.Model):
    """A payment received against an invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    paid_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="invoice__consortium", member="invoice__member", council_writes=True)
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.amount} on {self.paid_on}"


class Benefit(models.Model):
    """Projected against realised savings of one service in one year (consortium-wide or a member's)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("services.Service", on_delete=models.CASCADE, related_name="benefits")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    projected_savings = models.DecimalField(_("projected savings"), null=True, blank=True, **MONEY)
    realised_savings = models.DecimalField(_("realised savings"), null=True, blank=True, **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="consortium", member="member", member_optional=True, council_writes=True)
    objects = BenefitQuerySet.as_manager()

    class Meta:
        ordering = ["service", "year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "year"],
                condition=models.Q(member__isnull=True),
                name="uniq_benefit_service_year",
            ),
            models.UniqueConstraint(
                fields=["service", "year", "member"],
                condition=models.Q(member__isnull=False),
                name="uniq_benefit_member_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.year}"


class PayOut(models.Model):
    """A surplus returned to a member."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="payouts")
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="payouts"
    )
    year = models.PositiveIntegerField(_("year"))
    amount = models.DecimalField(_("amount"), validators=NONNEG, **MONEY)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="consortium", member="member", council_writes=True)
    objects = PayOutQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "member__name", "pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.amount}"
