"""The audit chain's keys, from settings (INTERLOCAL_AUDIT_KEY, INTERLOCAL_AUDIT_OLD_KEYS).

The key never lives in the database: whoever can write the events table but does not hold the
key cannot compute the hashes of a rewritten chain. Each event stores the id of the key it was
hashed with (`chain.key_id`, a fingerprint), so old keys keep verifying after a rotation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from interlocal.audit.chain import key_id

__all__ = ["check_audit_key", "current_key", "keyring"]


def current_key() -> tuple[str, bytes]:
    """(key id, key) that new events are hashed with; refused when no key is configured."""
    key = getattr(settings, "AUDIT_KEY", None)
    if not key:
        raise ImproperlyConfigured(
            "INTERLOCAL_AUDIT_KEY (or INTERLOCAL_AUDIT_KEY_FILE) is required in production to record audit events"
        )
    return key_id(key), key


def keyring() -> dict[str, bytes]:
    """Every key that verifies events: the current one and the old ones, by key id."""
    keys = [k for k in [getattr(settings, "AUDIT_KEY", None), *getattr(settings, "AUDIT_OLD_KEYS", [])] if k]
    return {key_id(k): k for k in keys}


def check_audit_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production refuses to run without the audit chain's key."""
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "AUDIT_KEY", None):
        return [
            checks.Error(
                "INTERLOCAL_AUDIT_KEY (or INTERLOCAL_AUDIT_KEY_FILE) is not set: audit events cannot be recorded.",
                hint="Generate one with `openssl rand -base64 32` and keep it out of the database and its backups.",
                id="audit.E001",
            )
        ]
    return []
