"""Services demo: a few shared services per demo region, with subscriptions and some usage.

Idempotent: a service that already exists (by name) is left alone. Dates are relative to the
day the demo is loaded, so the subscriptions are current.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from interlocal.services.actions import (
    UsageRow,
    do_change_subscription,
    do_create_service,
    do_create_subscription,
    do_record_usage,
)
from interlocal.services.models import Service
from interlocal.tenancy.models import Consortium, Member

ORDER = 45
HOURS = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
LEVELS = {"critical": (30, 240), "high": (60, 480), "medium": (240, 1440), "low": (480, 4800)}

REGIONS: list[dict[str, Any]] = [
    {
        "consortium": "capitol-region",
        "admin": "alice@capitol.example.org",
        "services": [
            {
                "name": "Shared backup and recovery",
                "description": "Nightly off-site backup of the towns' servers, with a tested recovery plan.",
                "status": "live",
                "unit": "gb",
                "pricing_rule": "by_usage",
                "availability_target": Decimal("99.5"),
                "annual_amount": Decimal("180000.00"),
                "members": 6,
                "usage": True,
            },
            {
                "name": "Regional help desk",
                "description": "One help desk for the towns' staff, business hours, ticketed.",
                "status": "piloting",
                "unit": "users",
                "pricing_rule": "unit_price",
                "pricing_params": {"unit_price": "9.50"},
                "members": 4,
            },
            {
                "name": "Shared GIS portal",
                "description": "A regional map portal with parcels, zoning and utilities.",
                "status": "proposed",
                "unit": "seats",
                "pricing_rule": "per_capita",
                "members": 0,
            },
        ],
    },
    {
        "consortium": "misa-prairies",
        "admin": "pat@misa.example.org",
        "services": [
            {
                "name": "Regional cybersecurity monitoring",
                "description": "Round-the-clock monitoring of the members' networks.",
                "status": "live",
                "unit": "devices",
                "pricing_rule": "equal",
                "members": 3,
                "usage": True,
            },
        ],
    },
]


def load(stdout: Any = None) -> list[Any]:
    """Create the demo services with subscriptions and usage (nothing when they exist)."""
    from interlocal.accounts.models import User

    today = timezone.localdate()
    year_start = today.replace(month=1, day=1) - dt.timedelta(days=365)
    for region in REGIONS:
        consortium = Consortium.objects.filter(slug=region["consortium"]).first()
        admin = User.objects.filter(email=region["admin"]).first()
        if consortium is None or admin is None:
            continue
        members = list(Member.objects.filter(participations__consortium=consortium).order_by("name"))
        for spec in region["services"]:
            if Service.objects.filter(consortium=consortium, name=spec["name"]).exists():
                continue
            _load_service(consortium, admin, members, dict(spec), year_start, today)
    return []


@transaction.atomic
def _load_service(
    consortium: Consortium,
    admin: Any,
    members: list[Member],
    spec: dict[str, Any],
    start: dt.date,
    today: dt.date,
) -> None:
    count, with_usage = spec.pop("members"), spec.pop("usage", False)
    service = do_create_service(consortium, acting_user=admin, support_hours=HOURS, levels=LEVELS, **spec)
    for index, member in enumerate(members[:count]):
        sub = do_create_subscription(
            service,
            member,
            start=start,
            units=Decimal(10 + 5 * index),
            acting_user=admin,
        )
        if index == 0:
            do_change_subscription(
                sub,
                effective=start + dt.timedelta(days=180),
                units=Decimal(25 + 5 * index),
                note="Added the police department.",
                acting_user=admin,
            )
        if with_usage:
            month = today.replace(day=1) - dt.timedelta(days=1)
            period = (month.replace(day=1), month)
            do_record_usage(
                UsageRow(member, service, period[0], period[1], Decimal(100 + 37 * index)),
                acting_user=admin,
            )
