"""The one scoping mechanism: who may see and change which rows.

A model says where its owner is with a `tenancy = Tenancy(...)` class attribute and uses a
QuerySet derived from `ScopedQuerySet`. Views and API operations then read through
`Model.objects.visible_to(user)` (lists) and `get_for_user(...)` (one object), and never
filter by consortium or member themselves.

Rules (see docs/architecture.md):

- A row owned by a consortium (`consortium` path only) is readable by every person with a
  non-vendor role in that consortium, and writable by its consortium admins and staff.
- A row owned by a member (`member` path, usually with a `consortium` path too) is readable by
  that member's people (admins, staff, member observers) and, unless `council_reads=False`,
  by the consortium's admins and staff; it is writable only by that member's admins and staff.
- With `member_optional=True`, rows whose member is empty count as consortium-owned.
- With `member_anywhere=True`, a member's people reach its rows through a role for that member
  held in any consortium, not only in the row's own consortium. For rows a member holds in a
  consortium it may not belong to (a contract an outside public body signs under another
  consortium's cooperative contract). The council of the row's consortium still reads them.
- With `offered_to_public_bodies="<path to a boolean>"`, rows where that boolean is true are
  also readable by every person who acts for a public body (member admin or staff, in any
  consortium): things a consortium offers beyond itself (a cooperative contract open to
  piggybacking). Reading only; writes are unchanged.
- With `council_writes=True`, the consortium's admins and staff may also change a member's rows
  (they enter every member's cost inputs, for example).
- With `public_when_empty=True`, rows whose consortium is empty (a shared vocabulary such as the
  standard service-area catalogue) are readable by every signed-in person, vendors included, and
  writable by nobody through this path.
- With `read_roles=frozenset({...})`, consortium-owned rows are readable only by people holding
  one of those roles for the consortium as a whole (the audit trail: consortium admins; the
  taxonomy review queue: admins, staff and consortium-wide observers).
- With `draft=("status", "draft")`, rows whose field has that value (work not yet released) are
  readable only by the consortium's admins and staff; members, observers and everyone else get
  "not found" for them, in lists and one by one alike.
- With `owner="<path to a user>"`, the rows are one person's own (their in-app notifications,
  their notification preferences): readable and writable by that person alone, whatever roles
  they hold, and by nobody else, not even their consortium's admins. It stands on its own:
  no consortium or member path is needed, and none of the other options applies.
- Anonymous users see nothing. Superusers get no tenant data through this path either: the
  platform operator administers the installation from the command line, not members' data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.http import Http404

from interlocal.tenancy.roles import (
    CONSORTIUM_READ_ROLES,
    CONSORTIUM_WRITE_ROLES,
    MEMBER_WRITE_ROLES,
    Role,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser as User
    from django.contrib.auth.models import AnonymousUser


__all__ = [
    "Grants",
    "ScopedQuerySet",
    "Tenancy",
    "access_denied",
    "get_for_user",
    "grants_for",
    "holds_any_role",
    "is_consortium_admin",
    "is_council",
]

M = TypeVar("M", bound=models.Model)

MEMBER_READ_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_STAFF, Role.OBSERVER})


@dataclass(frozen=True)
class Tenancy:
    """Where a model's owner is: lookup paths from the model to its consortium and member."""

    consortium: str | None = None
    member: str | None = None
    member_optional: bool = False
    council_reads: bool = True
    member_anywhere: bool = False
    offered_to_public_bodies: str | None = None
    council_writes: bool = False
    public_when_empty: bool = False
    read_roles: frozenset[str] | None = None
    draft: tuple[str, Any] | None = None
    owner: str | None = None

    def __post_init__(self) -> None:
        if self.owner is not None:
            if self.consortium or self.member:
                raise ValueError("owner rows belong to one person: no consortium or member path")
            return
        if not self.consortium and not self.member:
            raise ValueError("Tenancy needs a consortium path, a member path or both")
        if self.member_anywhere and not self.member:
            raise ValueError("member_anywhere needs a member path")
        if (self.public_when_empty or self.council_writes) and not self.consortium:
            raise ValueError("public_when_empty and council_writes need a consortium path")
        if self.read_roles is not None and self.member:
            raise ValueError("read_roles applies to consortium-owned rows only")
        if self.draft is not None and not self.consortium:
            raise ValueError("draft needs a consortium path (drafts are the council's)")


Pair = tuple[int, int]


