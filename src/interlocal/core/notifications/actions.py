"""Writes: delivering a message (in-app row + which addresses still get the e-mail), marking
notifications read, and a person's preferences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.core.notifications.kinds import all_kinds, get_kind
from interlocal.core.notifications.models import Notification, NotificationPreference
from interlocal.core.notifications.queries import preferences_for

__all__ = ["deliver", "do_mark_all_read", "do_mark_read", "do_set_preferences", "in_app_link"]

MAX_BODY = 5000


def in_app_link(url: str) -> str:
    """The path (and query) of a link, for use inside the site; "" for anything not on it.

    E-mail links may be absolute (the base URL in front); in the app a path is enough, and a
    link to another site is never shown.
    """
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or not parts.path.startswith("/"):
        return ""
    if parts.netloc:
        from interlocal.core.links import site_url

        base = urlsplit(site_url())
        if not base.netloc or (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return ""
    if parts.path.startswith("//"):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def deliver(to: list[str], *, kind: str, subject: str, body: str, link: str = "") -> list[str]:
    """Record the in-app notification for each recipient who is a person of the site, and
    answer the addresses that should still get the e-mail (all but those who turned it off).

    Called by `core.mail.queue_mail`, the one path every e-mail takes. Addresses of nobody
    (an invitation to someone not yet signed up) simply get the e-mail.
    """
    spec = get_kind(kind)
    wanted = [a for a in to if a]
    users = list(
        get_user_model().objects.filter(email__in=[a.strip().lower() for a in wanted], is_active=True)
    )
    if not users:
        return wanted
    prefs = {
        (p.user_id, p.kind): p for p in NotificationPreference.objects.filter(user__in=users, kind=spec.key)
    }
    no_email: set[str] = set()
    rows = []
    now = timezone.now()
    for user in users:
        pref = prefs.get((user.pk, spec.key))
        if pref is not None and not pref.email and not spec.email_required:
            no_email.add(user.email)
        if pref is None or pref.in_app:
            rows.append(
                Notification(
                    recipient=user,
                    kind=spec.key,
                    title=" ".join(subject.split())[:250],
                    body=body[:MAX_BODY] if spec.in_app_content else "",
                    link=in_app_link(link) if spec.in_app_content else "",
                    created_at=now,
                )
            )
    Notification.objects.bulk_create(rows)
    return [a for a in wanted if a.strip().lower() not in no_email]


def do_mark_read(notification: Notification, *, acting_user: Any) -> Notification:
    """Mark one of one's own notifications read (not audited: a person's own reading)."""
    if notification.recipient_id != acting_user.pk:
        raise PermissionDenied(_("This is not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def do_mark_all_read(*, acting_user: Any) -> int:
    """Mark all of one's own unread notifications read; answers how many."""
    return Notification.objects.writable_by(acting_user).unread().update(read_at=timezone.now())


@transaction.atomic
def do_set_preferences(user: Any, *, acting_user: Any, choices: Mapping[str, Mapping[str, bool]]) -> None:
    """Store a person's delivery choice per kind ({kind: {"email": bool, "in_app": bool}}).

    Kinds whose e-mail is required refuse `email: False`. Audited as
    `core.notifications.preferences_changed` with the kinds before and after.
    """
    if acting_user is None or acting_user.pk != user.pk:
        raise PermissionDenied(_("You may only change your own notification settings."))
    known = {k.key: k for k in all_kinds()}
    unknown = sorted(set(choices) - set(known))
    if unknown:
        raise ValidationError(_("Unknown notification kinds: %(k)s") % {"k": ", ".join(unknown)})
    for key, choice in choices.items():
        if known[key].email_required and choice.get("email") is False:
            raise ValidationError(
                _("%(kind)s are always sent by e-mail.") % {"kind": known[key].label}, code="email_required"
            )
    before = {p.key: {"email": p.email, "in_app": p.in_app} for p in preferences_for(user)}
    now = timezone.now()
    for key, choice in choices.items():
        current = before[key]
        email = bool(choice.get("email", current["email"]))
        in_app = bool(choice.get("in_app", current["in_app"]))
        NotificationPreference.objects.update_or_create(
            user=user, kind=key, defaults={"email": email, "in_app": in_app, "updated_at": now}
        )
    after = {p.key: {"email": p.email, "in_app": p.in_app} for p in preferences_for(user)}
    changed = sorted(k for k in after if after[k] != before.get(k))
    if changed:
        audit.record(
            acting_user,
            "core.notifications.preferences_changed",
            user,
            object_repr=user.email,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
