"""Read paths for the services app: scoped accessors, and the plain data billing runs need.

Other apps (billing, agreements, servicedesk) read services only through this module.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from interlocal.services.models import Service, Subscription, SubscriptionChange, UsageRecord
from interlocal.tenancy.scoping import get_for_user

__all__ = [
    "BillingBasis",
    "Segment",
    "billing_basis",
    "get_service_for_user",
    "get_subscription_for_user",
]


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
