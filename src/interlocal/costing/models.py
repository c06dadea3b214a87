"""Cost models of shared-service opportunities, their scenarios and the members' inputs.

A cost model belongs to a consortium (one per service opportunity). Its scenarios hold the
shared cost parameters (platform, variable cost, coordination) and the chosen allocation rule;
each scenario's participants hold the members' own figures. Every money figure may be given as
low / likely / high (an empty low or high means "the likely value"). Money is stored as Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.costing.querysets import CostModelQuerySet, ParticipantQuerySet, ScenarioQuerySet
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.scoping import Tenancy

__all__ = ["RANGED_MONEY", "RANGED_UNITS", "CostModel", "Rule", "Scenario", "ScenarioParticipant"]

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
NONNEG = [MinValueValidator(Decimal(0))]


def _money(label: Any, *, likely_default: Decimal | None = Decimal(0)) -> tuple[models.DecimalField, ...]:
    """Three money fields: low (optional), likely, high (optional)."""
    return (
        models.DecimalField(
            _("%(x)s (low)") % {"x": label}, null=True, blank=True, validators=NONNEG, **MONEY
        ),
        models.DecimalField(label, default=likely_default, validators=NONNEG, **MONEY),
        models.DecimalField(
            _("%(x)s (high)") % {"x": label}, null=True, blank=True, validators=NONNEG, **MONEY
        ),
    )


class Rule(models.TextChoices):
    """The allocation rules a scenario can compare and choose (engine names in docs/costing.md)."""

    EQUAL = "equal", _("Equal share")
    POPULATION = "population", _("Per capita")
    GRAND_LIST = "grand_list", _("By grand list (assessed value)")
    UNITS = "units", _("By units used")
    STANDALONE = "standalone", _("By stand-alone cost")
    BLEND = "blend", _("Weighted blend")
    BASE_FEE_USAGE = "base_fee_usage", _("Base fee + usage")
    SCRB = "scrb", _("SCRB (separable costs, remaining benefits)")
    SHAPLEY = "shapley", _("Shapley value")
    NUCLEOLUS = "nucleolus", _("Nucleolus")
    LEAST_CORE = "least_core", _("Least core")
    CLOSEST_STABLE = "closest_stable", _("Stable allocation closest to per capita")


class CostModel(models.Model):
    """A cost model of one shared-service opportunity, owned by a consortium."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="cost_models")
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        "taxonomy.ServiceArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cost_models",
        verbose_name=_("service area"),
        help_text=_("The service area of the opportunity (from the consortium's catalogue)."),
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="consortium")
    objects = CostModelQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["consortium", "name"], name="uniq_cost_model_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.area_id
            and self.area is not None
            and self.area.consortium_id not in (None, self.consortium_id)
        ):
            raise ValidationError({"area": _("Choose a service area of this consortium's catalogue.")})


