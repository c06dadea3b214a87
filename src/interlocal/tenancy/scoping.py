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
- Anonymous users see nothing. Superusers get no tenant data through this path either: the
  platform operator administers the installation from the command line, not members' data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from interlocal.tenancy.roles import (
    CONSORTIUM_READ_ROLES,
    CONSORTIUM_WRITE_ROLES,
    MEMBER_WRITE_ROLES,
    Role,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User

__all__ = ["ScopedQuerySet", "Tenancy", "get_for_user"]

M = TypeVar("M", bound=models.Model)

MEMBER_READ_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_STAFF, Role.OBSERVER})


@dataclass(frozen=True)
class Tenancy:
    """Where a model's owner is: lookup paths from the model to its consortium and member."""

    consortium: str | None = None
    member: str | None = None
    member_optional: bool = False
    council_reads: bool = True

    def __post_init__(self) -> None:
        if not self.consortium and not self.member:
            raise ValueError("Tenancy needs a consortium path, a member path or both")


def _memberships() -> models.QuerySet[Any]:
    from interlocal.tenancy.models import Membership

    return Membership.objects.filter(consortium__is_active=True, user__is_active=True)


def _role_in_consortium(user: User, path: str, roles: frozenset[str]) -> Exists:
    return Exists(_memberships().filter(user=user, role__in=roles, consortium=OuterRef(path)))


def _role_for_member(user: User, spec: Tenancy, roles: frozenset[str]) -> Exists:
    qs = _memberships().filter(user=user, role__in=roles, member=OuterRef(str(spec.member)))
    if spec.consortium:
        qs = qs.filter(consortium=OuterRef(spec.consortium))
    return Exists(qs)


def _is_anonymous(user: User | AnonymousUser | None) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


class ScopedQuerySet(models.QuerySet[M], Generic[M]):
    """A QuerySet whose model declares `tenancy`; adds visible_to() and writable_by()."""

    def _spec(self) -> Tenancy:
        spec = getattr(self.model, "tenancy", None)
        if not isinstance(spec, Tenancy):
            raise TypeError(f"{self.model.__name__} has no `tenancy = Tenancy(...)` declaration")
        return spec

    def visible_to(self, user: User | AnonymousUser | None) -> ScopedQuerySet[M]:
        """The rows `user` may read."""
        if _is_anonymous(user):
            return self.none()
        spec = self._spec()
        return self.filter(self._read_condition(spec, user))  # type: ignore[arg-type]

    def writable_by(self, user: User | AnonymousUser | None) -> ScopedQuerySet[M]:
        """The rows `user` may change or delete."""
        if _is_anonymous(user):
            return self.none()
        spec = self._spec()
        return self.filter(self._write_condition(spec, user))  # type: ignore[arg-type]

    @staticmethod
    def _read_condition(spec: Tenancy, user: User) -> Q:
        if not spec.member:
            return Q(_role_in_consortium(user, str(spec.consortium), CONSORTIUM_READ_ROLES))
        condition = Q(_role_for_member(user, spec, MEMBER_READ_ROLES))
        if spec.consortium and spec.council_reads:
            condition |= Q(_role_in_consortium(user, spec.consortium, CONSORTIUM_WRITE_ROLES))
        if spec.member_optional and spec.consortium:
            condition |= Q(**{f"{spec.member}__isnull": True}) & Q(
                _role_in_consortium(user, spec.consortium, CONSORTIUM_READ_ROLES)
            )
        return condition

    @staticmethod
    def _write_condition(spec: Tenancy, user: User) -> Q:
        if not spec.member:
            return Q(_role_in_consortium(user, str(spec.consortium), CONSORTIUM_WRITE_ROLES))
        condition = Q(_role_for_member(user, spec, MEMBER_WRITE_ROLES))
        if spec.member_optional and spec.consortium:
            condition |= Q(**{f"{spec.member}__isnull": True}) & Q(
                _role_in_consortium(user, spec.consortium, CONSORTIUM_WRITE_ROLES)
            )
        return condition


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
        from interlocal.audit import record_denied

        record_denied(user, queryset.model, lookup, write=write)
    raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.")
