"""QuerySets of the service desk; who sees what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import Any, Self

from django.db.models import Q

from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES, Role
from interlocal.tenancy.scoping import Grants, ScopedQuerySet, grants_for

__all__ = [
    "CalendarQuerySet",
    "HolidayQuerySet",
    "SlaTargetQuerySet",
    "TicketPartQuerySet",
    "TicketQuerySet",
    "WorkingHoursQuerySet",
]


class CalendarQuerySet(ScopedQuerySet[Any]):
    """Business calendars: consortium-owned; read in the consortium, written by its council."""


class WorkingHoursQuerySet(ScopedQuerySet[Any]):
    """A calendar's working intervals: as their calendar."""


class HolidayQuerySet(ScopedQuerySet[Any]):
    """A calendar's holidays: as their calendar."""


class SlaTargetQuerySet(ScopedQuerySet[Any]):
    """SLA targets: consortium-owned, like the calendars they are measured in."""


MEMBER_ADMIN_ROLES = frozenset({Role.MEMBER_ADMIN})


class TicketQuerySet(ScopedQuerySet[Any]):
    """Tickets: a member's rows (Tenancy), narrowed for the member's staff and observers.

    The model's `Tenancy(consortium=..., member=...)` gives the member's people and the council
    (the provider: the consortium's admins and staff) their rows. On top of it, a ticket is one
    person's business within the member: member admins see all of their member's tickets, member
    staff and member observers only those they raised or watch. The narrowing lives here, beside
    the Tenancy, because it needs the reading user (not only their grants).
    """

    # Path from this model to the ticket: "" for the ticket itself, "ticket__" for its parts.
    ticket_prefix = ""

    def _ticket_id_path(self) -> str:
        return f"{self.ticket_prefix}id" if self.ticket_prefix else "pk"

    def _concerns(self, user: Any, grants: Grants) -> Q:
        """Council, the member's admins, or the person who raised or watches the ticket."""
        spec = self._spec()
        council = Q(**{f"{spec.consortium}__in": grants.consortia_wide(CONSORTIUM_WRITE_ROLES)})
        admins = Q(pk__in=[])
        for consortium_id, member_id in grants.pairs(MEMBER_ADMIN_ROLES):
            admins |= Q(**{str(spec.consortium): consortium_id, str(spec.member): member_id})
        ticket_model = (
            self.model if not self.ticket_prefix else self.model._meta.get_field("ticket").related_model
        )
        watcher_model = ticket_model._meta.get_field("watchers").related_model
        watched = watcher_model._default_manager.filter(user_id=user.pk).values("ticket_id")
        own = Q(**{f"{self.ticket_prefix}raised_by_id": user.pk}) | Q(
            **{f"{self._ticket_id_path()}__in": watched}
        )
        return council | admins | own

    def visible_to(self, user: Any) -> Self:
        """The rows `user` may read (see the class docstring)."""
        base = super().visible_to(user)
        if not user or not user.is_authenticated:
            return base
        return base.filter(self._concerns(user, grants_for(user)))

    def writable_by(self, user: Any) -> Self:
        """The rows `user` may change: the Tenancy's writers, among the rows they see."""
        base = super().writable_by(user)
        if not user or not user.is_authenticated:
            return base
        return base.filter(self._concerns(user, grants_for(user)))


class TicketPartQuerySet(TicketQuerySet):
    """A ticket's replies, watchers and status changes: readable with their ticket.

    Internal notes are further limited to the council by the reply model's Tenancy (`draft`).
    """

    ticket_prefix = "ticket__"