class Scenario(models.Model):
    """One set of shared cost parameters and participants of a cost model (a version or a what-if)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    cost_model = models.ForeignKey(CostModel, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("copied from"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)

    platform_low, platform_likely, platform_high = _money(_("platform cost per year"))
    capex = models.DecimalField(
        _("capital cost"),
        null=True,
        blank=True,
        validators=NONNEG,
        help_text=_("One-off investment, annualised with the capital recovery factor."),
        **MONEY,
    )
    capex_life_years = models.PositiveSmallIntegerField(
        _("capital life (years)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    capex_rate = models.DecimalField(
        _("interest rate"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("A fraction: 0.04 for 4 %."),
    )
    price_low, price_likely, price_high = _money(_("price per unit"))
    exponent_low = models.DecimalField(
        _("economies of scale β (low)"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    exponent_likely = models.DecimalField(
        _("economies of scale β"),
        max_digits=6,
        decimal_places=4,
        default=Decimal(1),
        help_text=_("0 < β ≤ 1; below 1 each extra unit costs less."),
    )
    exponent_high = models.DecimalField(
        _("economies of scale β (high)"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    price_tiers = models.JSONField(
        _("price tiers"),
        default=list,
        blank=True,
        help_text=_('Vendor price tiers instead of p·U^β: a list of {"up_to": units, "price": per unit}.'),
    )
    coordination_low, coordination_likely, coordination_high = _money(_("coordination base h0"))
    coordination_exponent = models.DecimalField(
        _("coordination exponent γ"),
        max_digits=6,
        decimal_places=4,
        default=Decimal(1),
        help_text=_("Above 1, coordination gets harder as the group grows."),
    )
    term_years = models.PositiveSmallIntegerField(
        _("agreement term (years)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Members' onboarding costs are spread over the term."),
    )
    rule = models.CharField(_("chosen rule"), max_length=20, choices=Rule.choices, blank=True)
    rule_params = models.JSONField(
        _("rule parameters"),
        default=dict,
        blank=True,
        help_text=_(
            'Blend weights, e.g. {"blend": {"grand_list": 0.5, "population": 0.25, "road_miles": 0.25}}.'
        ),
    )
    rule_chosen_at = models.DateTimeField(null=True, blank=True)
    rule_chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped by every change to the scenario or its participants: results are cached against it.
    updated_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="cost_model__consortium")
    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["cost_model", "-version", "pk"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def consortium_id(self) -> int:
        """For the audit trail: the owning consortium."""
        return self.cost_model.consortium_id

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for base in ("platform", "price", "coordination", "exponent"):
            low, likely, high = (getattr(self, f"{base}_{k}") for k in ("low", "likely", "high"))
            if low is not None and likely is not None and low > likely:
                errors[f"{base}_low"] = str(_("The low value must not be above the likely value."))
            if high is not None and likely is not None and high < likely:
                errors[f"{base}_high"] = str(_("The high value must not be below the likely value."))
        for name in ("exponent_low", "exponent_likely", "exponent_high"):
            value = getattr(self, name)
            if value is not None and not Decimal(0) < value <= Decimal(1):
                errors[name] = str(_("β must be above 0 and at most 1."))
        if self.coordination_exponent is not None and self.coordination_exponent <= 0:
            errors["coordination_exponent"] = str(_("γ must be above 0."))
        if self.capex and (not self.capex_life_years or self.capex_rate is None):
            errors["capex"] = str(_("A capital cost needs its life in years and an interest rate."))
        tier_error = validate_tiers(self.price_tiers)
        if tier_error:
            errors["price_tiers"] = tier_error
        if errors:
            raise ValidationError(errors)


def validate_tiers(tiers: Any) -> str:
    """'' when `tiers` is a valid list of price tiers, else what is wrong (in words)."""
    if tiers in (None, []):
        return ""
    if not isinstance(tiers, list):
        return str(_("Price tiers must be a list."))
    previous = -1.0
    for k, tier in enumerate(tiers, start=1):
        if not isinstance(tier, dict) or "price" not in tier:
            return str(_("Tier %(k)s: give up_to (units, empty for the last tier) and price.") % {"k": k})
        up_to = tier.get("up_to")
        try:
            price = float(tier["price"])
            limit = float(up_to) if up_to is not None else float("inf")
        except (TypeError, ValueError):
            return str(_("Tier %(k)s: up_to and price must be numbers.") % {"k": k})
        if price < 0 or limit <= previous:
            return str(_("Tier %(k)s: prices must be ≥ 0 and up_to must increase.") % {"k": k})
        previous = limit
    return ""


class ScenarioParticipant(models.Model):
    """One member's inputs to a scenario; confidential to the member and the council unless named."""

    class Visibility(models.TextChoices):
        NAMED = "named", _("Other members may see my figures by name")
        AGGREGATE = "aggregate", _("Only in aggregates of several members")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cost_inputs")
    units_low = models.PositiveIntegerField(_("units (low)"), null=True, blank=True)
    units_likely = models.PositiveIntegerField(
        _("units"), default=0, help_text=_("Users, TB, devices… a whole number.")
    )
    units_high = models.PositiveIntegerField(_("units (high)"), null=True, blank=True)
    own_cost_low, own_cost_likely, own_cost_high = _money(_("onboarding and migration"))
    service_level_low, service_level_likely, service_level_high = _money(_("service level cost per year"))
    standalone_low, standalone_likely, standalone_high = _money(_("current stand-alone spend per year"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    grand_list = models.DecimalField(
        _("equalized grand list"), null=True, blank=True, validators=NONNEG, max_digits=18, decimal_places=2
    )
    road_miles = models.DecimalField(
        _("road miles"), null=True, blank=True, validators=NONNEG, max_digits=10, decimal_places=2
    )
    extra_weights = models.JSONField(_("other weights"), default=dict, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.AGGREGATE
    )
    # The member's own consent to other participants seeing its charge under every rule, although
    # a charge can reveal its inputs (by units used: its units). Given by its admins or staff only.
    charge_consent = models.BooleanField(
        _("other participants may see our charges"),
        default=False,
        help_text=_(
            "A charge can reveal the figures it is computed from: under “by units used”, anyone who "
            "knows their own units and charge can work out yours from your charge."
        ),
    )
    charge_consent_at = models.DateTimeField(null=True, blank=True)
    charge_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="scenario__cost_model__consortium", member="member", council_writes=True)
    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["scenario", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "member"], name="uniq_scenario_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.scenario}"

    @property
    def consortium_id(self) -> int:
        """For the audit trail: the owning consortium."""
        return self.scenario.cost_model.consortium_id

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for base in ("units", "own_cost", "service_level", "standalone"):
            low, likely, high = (getattr(self, f"{base}_{k}") for k in ("low", "likely", "high"))
            if low is not None and likely is not None and low > likely:
                errors[f"{base}_low"] = str(_("The low value must not be above the likely value."))
            if high is not None and likely is not None and high < likely:
                errors[f"{base}_high"] = str(_("The high value must not be below the likely value."))
        if not isinstance(self.extra_weights, dict) or any(
            not isinstance(v, int | float) or isinstance(v, bool) for v in self.extra_weights.values()
        ):
            errors["extra_weights"] = str(_("Other weights must be numbers by name."))
        if errors:
            raise ValidationError(errors)


RANGED_MONEY = ("own_cost", "service_level", "standalone")
RANGED_UNITS = ("units",)
