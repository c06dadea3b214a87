"""QuerySets of the taxonomy's models; who reads what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from interlocal.tenancy.roles import Role
from interlocal.tenancy.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from django.db.models import Model

__all__ = ["QUEUE_READ_ROLES", "ServiceAreaQuerySet", "SynonymQuerySet", "TermQuerySet"]

QUEUE_READ_ROLES = frozenset({Role.CONSORTIUM_ADMIN, Role.CONSORTIUM_STAFF, Role.OBSERVER})


class _CatalogueQuerySet(ScopedQuerySet[Any]):
    """Standard rows (consortium empty) are readable by every signed-in person (Tenancy public_when_empty)."""


class ServiceAreaQuerySet(_CatalogueQuerySet):
    def for_consortium(self, consortium: Model | int) -> ServiceAreaQuerySet:
        """The standard areas plus `consortium`'s own, active only, in catalogue order."""
        consortium_id = consortium if isinstance(consortium, int) else consortium.pk
        return self.filter(
            Q(consortium__isnull=True) | Q(consortium_id=consortium_id), is_active=True
        ).order_by("sort_order", "name")

    def standard(self) -> ServiceAreaQuerySet:
        """The standard catalogue only."""
        return self.filter(consortium__isnull=True)


class SynonymQuerySet(_CatalogueQuerySet):
    def for_consortium(self, consortium: Model | int) -> SynonymQuerySet:
        """Standard synonyms plus `consortium`'s own, of active areas `consortium` can use."""
        consortium_id = consortium if isinstance(consortium, int) else consortium.pk
        return self.filter(
            Q(consortium__isnull=True) | Q(consortium_id=consortium_id),
            Q(area__consortium__isnull=True) | Q(area__consortium_id=consortium_id),
            area__is_active=True,
        )


class TermQuerySet(ScopedQuerySet[Any]):
    """Read by the consortium's admins, staff and consortium-wide observers (Tenancy read_roles)."""

    def pending(self) -> TermQuerySet:
        """Terms still waiting for someone to map or ignore them."""
        return self.filter(status="pending")
