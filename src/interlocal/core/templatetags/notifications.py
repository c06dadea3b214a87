"""The header bell's number: `{% unread_notification_count as n %}`."""

from __future__ import annotations

from typing import Any

from django import template

from interlocal.core.notifications.queries import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context: dict[str, Any]) -> int:
    """How many of the signed-in person's notifications are unread (one count query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_count(user)
