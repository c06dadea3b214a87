"""Authenticating API requests by personal token (called by the API's auth class)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from interlocal.accounts.models import ApiToken, User, hash_token

__all__ = ["LAST_USED_RESOLUTION", "authenticate_token"]

# last_used_at is informative ("used 3 minutes ago"); one write a minute per token is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def authenticate_token(raw: str) -> User | None:
    """The active person who owns the active token `raw`, or None."""
    raw = (raw or "").strip()
    if not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A conditional UPDATE: concurrent requests do not both write, and no row lock is held.
        ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USED_RESOLUTION).update(
            last_used_at=now
        )
    return token.user
