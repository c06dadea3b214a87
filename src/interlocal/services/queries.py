"""Read paths for the services app: scoped accessors, and the plain data billing runs need.

Other apps (billing, agreements, servicedesk) read services only through this module.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from interlocal.services.models import (
    Service,
    ServiceLevel,
    ServiceStatus,
    Subscription,
    SubscriptionChange,
    UsageRecord,
)
from interlocal.tenancy.models import Consortium
from interlocal.tenancy.scoping import MEMBER_READ_ROLES, get_for_user, grants_for, is_council

__all__ = [
    "PUBLIC_STATUSES",
    "BillingBasis",
    "Segment",
    "SubscriptionState",
    "billing_basis",
    "can_manage_services",
    "changes_of",
    "current_participants",
    "get_service_for_user",
    "get_subscription_for_user",
    "levels_of",
    "reads_member",
    "overlapping_subscriptions",
    "public_catalog_by_consortium",
    "public_consortium",
    "public_services_of",
    "services_visible_to",
    "subscribed_during",
    "subscription_state_on",
    "subscriptions_visible_to",
    "usage_visible_to",
]

# What the public catalog shows: services that run (no proposals, nothing being wound down).
PUBLIC_STATUSES = (ServiceStatus.LIVE, ServiceStatus.PILOTING)


def can_manage_services(user: Any, consortium_id: int | None) -> bool:
    """The council (consortium admins and staff) manages the catalog, subscriptions and usage."""
    return is_council(user, consortium_id)


def reads_member(user: Any, consortium_id: int, member_id: int) -> bool:
    """Whether `user` reads this member's subscriptions and usage: the council, or its own people."""
    if is_council(user, consortium_id):
        return True
    return (consortium_id, member_id) in grants_for(user).pairs(MEMBER_READ_ROLES)


def services_visible_to(user: Any) -> QuerySet[Service]:
    """The catalog `user` may read, with what list rows show."""
    # Each row names its area and lead member.
    return Service.objects.visible_to(user).select_related("consortium", "area", "provider")


def consortium_services_for(user: Any, consortium_id: int) -> QuerySet[Service]:
    """The services of one consortium that `user` may read, by name (for choice lists)."""
    return Service.objects.visible_to(user).filter(consortium_id=consortium_id).order_by("name", "pk")


def subscriptions_visible_to(user: Any) -> QuerySet[Subscription]:
    """Subscriptions `user` may read: their own member's, or all of the consortium for the council."""
    # Each row names its service and member.
    return Subscription.objects.visible_to(user).select_related("service", "member", "agreement")


def usage_visible_to(user: Any) -> QuerySet[UsageRecord]:
    """Usage records `user` may read (own member's; the council reads all)."""
    return UsageRecord.objects.visible_to(user).select_related("service", "member")


def levels_of(service: Service) -> list[ServiceLevel]:
    """A service's targets per priority (readable wherever the service is)."""
    order = {p: i for i, p in enumerate(["critical", "high", "medium", "low"])}
    return sorted(ServiceLevel.objects.filter(service=service), key=lambda lv: order.get(lv.priority, 9))


def changes_of(subscription: Subscription) -> list[SubscriptionChange]:
    """A subscription's dated changes, oldest first (read wherever the subscription is)."""
    return list(
        SubscriptionChange.objects.filter(subscription=subscription)
        .select_related("recorded_by")
        .order_by("effective", "recorded_at", "pk")
    )


@dataclass(frozen=True)
class SubscriptionState:
    """A subscription as it stood on one day."""

    day: dt.date
    active: bool
    units: Decimal
    options: dict[str, Any]
    end: dt.date | None


def subscription_state_on(subscription: Subscription, day: dt.date) -> SubscriptionState:
    """Replay the dated changes effective on or before `day`: units, options and end on that day."""
    units, options, end = subscription.units, dict(subscription.options or {}), subscription.end
    for change in SubscriptionChange.objects.filter(subscription=subscription, effective__lte=day).order_by(
        "effective", "recorded_at", "pk"
    ):
        units, options = change.units, dict(change.options or {})
        if change.end is not None:
            end = change.end
    active = subscription.start <= day and (end is None or day <= end)
    return SubscriptionState(day=day, active=active, units=units, options=options, end=end)


def _covering(start: dt.date, end: dt.date | None) -> Q:
    """Subscriptions whose [start, end] meets [start, end] (end None: open-ended)."""
    condition = Q(end__isnull=True) | Q(end__gte=start)
    if end is not None:
        condition &= Q(start__lte=end)
    return condition


