"""Query budgets for the assessment core's lists (run by tests/test_query_budgets.py): pages and
API list operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.assessment.models import Answer, Campaign, Question, Response, TemplateVersion
from interlocal.tenancy.models import ConsortiumMember, Member
from tests.assessment.factories import CampaignFactory, ResponseFactory, make_version
from tests.test_query_budgets import Budget

BUDGET_CAMPAIGN = "Budget campaign"


def _campaign(world: Any) -> Campaign:
    """One open campaign whose progress page and response list grow with the rows."""
    existing = Campaign.objects.filter(name=BUDGET_CAMPAIGN).first()
    if existing is not None:
        return existing
    version = make_version(world.capitol, name="Budget template", locked=True)
    return CampaignFactory(name=BUDGET_CAMPAIGN, template_version=version)


def _campaigns(world: Any, start: int, count: int) -> None:
    version = TemplateVersion.objects.filter(template__name="Budget template").first() or make_version(
        world.capitol, name="Budget template", locked=True
    )
    for i in range(start, start + count):
        campaign = CampaignFactory(
            name=f"Budget campaign {i}",
            template_version=version,
            deadline=timezone.now() + dt.timedelta(days=10 + i),
        )
        ResponseFactory(campaign=campaign, member=world.avon, status=Response.Status.IN_PROGRESS)
        ResponseFactory(campaign=campaign, member=world.bolton, status=Response.Status.SUBMITTED)


def _templates(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        version = make_version(world.capitol, name=f"Budget template {i}")
        TemplateVersion.objects.create(template=version.template, number=2)


def _responses(world: Any, start: int, count: int) -> None:
    campaign = _campaign(world)
    questions = list(Question.objects.filter(version=campaign.template_version)[:3])
    for i in range(start, start + count):
        member = Member.objects.create(name=f"Budget town {i}", slug=f"budget-town-{i}")
        ConsortiumMember.objects.create(consortium=world.capitol, member=member)
        response = Response.objects.create(
            campaign=campaign, member=member, status=Response.Status.IN_PROGRESS, answered_count=1
        )
        Answer.objects.create(
            response=response, question=questions[i % 3], campaign=campaign, member=member, text="x", num=1
        )


def _campaign_kwargs(world: Any) -> dict[str, Any]:
    return {"pk": _campaign(world).pk}


BUDGETS = [
    Budget("assessment:campaigns", "sam", _campaigns, query={}),
    Budget("assessment:campaigns", "bob", _campaigns, query={}),
    Budget("assessment:templates", "sam", _templates, query={}),
    Budget(
        "assessment:campaign_progress", "sam", _responses, query={"sort": "member"}, kwargs=_campaign_kwargs
    ),
    Budget("GET /api/v1/assessment/templates", "alice", _templates),
    Budget("GET /api/v1/assessment/campaigns", "alice", _campaigns),
    Budget("GET /api/v1/assessment/responses", "alice", _responses),
]
