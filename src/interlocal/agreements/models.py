"""Interlocal agreements between members of a consortium, and their parties.

An agreement is consortium-owned (drafts are the council's); its parties are the participating
members and the provider. Signatures, versions (amendments), renewals and generated documents
hang off these.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.agreements.querysets import AgreementQuerySet, PartyQuerySet
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.scoping import Tenancy

__all__ = ["Agreement", "AgreementParty", "AgreementStatus", "PartyRole", "Renewal"]


class AgreementStatus(models.TextChoices):
    """An agreement's lifecycle (amended and renewed are versions, not states)."""

    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated for signature")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class Renewal(models.TextChoices):
    """How an agreement renews at the end of its term."""

    AUTOMATIC = "automatic", _("Automatic")
    VOTE = "vote", _("By vote of the parties")
    NONE = "none", _("Does not renew")


class Agreement(models.Model):
    """An interlocal agreement of a consortium covering one or more shared services."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=250)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    services = models.ManyToManyField(
        "services.Service", blank=True, related_name="agreements", verbose_name=_("services covered")
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    term_months = models.PositiveIntegerField(_("term (months)"), default=36)
    renewal = models.CharField(
        _("renewal"), max_length=10, choices=Renewal.choices, default=Renewal.AUTOMATIC
    )
    notice_days = models.PositiveIntegerField(_("notice period (days)"), default=90)
    termination_terms = models.TextField(_("termination terms"), blank=True)
    withdrawal_terms = models.TextField(_("withdrawal terms"), blank=True)
    allocation_rule = models.CharField(_("cost allocation rule"), max_length=20, blank=True)
    sla = models.TextField(_("service levels"), blank=True)
    governing_body = models.CharField(_("governing body"), max_length=250, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="consortium", draft=("status", "draft"))
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class PartyRole(models.TextChoices):
    """A party's role in an agreement."""

    MEMBER = "member", _("Participating member")
    PROVIDER = "provider", _("Provider")


class AgreementParty(models.Model):
    """One party to an agreement: a member (participant or lead provider), or the consortium as provider."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        help_text=_("Empty: the consortium itself (as provider)."),
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices, default=PartyRole.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    # A withdrawal keeps the row and all history; the party simply stops being bound after this day.
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    tenancy = Tenancy(consortium="agreement__consortium")
    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "role", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "member"], name="uniq_agreement_party_member")
        ]

    def __str__(self) -> str:
        return f"{self.member or self.agreement.consortium} ({self.role})"
