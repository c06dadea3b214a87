"""A person's in-app notifications and their delivery preferences: rows of one person alone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy

__all__ = ["Notification", "NotificationPreference", "NotificationPreferenceQuerySet", "NotificationQuerySet"]


class NotificationQuerySet(ScopedQuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One in-app message to one person, created beside the e-mail that carries the same news."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # A person's own: nobody else reads them, not even their consortium's admins.
    tenancy = Tenancy(owner="recipient")
    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="core_notif_recipient_new"),
            models.Index(fields=["recipient", "read_at"], name="core_notif_recipient_read"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreferenceQuerySet(ScopedQuerySet["NotificationPreference"]):
    pass


class NotificationPreference(models.Model):
    """How one person wants one kind of notification: by e-mail, in the app, both or neither.

    No row means both on. Kinds whose e-mail is required ignore `email=False` (see kinds.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    email = models.BooleanField(_("by e-mail"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    tenancy = Tenancy(owner="user")
    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="uniq_notification_pref_per_kind")
        ]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
