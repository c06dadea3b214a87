"""A small completed campaign for the analytics tests (imported by the other test_analytics_* modules).

Seven Capitol Region members answer two service areas. Avon, Fenwick and Granby share by name;
Bolton, Canton, Dover and Essex chose aggregates only. Everybody rates document management as
pressing and is ready to collaborate; contracts for it end within a year of each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from interlocal.assessment.actions import (
    do_create_campaign,
    do_save_answers,
    do_set_visibility,
    do_submit_response,
)
from interlocal.assessment.models import Campaign, Question, Response, Section, Template, TemplateVersion
from interlocal.taxonomy.models import ServiceArea
from interlocal.tenancy.models import ConsortiumMember, Member

DIMENSIONS = ["satisfaction", "pressing", "future", "readiness", "sharing"]
NAMED = {"Avon", "Fenwick", "Granby"}
# name -> (population, [edms 5 dims], [gis 5 dims], edms contract end, edms annual cost)
ANSWERS: dict[str, tuple[int, list[int], list[int], str, float]] = {
    "Avon": (18900, [2, 5, 5, 4, 4], [4, 2, 2, 3, 3], "2027-03-01", 52000),
    "Bolton": (4900, [2, 4, 5, 4, 3], [3, 2, 3, 2, 2], "2027-06-01", 14000),
    "Canton": (10100, [1, 5, 4, 5, 4], [4, 1, 2, 3, 3], "2027-09-01", 30000),
    "Dover": (7000, [3, 4, 4, 4, 4], [5, 1, 1, 2, 2], "2027-11-01", 21000),
    "Essex": (6700, [2, 5, 4, 4, 5], [4, 2, 2, 2, 3], "2028-01-01", 19000),
    "Fenwick": (3000, [3, 4, 5, 4, 4], [3, 3, 3, 3, 3], "2027-05-01", 9000),
    "Granby": (11500, [2, 5, 4, 5, 4], [4, 2, 1, 4, 4], "2028-02-01", 33000),
}


@dataclass
class CampaignWorld:
    """The campaign and its members by name."""

    campaign: Campaign
    members: dict[str, Member]
    edms: ServiceArea
    gis: ServiceArea


def build_campaign(world: Any) -> CampaignWorld:
    members = {"Avon": world.avon, "Bolton": world.bolton, "Canton": world.canton}
    for name in ("Dover", "Essex", "Fenwick", "Granby"):
        m = Member.objects.create(
            name=name, slug=f"{name.lower()}-ct", population=ANSWERS[name][0], region="CT"
        )
        ConsortiumMember.objects.create(consortium=world.capitol, member=m)
        members[name] = m
    for name in ("Avon", "Bolton", "Canton"):
        Member.objects.filter(pk=members[name].pk).update(population=ANSWERS[name][0])
    edms = ServiceArea.objects.get(consortium__isnull=True, code="edms-records")
    gis = ServiceArea.objects.get(consortium__isnull=True, code="gis-signs")
    template = Template.objects.create(consortium=world.capitol, name="Analytics test template")
    version = TemplateVersion.objects.create(template=template, number=1)
    for order, (area, prefix) in enumerate(((edms, "edms"), (gis, "gis"))):
        section = Section.objects.create(version=version, area=area, title=area.name, order=order)
        for i, dim in enumerate(DIMENSIONS):
            Question.objects.create(
                section=section,
                version=version,
                code=f"{prefix}.{dim}",
                text=f"{area.name} {dim}?",
                kind="scaled",
                dimension=dim,
                order=i,
            )
        if prefix == "edms":
            Question.objects.create(
                section=section,
                version=version,
                code="edms.contract-end",
                text="Contract end?",
                kind="date",
                order=10,
            )
            Question.objects.create(
                section=section,
                version=version,
                code="edms.cost",
                text="Annual cost?",
                kind="number",
                unit="USD/year",
                order=11,
            )
    campaign = do_create_campaign(
        world.capitol,
        actor=world.alice,
        name="Analytics test campaign",
        template_version=version,
        members=list(members.values()),
        deadline=timezone.now() + dt.timedelta(days=10),
    )
    for name, (_pop, edms_values, gis_values, end, cost) in ANSWERS.items():
        response = Response.objects.get(campaign=campaign, member=members[name])
        values: dict[str, Any] = {f"edms.{d}": v for d, v in zip(DIMENSIONS, edms_values, strict=True)}
        values.update({f"gis.{d}": v for d, v in zip(DIMENSIONS, gis_values, strict=True)})
        values["edms.contract-end"] = end
        values["edms.cost"] = cost
        do_save_answers(response, values, actor=None)
        do_set_visibility(
            response,
            Response.Visibility.NAMED if name in NAMED else Response.Visibility.AGGREGATE,
            actor=None,
        )
        do_submit_response(response, actor=None)
    campaign.refresh_from_db()
    return CampaignWorld(campaign, members, edms, gis)


@pytest.fixture
def cw(world: Any) -> CampaignWorld:
    return build_campaign(world)


def test_the_campaign_has_seven_submitted_responses(cw: CampaignWorld) -> None:
    statuses = list(Response.objects.filter(campaign=cw.campaign).values_list("status", flat=True))
    assert statuses == ["submitted"] * 7
