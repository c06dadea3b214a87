"""Service areas, their synonyms, and the queue of terms nobody has mapped yet."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.taxonomy.querysets import QUEUE_READ_ROLES, ServiceAreaQuerySet, SynonymQuerySet, TermQuerySet
from interlocal.tenancy.scoping import Tenancy

__all__ = ["ServiceArea", "Synonym", "UnmatchedTerm"]


class ServiceArea(models.Model):
    """A municipal service area or IT capability: standard (no consortium) or a consortium's own."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service area")
        CAPABILITY = "capability", _("IT capability")

    consortium = models.ForeignKey(
        "tenancy.Consortium",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_areas",
        help_text=_("Empty for the standard catalogue every consortium shares."),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=150)
    definition = models.TextField(_("definition"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=1000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Consortium rows follow the usual rule; standard rows (consortium empty) are added to the
    # readable set by ServiceAreaQuerySet.visible_to and are writable by nobody through the UI.
    tenancy = Tenancy(consortium="consortium", public_when_empty=True)
    objects = ServiceAreaQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(consortium__isnull=True), name="uniq_standard_area_code"
            ),
            models.UniqueConstraint(fields=["consortium", "code"], name="uniq_consortium_area_code"),
        ]
        indexes = [models.Index(fields=["consortium", "is_active", "sort_order"], name="taxonomy_area_scope")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_standard(self) -> bool:
        return self.consortium_id is None


class Synonym(models.Model):
    """Another name for an area: standard (no consortium) or one a consortium added or mapped."""

    area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="synonyms")
    consortium = models.ForeignKey(
        "tenancy.Consortium",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_area_synonyms",
        help_text=_("Empty for synonyms of the standard catalogue."),
    )
    text = models.CharField(_("synonym"), max_length=200)
    # The matcher's normal form (taxonomy.matching.normalize), kept for exact lookups in SQL.
    normalized = models.CharField(max_length=200, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="consortium", public_when_empty=True)
    objects = SynonymQuerySet.as_manager()

    class Meta:
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalized"], condition=Q(consortium__isnull=True), name="uniq_standard_synonym"
            ),
            models.UniqueConstraint(fields=["consortium", "normalized"], name="uniq_consortium_synonym"),
        ]

    def __str__(self) -> str:
        return self.text


class UnmatchedTerm(models.Model):
    """A term a consortium's people typed that matched no area, waiting for staff to map it once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        MAPPED = "mapped", _("Mapped")
        IGNORED = "ignored", _("Ignored")

    consortium = models.ForeignKey(
        "tenancy.Consortium", on_delete=models.CASCADE, related_name="unmatched_terms"
    )
    text = models.CharField(_("term"), max_length=200, help_text=_("As first written."))
    normalized = models.CharField(max_length=200)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    # {source: count}, e.g. {"assessment.import": 3, "costing.upload": 1}: where the term came from.
    sources = models.JSONField(_("sources"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    area = models.ForeignKey(
        ServiceArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mapped to"),
    )
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="consortium", read_roles=QUEUE_READ_ROLES)
    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["-occurrences", "text"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "normalized"], name="uniq_unmatched_term"),
        ]
        indexes = [models.Index(fields=["consortium", "status"], name="taxonomy_term_queue")]

    def __str__(self) -> str:
        return self.text
