"""QuerySets of the services app; who sees what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import Any

from interlocal.tenancy.scoping import ScopedQuerySet

__all__ = ["ServiceQuerySet", "SubscriptionQuerySet", "UsageQuerySet"]


class ServiceQuerySet(ScopedQuerySet[Any]):
    """Shared services: consortium-owned; read by everyone in the consortium, written by its council."""


class SubscriptionQuerySet(ScopedQuerySet[Any]):
    """A member's subscriptions: read by the member's people and the council; written by the council."""


class UsageQuerySet(ScopedQuerySet[Any]):
    """Usage records: member-owned, read by the member and the council; written by the council."""
