"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.tenancy.roles import Role
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy


class AppendOnlyError(RuntimeError):
    """Audit events cannot be changed or deleted through the application."""


class AuditEventQuerySet(ScopedQuerySet["AuditEvent"]):
    """Read by the consortium's admins only (Tenancy read_roles); written by nobody."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def writable_by(self, user: Any) -> AuditEventQuerySet:
        return self.none()


class AuditHead(models.Model):
    """The single row that holds the end of the chain; locked while an event is appended."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at {self.last_seq}"


class AuditEvent(models.Model):
    """One thing that happened: who, acting for which member, when (UTC), what, before and after."""

    seq = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("when (UTC)"), default=timezone.now, db_index=True)
    # DO_NOTHING without a constraint: deleting a person or member must never rewrite history
    # (a SET NULL would be an UPDATE that breaks the chain); the id stays as it was written.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    consortium = models.ForeignKey(
        "tenancy.Consortium",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    member = models.ForeignKey(
        "tenancy.Member",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting for"),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    # Which key (chain.key_id of INTERLOCAL_AUDIT_KEY or an old key) `hash` was computed with.
    key_id = models.CharField(max_length=16, editable=False)

    # Consortium admins read their consortium's events; nobody else reads the trail.
    tenancy = Tenancy(consortium="consortium", read_roles=frozenset({Role.CONSORTIUM_ADMIN}))
    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["consortium", "-seq"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def chain_fields(self) -> dict[str, Any]:
        """The fields covered by the hash (ids, not labels that may change later)."""
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "consortium_id": self.consortium_id,
            "member_id": self.member_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "ip_address": self.ip_address,
            "request_id": self.request_id,
            "key_id": self.key_id,
        }
