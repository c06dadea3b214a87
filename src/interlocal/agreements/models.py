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

from interlocal.agreements.querysets import (
    AgreementQuerySet,
    CalendarTokenQuerySet,
    DocumentQuerySet,
    PartyQuerySet,
    ReminderQuerySet,
    SignatureQuerySet,
    VersionQuerySet,
)
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.scoping import Tenancy

__all__ = [
    "Agreement",
    "AgreementParty",
    "AgreementStatus",
    "AgreementVersion",
    "CalendarToken",
    "DeadlineReminder",
    "DocumentKind",
    "DocumentTemplate",
    "GeneratedDocument",
    "PartyRole",
    "Renewal",
    "Signatory",
    "Signature",
]


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


class Signatory(models.Model):
    """A person who may sign for one party (a person with a role in that member, or council for the consortium)."""

    party = models.ForeignKey(AgreementParty, on_delete=models.CASCADE, related_name="signatories")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="party__agreement__consortium")
    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["party", "user__email"]
        constraints = [models.UniqueConstraint(fields=["party", "user"], name="uniq_agreement_signatory")]

    def __str__(self) -> str:
        return f"{self.user} for {self.party}"


class Signature(models.Model):
    """One party's signature of one version of an agreement: who, when, from where, and how."""

    class Method(models.TextChoices):
        TYPED = "typed", _("Typed name")
        PDF = "pdf", _("Signed PDF uploaded")

    party = models.ForeignKey(AgreementParty, on_delete=models.CASCADE, related_name="signatures")
    version = models.PositiveIntegerField(_("version"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    method = models.CharField(_("method"), max_length=6, choices=Method.choices)
    typed_name = models.CharField(_("typed name"), max_length=200, blank=True)
    file = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)

    tenancy = Tenancy(consortium="party__agreement__consortium")
    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["party", "-version", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["party", "version"], name="uniq_agreement_signature_version")
        ]

    def __str__(self) -> str:
        return f"{self.party} v{self.version}"


class AgreementVersion(models.Model):
    """The terms of one version of an agreement, frozen when it was circulated (amendments add versions)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    terms = models.JSONField(_("terms"), default=dict)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="agreement__consortium")
    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="uniq_agreement_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class DeadlineReminder(models.Model):
    """A reminder e-mail sent for one deadline of one agreement, so each is sent once."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice deadline")
        RENEWAL = "renewal", _("Renewal date")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    deadline = models.DateField()
    days_before = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="agreement__consortium")
    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "deadline", "-days_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "deadline", "days_before"], name="uniq_agreement_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.kind} {self.deadline} -{self.days_before}d"


class DocumentKind(models.TextChoices):
    """The documents generated from an agreement."""

    GOVERNANCE_CHARTER = "governance_charter", _("Governance charter")
    INTERLOCAL_AGREEMENT = "interlocal_agreement", _("Interlocal agreement")
    SLA = "sla", _("Service level agreement")
    REQUIREMENTS = "requirements_specification", _("Requirements specification")


class DocumentTemplate(models.Model):
    """A consortium's own template for one kind of document (Django template syntax, a sandboxed context)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="document_templates")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    body = models.TextField(_("body"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="consortium")
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["consortium", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "kind"], name="uniq_agreement_document_template")
        ]

    def __str__(self) -> str:
        return f"{self.consortium}: {self.get_kind_display()}"


class GeneratedDocument(models.Model):
    """One generated file of an agreement (numbered per agreement and kind); every one is kept."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(_("number"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    agreement_version = models.PositiveIntegerField(_("agreement version"))
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(consortium="agreement__consortium")
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "kind", "-number", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "number", "format"], name="uniq_agreement_generated_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.kind} #{self.number}.{self.format}"


class CalendarToken(models.Model):
    """A person's secret for reading the deadline calendar feeds without a session."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(owner="user")
    objects = CalendarTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"calendar token of {self.user_id}"
