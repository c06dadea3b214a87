"""Reads of a person's own notifications and preferences (through the owner scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from interlocal.core.notifications.kinds import NotificationKind, all_kinds
from interlocal.core.notifications.models import Notification, NotificationPreference
from interlocal.tenancy.scoping import get_for_user

__all__ = [
    "KindPreference",
    "get_notification_for_user",
    "notifications_for",
    "preferences_for",
    "unread_count",
]


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own notifications, newest first."""
    qs = Notification.objects.visible_to(user)
    if unread_only:
        qs = qs.unread()
    return qs.order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    """How many of the person's notifications are unread (the bell's number)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.visible_to(user).unread().count()


def get_notification_for_user(user: Any, pk: int) -> Notification:
    """One of the person's own notifications; 404 for anyone else's."""
    return get_for_user(Notification.objects.all(), user, write=True, pk=pk)


@dataclass(frozen=True)
class KindPreference:
    """One kind's delivery for one person, with whether e-mail may be turned off."""

    kind: NotificationKind
    email: bool
    in_app: bool

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def email_required(self) -> bool:
        return self.kind.email_required


def preferences_for(user: Any) -> list[KindPreference]:
    """Every kind with the person's choice (both on where they chose nothing), in one query."""
    stored = {p.kind: p for p in NotificationPreference.objects.visible_to(user)}
    out = []
    for kind in all_kinds():
        pref = stored.get(kind.key)
        email = True if pref is None or kind.email_required else pref.email
        in_app = True if pref is None else pref.in_app
        out.append(KindPreference(kind, email, in_app))
    return out
