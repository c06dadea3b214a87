"""Assessment core pages and API: templates, campaigns, answering (workbook and analytics routes
are registered in routes_assessment_workbook.py / routes_assessment_analytics.py by their authors).

Who may reach what:
- templates and campaigns: every non-vendor role of the consortium reads them; its council (admin,
  staff) creates and changes them; pat (MISA Prairies) works in his own consortium only;
- a member's response: that member's admins and staff answer it; the council reads it (and may
  reopen it); observers of the consortium as a whole, other members and other consortia do not
  see it at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.assessment.actions import do_create_campaign, do_save_answers, do_submit_response
from interlocal.assessment.models import Answer, Question, Response, Section
from interlocal.tenancy.models import ConsortiumMember, Member
from tests.assessment.factories import FULL_ANSWERS, make_version
from tests.isolation.registry import CAPITOL_NON_VENDOR, COUNCIL, SCOPED, SCOPED_LIST, Route, Target

MEMBER_WRITERS = frozenset({"ada", "bob"})
RESPONSE_READERS = COUNCIL | MEMBER_WRITERS


def nothing(world: Any) -> Target:
    return Target()


def _campaign(world: Any, *, marker: str, launch: bool = True) -> Any:
    version = make_version(world.capitol, name=f"Template {marker}")
    return do_create_campaign(
        world.capitol,
        actor=world.sam,
        name=f"Campaign {marker}",
        template_version=version,
        members=[world.avon, world.bolton],
        deadline=timezone.now() + dt.timedelta(days=20),
        launch=launch,
    )


def campaign_in_list(world: Any) -> Target:
    campaign = _campaign(world, marker="ISO-MARKER-CAMP-LIST")
    return Target(objects=[campaign], marker="ISO-MARKER-CAMP-LIST")


def campaign(world: Any) -> Target:
    c = _campaign(world, marker="ISO-MARKER-CAMP-1")
    return Target(kwargs={"pk": c.pk}, objects=[c], marker="ISO-MARKER-CAMP-1")


def draft_campaign(world: Any) -> Target:
    c = _campaign(world, marker="ISO-MARKER-CAMP-DRAFT", launch=False)
    return Target(kwargs={"pk": c.pk}, objects=[c], marker="ISO-MARKER-CAMP-DRAFT")


def _avon_response(world: Any, marker: str) -> tuple[Response, Answer]:
    c = _campaign(world, marker=f"{marker}-C")
    response = Response.objects.get(campaign=c, member=world.avon)
    do_save_answers(response, {**FULL_ANSWERS, "erp.system": marker}, actor=world.bob)
    response.refresh_from_db()
    answer = Answer.objects.get(response=response, question__code="erp.system")
    return response, answer


def avon_response(world: Any) -> Target:
    """Avon's answers: an answer text only Avon's people and the council may read."""
    response, answer = _avon_response(world, "ISO-MARKER-RESP-1")
    return Target(kwargs={"pk": response.pk}, objects=[response, answer], marker="ISO-MARKER-RESP-1")


def avon_response_unmarked(world: Any) -> Target:
    response, answer = _avon_response(world, "ISO-MARKER-RESP-2")
    return Target(kwargs={"pk": response.pk}, objects=[response, answer])


def avon_submitted(world: Any) -> Target:
    response, answer = _avon_response(world, "ISO-MARKER-RESP-3")
    do_submit_response(response, actor=world.bob)
    response.refresh_from_db()
    return Target(kwargs={"pk": response.pk}, objects=[response, answer], marker="ISO-MARKER-RESP-3")


def template_in_list(world: Any) -> Target:
    version = make_version(world.capitol, name="ISO-MARKER-TPL-LIST")
    return Target(objects=[version.template], marker="ISO-MARKER-TPL-LIST")


def template(world: Any) -> Target:
    version = make_version(world.capitol, name="Capitol template", marker="ISO-MARKER-TPL-1")
    return Target(
        kwargs={"pk": version.template_id}, objects=[version.template, version], marker="ISO-MARKER-TPL-1"
    )


def template_unmarked(world: Any) -> Target:
    version = make_version(world.capitol, name="Capitol template")
    sections = list(Section.objects.filter(version=version))
    return Target(kwargs={"pk": version.template_id}, objects=[version.template, version, *sections])


def section(world: Any) -> Target:
    version = make_version(world.capitol, name="Capitol template")
    s = Section.objects.filter(version=version).first()
    Section.objects.filter(pk=s.pk).update(title="ISO-MARKER-SECTION-1")
    s.refresh_from_db()
    return Target(kwargs={"pk": s.pk}, objects=[s, *s.questions.all()], marker="ISO-MARKER-SECTION-1")


def question(world: Any) -> Target:
    version = make_version(world.capitol, name="Capitol template")
    q = Question.objects.get(version=version, code="erp.system")
    Question.objects.filter(pk=q.pk).update(text="ISO-MARKER-QUESTION-1")
    q.refresh_from_db()
    return Target(kwargs={"pk": q.pk}, objects=[q], marker="ISO-MARKER-QUESTION-1")


def response_api(world: Any) -> Target:
    response, answer = _avon_response(world, "ISO-MARKER-RESP-API")
    return Target(
        kwargs={"response_id": response.pk}, objects=[response, answer], marker="ISO-MARKER-RESP-API"
    )


def response_api_unmarked(world: Any) -> Target:
    response, answer = _avon_response(world, "ISO-MARKER-RESP-API2")
    return Target(kwargs={"response_id": response.pk}, objects=[response, answer])


def response_in_api_list(world: Any) -> Target:
    """A response of a member nobody named holds a role for: only the council lists it."""
    member = Member.objects.create(name="Zyqville ISO-MARKER-RESP-LIST", slug="zyqville-assess-ct")
    ConsortiumMember.objects.create(consortium=world.capitol, member=member)
    version = make_version(world.capitol, name="API list template")
    c = do_create_campaign(
        world.capitol,
        actor=world.sam,
        name="API list campaign",
        template_version=version,
        members=[member],
        deadline=timezone.now() + dt.timedelta(days=20),
    )
    return Target(objects=list(c.responses.all()), marker="ISO-MARKER-RESP-LIST")


def template_api(world: Any) -> Target:
    version = make_version(world.capitol, name="ISO-MARKER-TPL-API")
    return Target(
        kwargs={"template_id": version.template_id}, objects=[version.template], marker="ISO-MARKER-TPL-API"
    )


def version_api(world: Any) -> Target:
    version = make_version(world.capitol, name="Capitol template")
    Question.objects.filter(version=version, code="erp.system").update(text="ISO-MARKER-VERSION-API")
    return Target(kwargs={"version_id": version.pk}, objects=[version], marker="ISO-MARKER-VERSION-API")


def campaign_api(world: Any) -> Target:
    c = _campaign(world, marker="ISO-MARKER-CAMP-API")
    return Target(kwargs={"campaign_id": c.pk}, objects=[c], marker="ISO-MARKER-CAMP-API")


# Filled in by the builder: the ids exist only once the world is made. A refused request with
# this (otherwise valid) body must not create a campaign nor lock the version.
CAMPAIGN_CREATE: dict[str, Any] = {"name": "Launched by an outsider", "deadline": "2031-01-01T12:00:00Z"}


def campaign_create_api(world: Any) -> Target:
    version = make_version(world.capitol, name="API create template")
    CAMPAIGN_CREATE.update(
        {"consortium": world.capitol.pk, "template_version": version.pk, "members": [world.avon.pk]}
    )
    return Target(objects=[version])


CAMPAIGN_EDIT = {
    "name": "Renamed by an outsider",
    "deadline_date": "2031-01-01",
    "deadline_time": "12:00",
    "reminder_days": "3",
    "priority_threshold": "2",
    "readiness_threshold": "2",
}

ROUTES = [
    # Campaigns.
    Route("assessment:campaigns", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=campaign_in_list),
    Route(
        "assessment:campaign_create",
        SCOPED,
        allowed=COUNCIL | {"pat"},
        build=nothing,
        methods=("GET", "POST"),
        note="the council of the consortium one acts for; pat launches in MISA Prairies",
    ),
    Route("assessment:campaign_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=campaign),
    Route(
        "assessment:campaign_edit",
        SCOPED,
        allowed=COUNCIL,
        build=campaign,
        methods=("GET", "POST"),
        payload=CAMPAIGN_EDIT,
    ),
    Route(
        "assessment:campaign_launch", SCOPED, allowed=COUNCIL, build=draft_campaign, methods=("GET", "POST")
    ),
    Route("assessment:campaign_close", SCOPED, allowed=COUNCIL, build=campaign, methods=("GET", "POST")),
    Route("assessment:campaign_progress", SCOPED, allowed=COUNCIL, build=campaign),
    Route("assessment:campaign_remind", SCOPED, allowed=COUNCIL, build=campaign, methods=("POST",)),
    # Answering.
    Route("assessment:response", SCOPED, allowed=RESPONSE_READERS, build=avon_response),
    Route(
        "assessment:response_save",
        SCOPED,
        allowed=MEMBER_WRITERS,
        build=avon_response,
        methods=("POST",),
        payload={"present": "erp.system", "q-erp.system": "Changed by an outsider"},
    ),
    Route(
        "assessment:response_visibility",
        SCOPED,
        allowed=MEMBER_WRITERS,
        build=avon_response,
        methods=("POST",),
        payload={"visibility": "named"},
    ),
    Route(
        "assessment:response_submit",
        SCOPED,
        allowed=MEMBER_WRITERS,
        build=avon_response_unmarked,
        methods=("GET", "POST"),
    ),
    Route(
        "assessment:response_reopen",
        SCOPED,
        allowed=COUNCIL,
        build=avon_submitted,
        methods=("GET", "POST"),
        payload={"reason": "outsider"},
    ),
    # Templates.
    Route("assessment:templates", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=template_in_list),
    Route(
        "assessment:template_create",
        SCOPED,
        allowed=COUNCIL | {"pat"},
        build=nothing,
        methods=("GET", "POST"),
        note="the council of the consortium one acts for; pat creates in MISA Prairies",
    ),
    Route("assessment:template_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=template),
    Route(
        "assessment:template_edit",
        SCOPED,
        allowed=COUNCIL,
        build=template,
        methods=("GET", "POST"),
        payload={"name": "Renamed by an outsider"},
    ),
    Route(
        "assessment:template_new_version", SCOPED, allowed=COUNCIL, build=template_unmarked, methods=("POST",)
    ),
    Route(
        "assessment:section_create",
        SCOPED,
        allowed=COUNCIL,
        build=template_unmarked,
        methods=("GET", "POST"),
        payload={"title": "Outsider section"},
    ),
    Route(
        "assessment:section_edit",
        SCOPED,
        allowed=COUNCIL,
        build=section,
        methods=("GET", "POST"),
        payload={"title": "Renamed by an outsider"},
    ),
    Route("assessment:section_delete", SCOPED, allowed=COUNCIL, build=section, methods=("GET", "POST")),
    Route(
        "assessment:question_create",
        SCOPED,
        allowed=COUNCIL,
        build=section,
        methods=("GET", "POST"),
        payload={"code": "outsider.q", "text": "Outsider?", "kind": "text"},
    ),
    Route(
        "assessment:question_edit",
        SCOPED,
        allowed=COUNCIL,
        build=question,
        methods=("GET", "POST"),
        payload={"code": "erp.system", "text": "Changed by an outsider", "kind": "text"},
    ),
    Route("assessment:question_delete", SCOPED, allowed=COUNCIL, build=question, methods=("GET", "POST")),
    # API.
    Route(
        "GET /api/v1/assessment/templates", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=template_in_list
    ),
    Route(
        "GET /api/v1/assessment/templates/{template_id}",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=template_api,
    ),
    Route(
        "GET /api/v1/assessment/template-versions/{version_id}",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=version_api,
    ),
    Route(
        "GET /api/v1/assessment/campaigns", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=campaign_in_list
    ),
    Route(
        "GET /api/v1/assessment/campaigns/{campaign_id}",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=campaign_api,
    ),
    Route(
        "POST /api/v1/assessment/campaigns",
        SCOPED,
        allowed=COUNCIL,
        build=campaign_create_api,
        methods=("POST",),
        payload=CAMPAIGN_CREATE,
        note="the council launches; members, observers and vendors get 403, pat 404 (not his consortium)",
    ),
    Route("GET /api/v1/assessment/responses", SCOPED_LIST, allowed=COUNCIL, build=response_in_api_list),
    Route(
        "GET /api/v1/assessment/responses/{response_id}", SCOPED, allowed=RESPONSE_READERS, build=response_api
    ),
    Route(
        "PUT /api/v1/assessment/responses/{response_id}/answers",
        SCOPED,
        allowed=MEMBER_WRITERS,
        build=response_api,
        methods=("PUT",),
        payload={"answers": {"erp.system": "Changed by an outsider"}},
    ),
    Route(
        "POST /api/v1/assessment/responses/{response_id}/submit",
        SCOPED,
        allowed=MEMBER_WRITERS,
        build=response_api_unmarked,
        methods=("POST",),
    ),
]
