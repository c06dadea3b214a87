"""Query budgets of the inbox and notifications (tests/test_query_budgets.py runs them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.assessment.models import Campaign, Response
from interlocal.core.notifications.models import Notification
from tests.test_query_budgets import Budget


def _notifications(world: Any, start: int, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=world.bob, kind="other", title=f"Budget note {i}", link="/dashboard/")
        for i in range(start, start + count)
    )


def _due_campaigns(world: Any, start: int, count: int) -> None:
    """Campaigns due in 5 days, each with one late member: one inbox item each for the council."""
    from tests.assessment.factories import make_version

    version = make_version(world.capitol, name=f"Budget template {start}")
    for i in range(start, start + count):
        campaign = Campaign.objects.create(
            consortium=world.capitol,
            name=f"Budget campaign {i}",
            template_version=version,
            deadline=timezone.now() + dt.timedelta(days=5),
            status=Campaign.Status.OPEN,
        )
        Response.objects.create(campaign=campaign, member=world.avon)


BUDGETS = [
    Budget("GET /api/v1/notifications", "bob", _notifications),
    Budget("GET /api/v1/inbox", "sam", _due_campaigns),
    Budget("core:notifications", "bob", _notifications, query={}),
    Budget("core:inbox", "sam", _due_campaigns, query={}),
]
