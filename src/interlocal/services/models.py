"""The shared service catalog, members' subscriptions and their metered usage.

A service belongs to a consortium and is provided by the consortium itself or by a lead member.
A subscription is one member's participation in one service (under an interlocal agreement), with
dated changes so that its state on any past day is exact. Usage records are per member, service
and period; they feed the billing runs (billing app).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.services.querysets import ServiceQuerySet, SubscriptionQuerySet, UsageQuerySet
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.scoping import Tenancy

__all__ = [
    "PricingRule",
    "Priority",
    "Service",
    "ServiceLevel",
    "ServiceStatus",
    "Subscription",
    "SubscriptionChange",
    "Unit",
    "UsageRecord",
    "UsageSource",
]

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
QUANTITY: dict[str, Any] = {"max_digits": 16, "decimal_places": 4}
NONNEG = [MinValueValidator(Decimal(0))]


class ServiceStatus(models.TextChoices):
    """Where a shared service is in its life."""

    PROPOSED = "proposed", _("Proposed")
    PILOTING = "piloting", _("Piloting")
    LIVE = "live", _("Live")
    RETIRING = "retiring", _("Retiring")


class Unit(models.TextChoices):
    """What a subscription's units count."""

    USERS = "users", _("Users")
    SEATS = "seats", _("Seats")
    GB = "gb", _("GB")
    DEVICES = "devices", _("Devices")


class PricingRule(models.TextChoices):
    """The charge rules of the billing engine (docs/billing.md)."""

    EQUAL = "equal", _("Equal share")
    PER_CAPITA = "per_capita", _("Per capita")
    FIXED_SHARES = "fixed_shares", _("Fixed shares")
    BY_USAGE = "by_usage", _("By usage")
    BASE_PLUS_USAGE = "base_plus_usage", _("Base fee plus usage")
    UNIT_PRICE = "unit_price", _("Price per unit")


class Priority(models.TextChoices):
    """Ticket priorities that service levels set targets for."""

    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Service(models.Model):
    """A shared service in a consortium's catalog."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        "taxonomy.ServiceArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("service area"),
    )
    provider = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provided_services",
        verbose_name=_("lead member"),
        help_text=_("Leave empty when the consortium itself provides the service."),
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ServiceStatus.choices, default=ServiceStatus.PROPOSED
    )
    availability_target = models.DecimalField(
        _("availability target (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    # Support hours as a business-hours calendar: {"mon": [["08:00", "17:00"]], ...}, in the
    # consortium's time zone; holidays are the service desk's calendar.
    support_hours = models.JSONField(_("support hours"), default=dict, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.USERS)
    pricing_rule = models.CharField(
        _("pricing rule"), max_length=20, choices=PricingRule.choices, default=PricingRule.EQUAL
    )
    # The rule's parameters: {"base_fraction": "0.3"} or {"unit_price": "12.50"}.
    pricing_params = models.JSONField(_("pricing parameters"), default=dict, blank=True)
    annual_amount = models.DecimalField(
        _("annual amount to recover"), null=True, blank=True, validators=NONNEG, **MONEY
    )
    scenario = models.ForeignKey(
        "costing.Scenario",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("costing scenario"),
        help_text=_("The cost model scenario whose chosen rates price this service."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="consortium")
    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["consortium", "name"], name="uniq_service_name")]

    def __str__(self) -> str:
        return self.name


class ServiceLevel(models.Model):
    """A service's first-response and resolution targets for one priority, in business minutes."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="levels")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))

    tenancy = Tenancy(consortium="service__consortium")
    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["service", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["service", "priority"], name="uniq_service_level_priority")
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.priority}"


class Subscription(models.Model):
    """One member's participation in one service, under an agreement; dated, never overlapping."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="subscriptions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subscriptions")
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("agreement"),
    )
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True, help_text=_("Inclusive; empty: open-ended."))
    units = models.DecimalField(_("units"), default=Decimal(0), validators=NONNEG, **QUANTITY)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="service__consortium", member="member")
    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["service", "member__name", "start"]
        indexes = [models.Index(fields=["service", "member", "start"], name="subscription_lookup")]

    def __str__(self) -> str:
        return f"{self.member} in {self.service} from {self.start}"


class SubscriptionChange(models.Model):
    """A dated change of a subscription (units, options, end); the state on any day replays these."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="changes")
    effective = models.DateField(_("effective from"))
    units = models.DecimalField(_("units"), validators=NONNEG, **QUANTITY)
    options = models.JSONField(_("options"), default=dict, blank=True)
    end = models.DateField(_("end date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="subscription__service__consortium", member="subscription__member")
    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["subscription", "effective", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.subscription} change on {self.effective}"


class UsageSource(models.TextChoices):
    """How a usage record arrived."""

    STAFF = "staff", _("Entered by staff")
    UPLOAD = "upload", _("Uploaded file")
    API = "api", _("API")


class UsageRecord(models.Model):
    """Metered usage of one service by one member over one period (dates inclusive)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="usage")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="usage")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    quantity = models.DecimalField(_("quantity"), validators=NONNEG, **QUANTITY)
    source = models.CharField(
        _("source"), max_length=10, choices=UsageSource.choices, default=UsageSource.STAFF
    )
    # A retried API POST carries the same Idempotency-Key: it never counts twice; the same key
    # with a different body is refused (409). `request_hash` is the body's digest.
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="service__consortium", member="member", council_writes=True)
    objects = UsageQuerySet.as_manager()

    class Meta:
        ordering = ["service", "member__name", "period_start", "pk"]
        indexes = [models.Index(fields=["service", "period_start", "period_end"], name="usage_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="uniq_usage_idempotency_key",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="usage_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.service} {self.period_start}–{self.period_end}: {self.quantity}"
