"""Consortia, members and memberships: who shares services with whom, and who may do what."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.lib.timezones import is_valid_zone
from interlocal.tenancy.querysets import ConsortiumQuerySet, MemberQuerySet, MembershipQuerySet
from interlocal.tenancy.roles import Role
from interlocal.tenancy.scoping import Tenancy


def default_time_zone() -> str:
    """A new consortium's zone: the installation's (INTERLOCAL_TIME_ZONE)."""
    return str(settings.TIME_ZONE)


def validate_time_zone(value: str) -> None:
    """An IANA zone name the system knows, e.g. America/Edmonton."""
    if not is_valid_zone(value):
        raise ValidationError(
            _("%(value)s is not a time zone; use an IANA name such as America/Edmonton."),
            code="invalid_time_zone",
            params={"value": value},
        )


class Consortium(models.Model):
    """A body that shares services among its members: a council of governments, a lead town, ..."""

    class Kind(models.TextChoices):
        COUNCIL_OF_GOVERNMENTS = "cog", _("Council of governments")
        PURCHASING_COUNCIL = "purchasing", _("Purchasing council")
        LEAD_TOWN = "lead_town", _("Lead town")
        COOPERATIVE = "cooperative", _("Municipal cooperative")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNCIL_OF_GOVERNMENTS
    )
    region = models.CharField(_("state or province"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, default="US", help_text=_("ISO 3166-1 alpha-2"))
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("The zone of the consortium's legal deadlines (an IANA name, e.g. America/Edmonton)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="pk")
    objects = ConsortiumQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "consortia"

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A public body that takes part in shared services: a town, city, county, district, ..."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town")
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        MUNICIPAL_DISTRICT = "municipal_district", _("Municipal district")
        SPECIALIZED_MUNICIPALITY = "specialized_municipality", _("Specialized municipality")
        SCHOOL_DISTRICT = "school_district", _("School district")
        OTHER = "other", _("Other public body")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.TOWN)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    census_code = models.CharField(
        _("census or statistics code"), max_length=40, blank=True, help_text=_("e.g. a FIPS or StatCan code")
    )
    website = models.URLField(_("website"), blank=True)
    region = models.CharField(_("state or province"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, default="US")
    created_at = models.DateTimeField(default=timezone.now)

    consortia: models.ManyToManyField[Consortium, ConsortiumMember] = models.ManyToManyField(
        Consortium, through="ConsortiumMember", related_name="members"
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsortiumMember(models.Model):
    """That a member takes part in a consortium (a member may belong to several)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="participations")
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    is_active = models.BooleanField(_("active"), default=True)

    tenancy = Tenancy(consortium="consortium")

    class Meta:
        ordering = ["consortium", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "member"], name="uniq_consortium_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.consortium}"


class Membership(models.Model):
    """A person's role in a consortium, for the consortium as a whole or for one member of it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["consortium", "member__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "consortium", "member", "role"], name="uniq_membership_with_member"
            ),
            models.UniqueConstraint(
                fields=["user", "consortium", "role"],
                condition=Q(member__isnull=True),
                name="uniq_membership_consortium_wide",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["member_admin", "member_staff"]) | Q(member__isnull=False),
                name="member_role_needs_member",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["consortium_admin", "consortium_staff", "vendor"])
                | Q(member__isnull=True),
                name="consortium_role_has_no_member",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.member} / {self.consortium}" if self.member_id else str(self.consortium)
        return f"{self.user} — {self.get_role_display()} — {where}"
