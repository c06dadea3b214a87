"""Platform models of the site shell: private uploaded files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The notifications topic keeps its models in its own package; imported here so Django finds them.
from interlocal.core.notifications.models import (  # noqa: E402
    Notification,
    NotificationPreference,
)
from interlocal.tenancy.roles import Role
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy, grants_for

__all__ = ["Notification", "NotificationPreference", "StoredFile", "StoredFileQuerySet"]


class StoredFileQuerySet(ScopedQuerySet["StoredFile"]):
    """Files are read by whoever may read their owner (the member, or the consortium when no member)."""

    def visible_to(self, user: Any) -> StoredFileQuerySet:
        """The tenancy rule, plus the uploader's own files while they still hold a role in the consortium.

        (A vendor who uploaded a bid document may fetch it again; nobody else's.)
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        grants = grants_for(user)
        own = Q(uploaded_by=user, consortium_id__in=grants.consortia(frozenset(Role.values)))
        return self.filter(self.read_condition(self._spec(), grants) | own)


class StoredFile(models.Model):
    """One private uploaded file, kept in the default storage under a random path; served only by files.download."""

    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    consortium = models.ForeignKey(
        "tenancy.Consortium", on_delete=models.PROTECT, related_name="files", verbose_name=_("consortium")
    )
    member = models.ForeignKey(
        "tenancy.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("member"),
    )

    # member_anywhere: a member's people read its files through a role for it in any consortium
    # (an outside public body's documents on its contract under another consortium's master).
    tenancy = Tenancy(consortium="consortium", member="member", member_optional=True, member_anywhere=True)
    objects = StoredFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("file_download", args=[self.pk])

    def audit_fields(self) -> dict[str, Any]:
        """What the audit trail keeps of a file (never its content)."""
        return {
            "original_name": self.original_name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "member_id": self.member_id,
        }