@dataclass(frozen=True)
class Grants:
    """A person's active roles, resolved to id sets with one small query.

    Scoping conditions are built from these literal ids (`consortium_id IN (…)`, `(consortium_id,
    member_id) = (…)`), which the database answers from indexes; correlated EXISTS subqueries
    joined by OR would make it test every row of a large table instead.
    """

    roles: frozenset[tuple[int, int | None, str]]

    def consortia(self, roles: frozenset[str]) -> list[int]:
        """Consortia where the person holds one of `roles` for the consortium as a whole or a member."""
        return sorted({c for c, _m, r in self.roles if r in roles})

    def consortia_wide(self, roles: frozenset[str]) -> list[int]:
        """Consortia where the person holds one of `roles` for the consortium as a whole."""
        return sorted({c for c, m, r in self.roles if r in roles and m is None})

    def pairs(self, roles: frozenset[str]) -> list[Pair]:
        """(consortium, member) pairs for which the person holds one of `roles`."""
        return sorted({(c, m) for c, m, r in self.roles if r in roles and m is not None})

    def members(self, roles: frozenset[str]) -> list[int]:
        """Members for which the person holds one of `roles`, in whichever consortium."""
        return sorted({m for _c, m, r in self.roles if r in roles and m is not None})


# Sent when get_for_user refuses an object that exists (user, model, lookup, write). The audit
# app records it (audit/apps.py connects the receiver): tenancy sits below audit and never
# imports it.
access_denied = Signal()

# Set on the user object of a request (which lives for that request only) by
# TenantContextMiddleware: its grants are then resolved once per request, not once per query.
REQUEST_SCOPED_FLAG = "_interlocal_request_user"
GRANTS_CACHE = "_interlocal_grants"


