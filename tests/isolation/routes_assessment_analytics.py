"""Assessment analytics: benchmarks, matrix, coalitions, report and exports (read by everybody in
the campaign's consortium but vendors; thresholds changed by its council), custom peer groups, and
the analytics API operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.assessment.models import Campaign, PeerGroup, Question, Section, Template, TemplateVersion
from tests.isolation.registry import CAPITOL_NON_VENDOR, COUNCIL, SCOPED, SCOPED_LIST, Route, Target

MARKER = "ISO-MARKER-CAMPAIGN-ANALYTICS"


def capitol_campaign(world: Any) -> Target:
    """A closed Capitol Region campaign (no answers: every figure is empty, the pages still answer)."""
    template = Template.objects.create(consortium=world.capitol, name="ISO analytics template")
    version = TemplateVersion.objects.create(template=template, number=1, is_locked=True)
    section = Section.objects.create(version=version, title="General", order=0)
    Question.objects.create(
        section=section, version=version, code="g.q", text="Q?", kind="scaled", dimension="pressing"
    )
    campaign = Campaign.objects.create(
        consortium=world.capitol,
        name=MARKER,
        template_version=version,
        deadline=timezone.now() + dt.timedelta(days=3),
        status=Campaign.Status.CLOSED,
    )
    return Target(kwargs={"pk": campaign.pk}, objects=[campaign], marker=MARKER)


def capitol_campaign_no_marker(world: Any) -> Target:
    """Downloads (PDF, XLSX, CSV of figures) do not carry the campaign's name as text."""
    target = capitol_campaign(world)
    return Target(kwargs=target.kwargs, objects=target.objects)


def capitol_campaign_api(world: Any) -> Target:
    target = capitol_campaign(world)
    return Target(kwargs={"campaign_id": target.kwargs["pk"]}, objects=target.objects, marker=MARKER)


def capitol_campaign_api_no_marker(world: Any) -> Target:
    target = capitol_campaign(world)
    return Target(kwargs={"campaign_id": target.kwargs["pk"]}, objects=target.objects)


def capitol_peer_group(world: Any) -> Target:
    group = PeerGroup.objects.create(consortium=world.capitol, name="ISO-MARKER-PEER-GROUP")
    group.members.set([world.avon, world.canton])
    return Target(kwargs={"pk": group.pk}, objects=[group], marker="ISO-MARKER-PEER-GROUP")


def capitol_peer_group_list(world: Any) -> Target:
    target = capitol_peer_group(world)
    return Target(objects=target.objects, marker=target.marker)


def nothing(world: Any) -> Target:
    return Target()


def _page(name: str, build: Any = capitol_campaign) -> Route:
    return Route(f"assessment:{name}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=build)


def _api(path: str, build: Any = capitol_campaign_api) -> Route:
    return Route(
        f"GET /api/v1/assessment/campaigns/{{campaign_id}}/{path}",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=build,
    )


ROUTES = [
    _page("analytics_benchmarks"),
    _page("analytics_matrix"),
    _page("analytics_coalitions"),
    _page("analytics_report"),
    _page("analytics_report_pdf", capitol_campaign_no_marker),
    _page("analytics_aggregates_csv", capitol_campaign_no_marker),
    _page("analytics_aggregates_xlsx", capitol_campaign_no_marker),
    Route(
        "assessment:analytics_thresholds",
        SCOPED,
        allowed=COUNCIL,
        build=capitol_campaign,
        methods=("POST",),
        payload={"priority_threshold": "4.5", "readiness_threshold": "3.5"},
        note="observers and members read the matrix but do not move its thresholds",
    ),
    Route("assessment:peer_groups", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=capitol_peer_group_list),
    Route(
        "assessment:peer_group_create",
        SCOPED,
        allowed=COUNCIL | {"pat"},
        build=nothing,
        methods=("GET", "POST"),
        payload={"name": "Outsiders' group", "members": []},
        note="council people of any consortium create groups in their own",
    ),
    Route(
        "assessment:peer_group_detail",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=capitol_peer_group,
        note="everyone in the consortium reads a group; only the council edits it",
    ),
    Route(
        "assessment:peer_group_edit",
        SCOPED,
        allowed=COUNCIL,
        build=capitol_peer_group,
        methods=("GET", "POST"),
        payload={"name": "Renamed by an outsider"},
    ),
    Route(
        "assessment:peer_group_delete", SCOPED, allowed=COUNCIL, build=capitol_peer_group, methods=("POST",)
    ),
    _api("aggregates"),
    _api("benchmark"),
    _api("matrix"),
    _api("coalitions", capitol_campaign_api_no_marker),
]
