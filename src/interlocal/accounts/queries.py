"""Read paths for accounts: who may invite whom, and get_*_for_user accessors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from interlocal.tenancy.roles import INVITABLE_ROLES, Role
from interlocal.tenancy.scoping import get_for_user

if TYPE_CHECKING:
    from interlocal.accounts.models import ApiToken, Invitation, User, UserSession
    from interlocal.tenancy.models import Consortium, Member

__all__ = [
    "administered_consortium_ids",
    "get_person_for_user",
    "manageable_people",
    "get_api_token_for_user",
    "get_invitation_by_token",
    "get_invitation_for_user",
    "get_session_for_user",
    "invitable_roles",
]


def _admin_memberships(user: Any) -> Any:
    from interlocal.tenancy.models import Membership

    if user is None or not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, consortium__is_active=True)


def invitable_roles(user: User, consortium: Consortium, member: Member | None = None) -> frozenset[str]:
    """The roles `user` may offer in `consortium` (for `member`, when given) by invitation.

    A consortium admin offers consortium admin/staff roles, observer seats and member-admin roles
    for any member of the consortium; a member admin offers member roles for their own member.
    """
    mine = _admin_memberships(user).filter(consortium=consortium)
    roles: set[str] = set()
    if mine.filter(role=Role.CONSORTIUM_ADMIN).exists():
        roles |= INVITABLE_ROLES[Role.CONSORTIUM_ADMIN]
    if member is not None and mine.filter(role=Role.MEMBER_ADMIN, member=member).exists():
        roles |= INVITABLE_ROLES[Role.MEMBER_ADMIN]
    return frozenset(roles)


def administered_consortium_ids(user: User) -> set[int]:
    """The consortia in which `user` is a consortium admin."""
    return set(
        _admin_memberships(user).filter(role=Role.CONSORTIUM_ADMIN).values_list("consortium_id", flat=True)
    )


def manageable_people(user: User) -> QuerySet[User]:
    """People whose roles all lie in consortia `user` administers (never `user`): they may be disabled."""
    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Membership

    mine = administered_consortium_ids(user)
    if not mine:
        return User.objects.none()
    elsewhere = Membership.objects.exclude(consortium__in=mine).filter(user=OuterRef("pk"))
    inside = Membership.objects.filter(consortium__in=mine, user=OuterRef("pk"))
    return User.objects.exclude(pk=user.pk).filter(Exists(inside)).exclude(Exists(elsewhere))


def get_person_for_user(user: User, pk: int) -> User:
    """A person `user` may disable or enable; else 404 (a refusal of an existing person is audited)."""
    from interlocal.accounts.models import User

    person = manageable_people(user).filter(pk=pk).first()
    if person is not None:
        return person
    if User.objects.filter(pk=pk).exists():
        from interlocal.audit import record_denied

        record_denied(user, User, {"pk": pk}, write=True)
    raise Http404("No person matches the given query.")


def get_invitation_for_user(user: User, pk: int, *, write: bool = False) -> Invitation:
    """The invitation if `user` manages it; else 404."""
    from interlocal.accounts.models import Invitation

    return get_for_user(
        Invitation.objects.select_related("consortium", "member", "invited_by"), user, write=write, pk=pk
    )


def get_invitation_by_token(raw_token: str) -> Invitation | None:
    """The invitation whose link carries `raw_token` (in any state), or None."""
    from interlocal.accounts.models import Invitation, hash_token

    if not raw_token or len(raw_token) > 200:
        return None
    return (
        Invitation.objects.select_related("consortium", "member", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def get_api_token_for_user(user: User, pk: int) -> ApiToken:
    """One of the person's own API tokens; else 404."""
    from interlocal.accounts.models import ApiToken

    return get_object_or_404(ApiToken.objects.owned_by(user), pk=pk)


def get_session_for_user(user: User, pk: int) -> UserSession:
    """One of the person's own sessions; else 404."""
    from interlocal.accounts.models import UserSession

    return get_object_or_404(UserSession.objects.owned_by(user), pk=pk)