def grants_for(user: User | AnonymousUser | None) -> Grants:
    """The person's roles in active consortia (one query on the memberships index)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Grants(frozenset())
    cached = getattr(user, GRANTS_CACHE, None)
    if cached is not None:
        return cached
    # Through the user's reverse relation: this module sits below tenancy's models.
    rows = user.memberships.filter(  # type: ignore[union-attr,attr-defined]
        user__is_active=True, consortium__is_active=True
    ).values_list("consortium_id", "member_id", "role")
    grants = Grants(frozenset(rows))
    if getattr(user, REQUEST_SCOPED_FLAG, False):
        setattr(user, GRANTS_CACHE, grants)
    return grants


def holds_any_role(user: User | AnonymousUser | None, roles: frozenset[str]) -> bool:
    """Whether `user` holds one of `roles` anywhere (e.g. a role that requires MFA)."""
    return any(role in roles for _c, _m, role in grants_for(user).roles)


def is_council(user: User | AnonymousUser | None, consortium_id: int | None) -> bool:
    """Whether `user` is an admin or staff of the consortium as a whole: "the council".

    The one answer to "is this person council?" (who runs the consortium's work and reads
    members' shared data); every app asks it here.
    """
    if consortium_id is None:
        return False
    return consortium_id in grants_for(user).consortia_wide(CONSORTIUM_WRITE_ROLES)


def is_consortium_admin(user: User | AnonymousUser | None, consortium_id: int | None) -> bool:
    """Whether `user` is an admin of the consortium (who changes its settings and people)."""
    if consortium_id is None:
        return False
    return consortium_id in grants_for(user).consortia_wide(frozenset({Role.CONSORTIUM_ADMIN}))


def acts_for_member(
    user: User | AnonymousUser | None,
    consortium_id: int | None,
    member_id: int | None,
    roles: frozenset[str] = MEMBER_WRITE_ROLES,
) -> bool:
    """Whether `user` holds one of `roles` (by default: member admin or staff) for `member_id`
    within `consortium_id`: the right to write a member's own data there."""
    if consortium_id is None or member_id is None:
        return False
    return (consortium_id, member_id) in grants_for(user).pairs(roles)


def _in(path: str, ids: list[int]) -> Q:
    """`path IN ids`; an empty list matches nothing (Django drops the branch from an OR)."""
    return Q(**{f"{path}__in": ids})


def _pairs(spec: Tenancy, pairs: list[Pair]) -> Q:
    """Rows owned by one of the (consortium, member) pairs (any consortium's, for `member_anywhere`)."""
    if spec.member_anywhere:
        return _in(str(spec.member), sorted({m for _c, m in pairs}))
    condition = Q(pk__in=[])
    for consortium_id, member_id in pairs:
        if spec.consortium:
            condition |= Q(**{spec.consortium: consortium_id, str(spec.member): member_id})
        else:
            condition |= Q(**{str(spec.member): member_id})
    return condition


def _is_anonymous(user: User | AnonymousUser | None) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


class ScopedQuerySet(models.QuerySet[M], Generic[M]):
    """A QuerySet whose model declares `tenancy`; adds visible_to() and writable_by()."""

    def _spec(self) -> Tenancy:
        spec = getattr(self.model, "tenancy", None)
        if not isinstance(spec, Tenancy):
            raise TypeError(f"{self.model.__name__} has no `tenancy = Tenancy(...)` declaration")
        return spec

    def visible_to(self, user: User | AnonymousUser | None) -> Self:
        """The rows `user` may read."""
        if _is_anonymous(user):
            return self.none()
        spec = self._spec()
        if spec.owner is not None:
            return self.filter(**{spec.owner: user.pk})  # type: ignore[union-attr]
        return self.filter(self.read_condition(spec, grants_for(user)))  # type: ignore[arg-type]

    def writable_by(self, user: User | AnonymousUser | None) -> Self:
        """The rows `user` may change or delete."""
        if _is_anonymous(user):
            return self.none()
        spec = self._spec()
        if spec.owner is not None:
            return self.filter(**{spec.owner: user.pk})  # type: ignore[union-attr]
        return self.filter(self.write_condition(spec, grants_for(user)))  # type: ignore[arg-type]

    @staticmethod
    def read_condition(spec: Tenancy, grants: Grants) -> Q:
        """Who reads what (see the module docstring)."""
        if not spec.member and spec.read_roles is not None:
            condition = _in(str(spec.consortium), grants.consortia_wide(spec.read_roles))
        elif not spec.member:
            condition = _in(str(spec.consortium), grants.consortia(CONSORTIUM_READ_ROLES))
        else:
            condition = _pairs(spec, grants.pairs(MEMBER_READ_ROLES))
            if spec.consortium and spec.council_reads:
                condition |= _in(spec.consortium, grants.consortia_wide(CONSORTIUM_WRITE_ROLES))
            if spec.member_optional and spec.consortium:
                condition |= Q(**{f"{spec.member}__isnull": True}) & _in(
                    spec.consortium, grants.consortia(CONSORTIUM_READ_ROLES)
                )
        if spec.public_when_empty and spec.consortium:
            condition |= Q(**{f"{spec.consortium}__isnull": True})
        if spec.offered_to_public_bodies and grants.pairs(MEMBER_WRITE_ROLES):
            condition |= Q(**{spec.offered_to_public_bodies: True})
        if spec.draft is not None:
            field, value = spec.draft
            condition &= ~Q(**{field: value}) | _in(
                str(spec.consortium), grants.consortia_wide(CONSORTIUM_WRITE_ROLES)
            )
        return condition

    @staticmethod
    def write_condition(spec: Tenancy, grants: Grants) -> Q:
        """Who changes what (see the module docstring)."""
        if not spec.member:
            return _in(str(spec.consortium), grants.consortia_wide(CONSORTIUM_WRITE_ROLES))
        condition = _pairs(spec, grants.pairs(MEMBER_WRITE_ROLES))
        if spec.member_optional and spec.consortium:
            condition |= Q(**{f"{spec.member}__isnull": True}) & _in(
                spec.consortium, grants.consortia_wide(CONSORTIUM_WRITE_ROLES)
            )
        if spec.council_writes and spec.consortium:
            condition |= _in(spec.consortium, grants.consortia_wide(CONSORTIUM_WRITE_ROLES))
        return condition


def may_change(user: User | AnonymousUser | None, obj: models.Model) -> bool:
    """Whether `user` may change `obj`, a row of a model that declares a Tenancy (one query)."""
    manager = type(obj)._default_manager
    return bool(manager.all().writable_by(user).filter(pk=obj.pk).exists())  # type: ignore[attr-defined]


def get_for_user(
    queryset: models.QuerySet[M],
    user: User | AnonymousUser | None,
    *,
    write: bool = False,
    **lookup: Any,
) -> M:
    """The object if `user` may see it (or change it, with write=True); else Http404.

    "Missing" and "not yours" look the same to the caller, so nobody can probe for other
    members' objects. A refusal of an object that does exist is recorded in the audit trail.
    """
    scoped: models.QuerySet[M] = queryset.visible_to(user)  # type: ignore[attr-defined]
    if write:
        scoped = scoped.writable_by(user)  # type: ignore[attr-defined]
    try:
        return scoped.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        pass
    if queryset.model._base_manager.filter(**lookup).exists():
        access_denied.send(sender=queryset.model, user=user, lookup=lookup, write=write)
    raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.")
