"""Read paths for tenancy: scoped querysets and get_*_for_user accessors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES, MEMBER_WRITE_ROLES, Role
from interlocal.tenancy.scoping import ScopedQuerySet, get_for_user

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium, Member, Membership

__all__ = [
    "ConsortiumQuerySet",
    "MemberQuerySet",
    "MembershipQuerySet",
    "get_consortium_for_user",
    "get_member_for_user",
    "get_membership_for_user",
]


def _active_memberships(user: Any) -> Any:
    from interlocal.tenancy.models import Membership

    return Membership.objects.filter(user=user, user__is_active=True, consortium__is_active=True)


class ConsortiumQuerySet(ScopedQuerySet["Consortium"]):
    def visible_to(self, user: User | AnonymousUser | None) -> ConsortiumQuerySet:
        """Consortia in which `user` holds any role (vendors included: they see the name)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(is_active=True).filter(
            Exists(_active_memberships(user).filter(consortium=OuterRef("pk")))
        )


class MemberQuerySet(ScopedQuerySet["Member"]):
    """Members' directory data (name, kind, population) is shared within a consortium."""

    def visible_to(self, user: User | AnonymousUser | None) -> MemberQuerySet:
        """Members taking part in a consortium where `user` has a non-vendor role."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        from interlocal.tenancy.models import ConsortiumMember

        user_consortia = _active_memberships(user).exclude(role=Role.VENDOR).values("consortium")
        return self.filter(
            Exists(ConsortiumMember.objects.filter(member=OuterRef("pk"), consortium__in=user_consortia))
        )

    def writable_by(self, user: User | AnonymousUser | None) -> MemberQuerySet:
        """A member's profile is kept by its own admins and by its consortia's admins and staff."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        from interlocal.tenancy.models import ConsortiumMember

        council = _active_memberships(user).filter(role__in=CONSORTIUM_WRITE_ROLES).values("consortium")
        return self.filter(
            Exists(_active_memberships(user).filter(role=Role.MEMBER_ADMIN, member=OuterRef("pk")))
            | Exists(ConsortiumMember.objects.filter(member=OuterRef("pk"), consortium__in=council))
        )

    def in_consortium(self, consortium: Consortium) -> MemberQuerySet:
        return self.filter(participations__consortium=consortium, participations__is_active=True)


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    """Who holds which role. People see their own roles, their member's people and the council."""

    def visible_to(self, user: User | AnonymousUser | None) -> MembershipQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        mine = _active_memberships(user)
        council = mine.filter(role__in=CONSORTIUM_WRITE_ROLES, consortium=OuterRef("consortium"))
        same_member = mine.filter(
            role__in=MEMBER_WRITE_ROLES | {Role.OBSERVER},
            member=OuterRef("member"),
            consortium=OuterRef("consortium"),
        )
        # Non-vendors of a consortium may see who its council staff are (a contact list).
        council_contacts = Q(member__isnull=True, role__in=CONSORTIUM_WRITE_ROLES) & Q(
            Exists(mine.exclude(role=Role.VENDOR).filter(consortium=OuterRef("consortium")))
        )
        return self.filter(Q(user=user) | Q(Exists(council)) | Q(Exists(same_member)) | council_contacts)

    def writable_by(self, user: User | AnonymousUser | None) -> MembershipQuerySet:
        """Consortium admins manage every role in their consortium; member admins their member's."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        mine = _active_memberships(user)
        return self.filter(
            Q(Exists(mine.filter(role=Role.CONSORTIUM_ADMIN, consortium=OuterRef("consortium"))))
            | Q(
                Exists(
                    mine.filter(
                        role=Role.MEMBER_ADMIN, member=OuterRef("member"), consortium=OuterRef("consortium")
                    )
                ),
                role__in=[Role.MEMBER_ADMIN, Role.MEMBER_STAFF, Role.OBSERVER],
            )
        )


def get_consortium_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Consortium:
    """The consortium if `user` holds a role in it; else 404."""
    from interlocal.tenancy.models import Consortium

    return get_for_user(Consortium.objects.all(), user, write=write, pk=pk)


def get_member_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Member:
    """The member if it takes part in one of `user`'s consortia; else 404."""
    from interlocal.tenancy.models import Member

    return get_for_user(Member.objects.all(), user, write=write, pk=pk)


def get_membership_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Membership:
    """The membership if `user` may see it (or manage it, with write=True); else 404."""
    from interlocal.tenancy.models import Membership

    return get_for_user(
        Membership.objects.select_related("user", "member", "consortium"), user, write=write, pk=pk
    )
