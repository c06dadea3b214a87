"""Read paths for the audit trail: who may read it, single events, and the browsing filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from interlocal.audit.models import AuditEvent
from interlocal.tenancy.roles import Role
from interlocal.tenancy.scoping import get_for_user, holds_any_role

__all__ = ["admin_consortium_ids", "filter_events", "get_event_for_user", "is_audit_reader"]


def admin_consortium_ids(user: Any) -> list[int]:
    """Ids of the active consortia `user` administers: the consortia whose trail they may read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    from interlocal.tenancy.models import Membership

    return list(
        Membership.objects.filter(user=user, role=Role.CONSORTIUM_ADMIN, consortium__is_active=True)
        .values_list("consortium_id", flat=True)
        .distinct()
    )


def is_audit_reader(user: Any) -> bool:
    """Whether `user` may read the audit trail at all (a consortium admin somewhere).

    From the person's grants (resolved once per request): consortium admins hold the role for
    the consortium as a whole, in active consortia only, as `admin_consortium_ids` counts them.
    """
    return holds_any_role(user, frozenset({Role.CONSORTIUM_ADMIN}))


def get_event_for_user(user: Any, pk: int) -> AuditEvent:
    """The event if `user` administers its consortium; else 404."""
    return get_for_user(AuditEvent.objects.all(), user, pk=pk)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the site's time zone (people think in local dates)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def filter_events(queryset: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Narrow an already scoped queryset by the cleaned AuditFilterForm values."""
    if filters.get("consortium"):
        queryset = queryset.filter(consortium=filters["consortium"])
    if filters.get("action"):
        queryset = queryset.filter(action__startswith=filters["action"])
    if filters.get("person"):
        queryset = queryset.filter(actor_label__icontains=filters["person"])
    if filters.get("member"):
        queryset = queryset.filter(member=filters["member"])
    if filters.get("object_type"):
        queryset = queryset.filter(object_type=filters["object_type"])
    if filters.get("date_from"):
        queryset = queryset.filter(occurred_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        queryset = queryset.filter(occurred_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    return queryset
