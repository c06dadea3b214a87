"""Read paths for tenancy: scoped querysets and get_*_for_user accessors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interlocal.tenancy.models import Consortium, Member, Membership
from interlocal.tenancy.querysets import ConsortiumQuerySet, MemberQuerySet, MembershipQuerySet
from interlocal.tenancy.scoping import get_for_user

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User

__all__ = [
    "ConsortiumQuerySet",
    "MemberQuerySet",
    "MembershipQuerySet",
    "get_consortium_for_user",
    "get_member_for_user",
    "get_membership_for_user",
]


def get_consortium_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Consortium:
    """The consortium if `user` holds a role in it; else 404."""
    return get_for_user(Consortium.objects.all(), user, write=write, pk=pk)


def get_member_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Member:
    """The member if it takes part in one of `user`'s consortia; else 404."""
    return get_for_user(Member.objects.all(), user, write=write, pk=pk)


def get_membership_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Membership:
    """The membership if `user` may see it (or manage it, with write=True); else 404."""
    return get_for_user(
        Membership.objects.select_related("user", "member", "consortium"), user, write=write, pk=pk
    )
