"""QuerySets of tenancy's models: who may see and change consortia, members and memberships.

Imports none of this app's models (models.py imports these), so the layers run one way:
querysets -> models -> queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from interlocal.tenancy.roles import CONSORTIUM_READ_ROLES, CONSORTIUM_WRITE_ROLES, MEMBER_WRITE_ROLES, Role
from interlocal.tenancy.scoping import ScopedQuerySet, grants_for

ALL_ROLES = frozenset(Role.values)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser as User
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model


__all__ = ["ALL_ROLES", "ConsortiumQuerySet", "MemberQuerySet", "MembershipQuerySet"]


def _participations(members: QuerySet[Any]) -> QuerySet[Any]:
    """All ConsortiumMember rows, reached through Member's reverse relation (no model import)."""
    return members.model._meta.get_field("participations").related_model._default_manager.all()


def _anonymous(user: User | AnonymousUser | None) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


class ConsortiumQuerySet(ScopedQuerySet[Any]):
    def visible_to(self, user: User | AnonymousUser | None) -> ConsortiumQuerySet:
        """Consortia in which `user` holds any role (vendors included: they see the name)."""
        if _anonymous(user):
            return self.none()
        return self.filter(is_active=True, pk__in=grants_for(user).consortia(ALL_ROLES))


class MemberQuerySet(ScopedQuerySet[Any]):
    """Members' directory data (name, kind, population) is shared within a consortium."""

    def visible_to(self, user: User | AnonymousUser | None) -> MemberQuerySet:
        """Members taking part in a consortium where `user` has a non-vendor role."""
        if _anonymous(user):
            return self.none()
        consortia = grants_for(user).consortia(CONSORTIUM_READ_ROLES)
        return self.filter(
            Exists(_participations(self).filter(member=OuterRef("pk"), consortium__in=consortia))
        )

    def writable_by(self, user: User | AnonymousUser | None) -> MemberQuerySet:
        """A member's profile is kept by its own admins and by its consortia's admins and staff."""
        if _anonymous(user):
            return self.none()
        grants = grants_for(user)
        own = [member for _consortium, member in grants.pairs(frozenset({Role.MEMBER_ADMIN}))]
        council = grants.consortia_wide(CONSORTIUM_WRITE_ROLES)
        return self.filter(
            Q(pk__in=own)
            | Q(Exists(_participations(self).filter(member=OuterRef("pk"), consortium__in=council)))
        )

    def in_consortium(self, consortium: Model) -> MemberQuerySet:
        return self.filter(participations__consortium=consortium, participations__is_active=True)


def _pairs(pairs: list[tuple[int, int]], **extra: Any) -> Q:
    condition = Q(pk__in=[])
    for consortium_id, member_id in pairs:
        condition |= Q(consortium_id=consortium_id, member_id=member_id, **extra)
    return condition


class MembershipQuerySet(ScopedQuerySet[Any]):
    """Who holds which role. People see their own roles, their member's people and the council."""

    def visible_to(self, user: User | AnonymousUser | None) -> MembershipQuerySet:
        if _anonymous(user):
            return self.none()
        grants = grants_for(user)
        return self.filter(
            Q(user=user)
            | Q(consortium_id__in=grants.consortia_wide(CONSORTIUM_WRITE_ROLES))
            | _pairs(grants.pairs(MEMBER_WRITE_ROLES | {Role.OBSERVER}))
            # Non-vendors of a consortium may see who its council staff are (a contact list).
            | Q(
                member__isnull=True,
                role__in=CONSORTIUM_WRITE_ROLES,
                consortium_id__in=grants.consortia(CONSORTIUM_READ_ROLES),
            )
        )

    def in_consortium(self, consortium: Model) -> MembershipQuerySet:
        """Narrow (already scoped) rows to the consortium a page is about."""
        return self.filter(consortium=consortium)

    def writable_by(self, user: User | AnonymousUser | None) -> MembershipQuerySet:
        """Consortium admins manage every role in their consortium; member admins their member's."""
        if _anonymous(user):
            return self.none()
        grants = grants_for(user)
        return self.filter(
            Q(consortium_id__in=grants.consortia_wide(frozenset({Role.CONSORTIUM_ADMIN})))
            | _pairs(
                grants.pairs(frozenset({Role.MEMBER_ADMIN})),
                role__in=[Role.MEMBER_ADMIN, Role.MEMBER_STAFF, Role.OBSERVER],
            )
        )
