"""Query budgets for the analytics pages (run by tests/test_query_budgets.py): the peer group list,
and the benchmark and report pages, whose query count must not grow with the participants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.assessment.analytics import build as analytics
from interlocal.assessment.models import (
    Answer,
    Campaign,
    PeerGroup,
    Question,
    Response,
)
from interlocal.taxonomy.models import ServiceArea
from interlocal.tenancy.models import ConsortiumMember, Member
from tests.assessment.factories import CampaignFactory, QuestionFactory, SectionFactory
from tests.test_query_budgets import Budget

DIMENSIONS = ["satisfaction", "pressing", "future", "readiness", "sharing"]
_KEEP = analytics._CACHE_SIZE


def _campaign(world: Any) -> Campaign:
    existing = getattr(world, "_budget_campaign", None)
    if existing is not None:
        return existing
    area = ServiceArea.objects.filter(consortium__isnull=True).order_by("pk").first()
    section = SectionFactory(
        version__template__consortium=world.capitol,
        version__template__name="Budget template",
        version__is_locked=True,
        area=area,
        title="Area",
        order=0,
    )
    for i, dim in enumerate(DIMENSIONS):
        QuestionFactory(section=section, code=f"a.{dim}", text=dim, kind="scaled", dimension=dim, order=i)
    QuestionFactory(section=section, code="a.end", text="end", kind="date", order=9)
    campaign = CampaignFactory(
        name="Budget campaign",
        template_version=section.version,
        deadline=timezone.now() + dt.timedelta(days=1),
        status=Campaign.Status.CLOSED,
    )
    world._budget_campaign = campaign
    return campaign


def _participants(world: Any, start: int, count: int) -> None:
    # The analysis is kept in memory per campaign; both counts must pay for computing it, or the
    # first (answered from memory after the warm-up) would look cheaper than the second.
    analytics._CACHE_SIZE = 0 if start == 0 else _KEEP
    analytics._CACHE.clear()
    campaign = _campaign(world)
    questions = list(Question.objects.filter(version=campaign.template_version).order_by("order"))
    for i in range(start, start + count):
        member = Member.objects.create(
            name=f"Budget town {i}", slug=f"budget-town-{i}", population=1000 + 500 * i
        )
        ConsortiumMember.objects.create(consortium=world.capitol, member=member)
        response = Response.objects.create(
            campaign=campaign,
            member=member,
            status=Response.Status.SUBMITTED,
            visibility="named" if i % 2 else "aggregate",
        )
        Answer.objects.bulk_create(
            [
                Answer(
                    response=response,
                    question=q,
                    campaign=campaign,
                    member=member,
                    num=None if q.kind == "date" else float(1 + (i + n) % 5),
                    date=dt.date(2027, 1 + i % 12, 1) if q.kind == "date" else None,
                )
                for n, q in enumerate(questions)
            ]
        )


def _peer_groups(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        group = PeerGroup.objects.create(consortium=world.capitol, name=f"Budget group {i}")
        group.members.set([world.avon, world.canton])


def _campaign_kwargs(world: Any) -> dict[str, Any]:
    return {"pk": _campaign(world).pk}


BUDGETS = [
    Budget("assessment:peer_groups", "sam", _peer_groups, query={"per_page": 100}),
    Budget("assessment:analytics_benchmarks", "alice", _participants, query={}, kwargs=_campaign_kwargs),
    Budget("assessment:analytics_report", "alice", _participants, query={}, kwargs=_campaign_kwargs),
]
