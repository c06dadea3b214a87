"""The current consortium and member of a request ("acting for"), chosen by the person.

Scoping never depends on this: visible_to(user) decides what a person may see. The context only
decides which of the things they may see a page is about, and whom they act for in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from interlocal.tenancy.roles import ADMIN_ROLES, CONSORTIUM_WRITE_ROLES, MEMBER_WRITE_ROLES, Role
from interlocal.tenancy.scoping import GRANTS_CACHE, REQUEST_SCOPED_FLAG, Grants

if TYPE_CHECKING:
    from interlocal.tenancy.models import Consortium, Member, Membership

__all__ = ["SESSION_CONSORTIUM", "SESSION_MEMBER", "TenantContext", "load_context"]

SESSION_CONSORTIUM = "tenant_consortium_id"
SESSION_MEMBER = "tenant_member_id"


@dataclass
class TenantContext:
    """A person's memberships and the consortium and member they are currently acting for."""

    memberships: list[Membership] = field(default_factory=list)
    consortium: Consortium | None = None
    member: Member | None = None

    @cached_property
    def consortia(self) -> list[Consortium]:
        seen: dict[int, Consortium] = {}
        for m in self.memberships:
            seen.setdefault(m.consortium_id, m.consortium)
        return sorted(seen.values(), key=lambda c: c.name)

    @cached_property
    def roles(self) -> frozenset[str]:
        """Roles held in the current consortium (member roles only for the current member)."""
        if self.consortium is None:
            return frozenset()
        return frozenset(
            m.role
            for m in self.memberships
            if m.consortium_id == self.consortium.pk
            and (m.member_id is None or m.member_id == self.member_id)
        )

    @property
    def member_id(self) -> int | None:
        return self.member.pk if self.member else None

    @cached_property
    def members(self) -> list[Member]:
        """Members the person can act for in the current consortium."""
        if self.consortium is None:
            return []
        seen: dict[int, Member] = {}
        for m in self.memberships:
            if m.consortium_id == self.consortium.pk and m.member is not None:
                seen.setdefault(m.member.pk, m.member)
        return sorted(seen.values(), key=lambda x: x.name)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_consortium_admin(self) -> bool:
        return Role.CONSORTIUM_ADMIN in self.roles

    @property
    def is_council(self) -> bool:
        """Consortium admin or staff: runs the consortium."""
        return bool(self.roles & CONSORTIUM_WRITE_ROLES)

    @property
    def is_member_admin(self) -> bool:
        return Role.MEMBER_ADMIN in self.roles

    @property
    def can_write_member(self) -> bool:
        return bool(self.roles & MEMBER_WRITE_ROLES)

    @property
    def is_admin(self) -> bool:
        return bool(self.roles & ADMIN_ROLES)

    @property
    def is_read_only(self) -> bool:
        return self.roles <= {Role.OBSERVER}

    @property
    def is_vendor(self) -> bool:
        return self.roles == {Role.VENDOR}


def load_context(user: Any, session: Any) -> TenantContext:
    """Build the context from the person's memberships and the choice kept in the session."""
    if user is None or not user.is_authenticated:
        return TenantContext()
    from interlocal.tenancy.models import Membership

    memberships = list(
        Membership.objects.filter(user=user, consortium__is_active=True)
        .select_related("consortium", "member")  # the header shows both names
        .order_by("consortium__name", "member__name", "role")
    )
    if getattr(user, REQUEST_SCOPED_FLAG, False) and user.is_active:
        # The same rows answer visible_to() for the rest of the request.
        setattr(
            user, GRANTS_CACHE, Grants(frozenset((m.consortium_id, m.member_id, m.role) for m in memberships))
        )
    if not memberships:
        return TenantContext()
    wanted_c = session.get(SESSION_CONSORTIUM) if session is not None else None
    in_consortium = [m for m in memberships if m.consortium_id == wanted_c] or [
        m for m in memberships if m.consortium_id == memberships[0].consortium_id
    ]
    consortium = in_consortium[0].consortium
    wanted_m = session.get(SESSION_MEMBER) if session is not None else None
    with_member = [m for m in in_consortium if m.member_id is not None]
    chosen = [m for m in with_member if m.member_id == wanted_m] or with_member
    member = chosen[0].member if chosen else None
    return TenantContext(memberships=memberships, consortium=consortium, member=member)
