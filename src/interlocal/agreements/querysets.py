"""QuerySets of the agreements app; who sees what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import Any

from interlocal.tenancy.scoping import ScopedQuerySet

__all__ = [
    "AgreementQuerySet",
    "CalendarTokenQuerySet",
    "DocumentQuerySet",
    "PartyQuerySet",
    "ReminderQuerySet",
    "SignatureQuerySet",
    "VersionQuerySet",
]


class AgreementQuerySet(ScopedQuerySet[Any]):
    """Agreements: consortium-owned; drafts only for the council, then read by everyone in the consortium."""


class PartyQuerySet(ScopedQuerySet[Any]):
    """The parties of agreements: consortium-owned, like their agreement."""


class SignatureQuerySet(ScopedQuerySet[Any]):
    """Signatures: read by everyone in the agreement's consortium."""


class VersionQuerySet(ScopedQuerySet[Any]):
    """Frozen versions of an agreement's terms."""


class ReminderQuerySet(ScopedQuerySet[Any]):
    """The deadline reminders already sent."""


class DocumentQuerySet(ScopedQuerySet[Any]):
    """Document templates and generated documents: consortium-owned."""


class CalendarTokenQuerySet(ScopedQuerySet[Any]):
    """A person's own calendar feed secret."""