def overlapping_subscriptions(
    service_id: int, member_id: int, start: dt.date, end: dt.date | None, *, exclude_pk: int | None = None
) -> QuerySet[Subscription]:
    """The member's other subscriptions to the service that share a day with [start, end].

    Not scoped: the action that asks has checked the actor's right. Ends moved by dated changes
    count too (the latest change's end wins).
    """
    qs = Subscription.objects.filter(service_id=service_id, member_id=member_id).filter(
        _covering(start, end) | Q(changes__end__isnull=False)
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    found = []
    for sub in qs.distinct():
        sub_end = _effective_end(sub)
        if (end is None or sub.start <= end) and (sub_end is None or sub_end >= start):
            found.append(sub.pk)
    return Subscription.objects.filter(pk__in=found)


def _effective_end(sub: Subscription) -> dt.date | None:
    last = (
        SubscriptionChange.objects.filter(subscription=sub, end__isnull=False)
        .order_by("-effective", "-recorded_at", "-pk")
        .values_list("end", flat=True)
        .first()
    )
    return last if last is not None else sub.end


def subscribed_during(service_id: int, member_id: int, start: dt.date, end: dt.date) -> bool:
    """Whether the member's subscriptions to the service cover every day of [start, end]."""
    subs = Subscription.objects.filter(service_id=service_id, member_id=member_id, start__lte=end)
    spans = sorted((s.start, _effective_end(s)) for s in subs)
    cursor = start
    for span_start, span_end in spans:
        if span_start > cursor:
            return False
        if span_end is None or span_end >= end:
            return True
        cursor = max(cursor, span_end + dt.timedelta(days=1))
    return False


def current_participants(user: Any, service: Service, day: dt.date) -> list[Subscription]:
    """Subscriptions of `service` current on `day` that `user` may read (the members' view).

    Two queries however many members: the dated ends are replayed from one read of the changes.
    """
    subs = list(
        subscriptions_visible_to(user).filter(service=service, start__lte=day).order_by("member__name")
    )
    ends: dict[int, dt.date | None] = {s.pk: s.end for s in subs}
    for sub_id, change_end in (
        SubscriptionChange.objects.filter(
            subscription_id__in=list(ends), effective__lte=day, end__isnull=False
        )
        .order_by("effective", "recorded_at", "pk")
        .values_list("subscription_id", "end")
    ):
        ends[sub_id] = change_end
    return [s for s in subs if ends[s.pk] is None or ends[s.pk] >= day]  # type: ignore[operator]


def public_consortium(slug: str) -> Any:
    """An active consortium by its short name, for the public catalog (None if there is none)."""
    return Consortium.objects.filter(slug=slug, is_active=True).first()


def public_services_of(consortium_id: int) -> QuerySet[Service]:
    """A consortium's live and piloting services: what anyone may read (no member-private data)."""
    return (
        Service.objects.filter(
            consortium_id=consortium_id, status__in=PUBLIC_STATUSES, consortium__is_active=True
        )
        .select_related("area", "provider")
        .order_by("name")
    )


def public_catalog_by_consortium(limit: int = 8) -> dict[Any, dict[str, Any]]:
    """Every active consortium's public services, for the front door: {consortium: {rows, total}}."""
    rows = (
        Service.objects.filter(status__in=PUBLIC_STATUSES, consortium__is_active=True)
        .select_related("consortium", "area")
        .order_by("consortium__name", "name")
    )
    out: dict[Any, dict[str, Any]] = {}
    for service in rows:
        entry = out.setdefault(service.consortium, {"rows": [], "total": 0})
        entry["total"] += 1
        if len(entry["rows"]) < limit:
            entry["rows"].append(service)
    return out


def get_service_for_user(user: Any, pk: int, *, write: bool = False) -> Service:
    """The service if `user` may see it (or change it, with write=True); else 404."""
    qs = Service.objects.select_related("consortium", "area", "provider", "scenario")
    return get_for_user(qs, user, write=write, pk=pk)


def get_subscription_for_user(user: Any, pk: int, *, write: bool = False) -> Subscription:
    """The subscription if `user` may see it (or change it, with write=True); else 404."""
    qs = Subscription.objects.select_related("service", "service__consortium", "member", "agreement")
    return get_for_user(qs, user, write=write, pk=pk)


@dataclass(frozen=True)
class Segment:
    """A stretch of days [start, end] (inclusive, end None = open) with one units figure."""

    subscription_id: int
    service_id: int
    member_id: int
    start: dt.date
    end: dt.date | None
    units: Decimal


@dataclass(frozen=True)
class BillingBasis:
    """What a billing run of one consortium and period reads: segments and usage totals."""

    segments: list[Segment]
    # (service_id, member_id) -> total quantity of usage records lying inside the period.
    usage: dict[tuple[int, int], Decimal]


def billing_basis(
    consortium_id: int, start: dt.date, end: dt.date, *, service_ids: list[int] | None = None
) -> BillingBasis:
    """Subscriptions (replayed from their dated changes) and usage of a consortium in [start, end].

    Not scoped to a person: the billing run's action checks the actor's right first. Three
    queries, however many members and services.
    """
    subs = Subscription.objects.filter(service__consortium_id=consortium_id, start__lte=end).exclude(
        end__lt=start
    )
    if service_ids is not None:
        subs = subs.filter(service_id__in=service_ids)
    rows = list(subs.values_list("pk", "service_id", "member_id", "start", "end", "units"))
    changes: dict[int, list[tuple[dt.date, Decimal, dt.date | None]]] = defaultdict(list)
    for sub_id, effective, units, change_end in (
        SubscriptionChange.objects.filter(subscription_id__in=[r[0] for r in rows])
        .order_by("subscription_id", "effective", "recorded_at", "pk")
        .values_list("subscription_id", "effective", "units", "end")
    ):
        changes[sub_id].append((effective, units, change_end))
    segments: list[Segment] = []
    for pk, service_id, member_id, sub_start, sub_end, units in rows:
        cursor, current, last_end = sub_start, units, sub_end
        for effective, new_units, change_end in changes.get(pk, []):
            if change_end is not None:
                last_end = change_end
            if effective > cursor:
                segments.append(
                    Segment(pk, service_id, member_id, cursor, effective - dt.timedelta(days=1), current)
                )
                cursor = effective
            current = new_units
        segments.append(Segment(pk, service_id, member_id, cursor, last_end, current))
    usage_qs = UsageRecord.objects.filter(
        service__consortium_id=consortium_id, period_start__gte=start, period_end__lte=end
    )
    if service_ids is not None:
        usage_qs = usage_qs.filter(service_id__in=service_ids)
    usage = {
        (s, m): total
        for s, m, total in usage_qs.values("service_id", "member_id")
        .annotate(total=Sum("quantity"))
        .values_list("service_id", "member_id", "total")
    }
    return BillingBasis(segments=[s for s in segments if s.end is None or s.end >= s.start], usage=usage)
