"""API for the assessment app: templates, campaigns and own responses here; aggregates in
api/analytics.py (both mounted by api/__init__.py).

Answers are written only through `do_save_answers`, as in the browser and the workbook import:
a PUT is checked whole and stored whole, and every bad value comes back as one error located at
`["body", "answers", "<question code>"]`.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import field_validator

from interlocal.assessment.actions import (
    do_create_campaign,
    do_save_answers,
    do_set_visibility,
    do_submit_response,
    is_council_of,
)
from interlocal.assessment.models import Answer, Campaign, Question, Response, Template
from interlocal.assessment.queries import (
    answer_values,
    get_campaign_for_user,
    get_response_for_user,
    get_template_for_user,
    get_version_for_user,
    version_sections,
)
from interlocal.core.api import (
    IdFilter,
    IdParam,
    InputSchema,
    LimitOffset,
    SafeStr,
    aware_utc,
    error_body,
    error_responses,
    optional,
    request_user,
)
from interlocal.tenancy.models import Member
from interlocal.tenancy.queries import get_consortium_for_user

__all__ = ["router"]

router = Router(tags=["assessment"])

MAX_ANSWERS = 5000

# --- Schemas -------------------------------------------------------------------------------------


class VersionRef(Schema):
    """A numbered version of a template."""

    id: int = Field(..., description="The version's id.", examples=[4])
    number: int = Field(..., description="The version number, from 1.", examples=[2])
    is_locked: bool = Field(..., description="Used by a campaign: editing it makes a new version.")
    note: str = Field(..., description="What changed in this version.", examples=[""])
    created_at: dt.datetime = Field(..., description="When the version was made (UTC).")


class TemplateOut(Schema):
    """A workbook template: the standard one (consortium null) or a consortium's own."""

    id: int = Field(..., description="The template's id.", examples=[1])
    consortium_id: int | None = Field(..., description="Owner; null for the standard template.")
    name: str = Field(
        ..., description="The template's name.", examples=["Interlocal standard needs assessment"]
    )
    description: str = Field(..., description="What the template asks about.")
    is_standard: bool = Field(
        ..., description="Whether this is the standard template shipped with Interlocal."
    )
    versions: list[VersionRef] = Field(..., description="Its versions, newest first.")

    @staticmethod
    def resolve_is_standard(obj: Template) -> bool:
        return obj.consortium_id is None

    @staticmethod
    def resolve_versions(obj: Template) -> list[Any]:
        # Prefetched by the list; sorted here so the prefetch needs no ordering of its own.
        return sorted(obj.versions.all(), key=lambda v: -v.number)


class SectionAreaRef(Schema):
    """A service area of the taxonomy."""

    id: int = Field(..., description="The area's id.")
    code: str = Field(..., description="The area's stable code.", examples=["financial-erp"])
    name: str = Field(..., description="The area's name.", examples=["Financial management / ERP"])


class TemplateQuestionOut(Schema):
    """One question and what a valid answer is."""

    code: str = Field(
        ..., description="Stable key, unique in the version.", examples=["financial-erp.pressing"]
    )
    text: str = Field(..., description="The question.")
    help_text: str = Field(..., description="Guidance shown with the question.")
    kind: str = Field(
        ..., description="scaled, yes_no, number, single, multiple, date or text.", examples=["scaled"]
    )
    dimension: str = Field(
        ..., description="For scaled questions: what the rating measures.", examples=["pressing"]
    )
    unit: str = Field(..., description="For numbers: the unit.", examples=["USD/year"])
    choices: list[str] = Field(..., description="For single and multiple choice: the options.")
    scale_labels: list[str] = Field(..., description="For scaled questions: the labels of 1 to 5.")
    required: bool = Field(..., description="Whether it must be answered before submitting.")
    min_value: float | None = Field(..., description="For numbers: the smallest accepted value.")
    max_value: float | None = Field(..., description="For numbers: the largest accepted value.")


class SectionOut(Schema):
    """A section of a template version, usually about one service area."""

    id: int = Field(..., description="The section's id.")
    title: str = Field(..., description="The section's title.")
    description: str = Field(..., description="What the section covers.")
    area: SectionAreaRef | None = Field(..., description="The service area; null for a general section.")
    questions: list[TemplateQuestionOut] = Field(..., description="Its questions, in order.")


class TemplateVersionOut(Schema):
    """A template version with its sections and questions."""

    id: int = Field(..., description="The version's id.")
    template_id: int = Field(..., description="The template's id.")
    number: int = Field(..., description="The version number.")
    is_locked: bool = Field(..., description="Used by a campaign.")
    note: str = Field(..., description="What changed in this version.")
    created_at: dt.datetime = Field(..., description="When it was made (UTC).")
    sections: list[SectionOut] = Field(..., description="Its sections, in order.")


class CampaignOut(Schema):
    """A campaign: one template version put to a set of members until a deadline."""

    id: int = Field(..., description="The campaign's id.", examples=[3])
    consortium_id: int = Field(..., description="The consortium that runs it.")
    name: str = Field(..., description="The campaign's name.", examples=["Shared IT needs 2027"])
    description: str = Field(..., description="The message to the members.")
    template_version_id: int = Field(..., description="The template version it asks.")
    status: str = Field(..., description="draft, open or closed.", examples=["open"])
    opens_at: dt.datetime = Field(..., description="When it opened (UTC).")
    deadline: dt.datetime = Field(..., description="Answers are due by then (UTC).")
    closed_at: dt.datetime | None = Field(..., description="When it was closed (UTC), if it was.")
    priority_threshold: float = Field(..., description="Matrix: the priority score counted as high.")
    readiness_threshold: float = Field(..., description="Matrix: the readiness score counted as high.")
    reminder_days: list[int] = Field(..., description="Reminders go out this many days before the deadline.")
    responses_total: int = Field(..., description="Participating members.")
    responses_submitted: int = Field(..., description="Members who have submitted.")

    @staticmethod
    def resolve_responses_total(obj: Campaign) -> int:
        return int(getattr(obj, "n_total", 0))

    @staticmethod
    def resolve_responses_submitted(obj: Campaign) -> int:
        return int(getattr(obj, "n_submitted", 0))


class CampaignIn(InputSchema):
    """A new campaign; it opens at once unless `launch` is false (a draft)."""

    consortium: IdFilter = Field(
        ..., description="The consortium that runs it (you must be its admin or staff)."
    )
    name: SafeStr = Field(..., min_length=1, max_length=200, description="The campaign's name.")
    description: SafeStr = Field("", max_length=5000, description="The message to the members.")
    template_version: IdFilter = Field(
        ..., description="The template version to ask (standard or your consortium's)."
    )
    members: list[IdFilter] = Field(
        ..., min_length=1, max_length=10000, description="Participating members (ids)."
    )
    deadline: dt.datetime = Field(..., description="Answers are due by then (with a time zone).")
    reminder_days: list[int] = Field(
        [7, 2], max_length=10, description="Days before the deadline to remind (1–90)."
    )
    priority_threshold: float = Field(3.0, ge=1, le=5, description="Matrix: priority counted as high.")
    readiness_threshold: float = Field(3.0, ge=1, le=5, description="Matrix: readiness counted as high.")
    launch: bool = Field(True, description="Open at once and invite the members; false keeps a draft.")

    @field_validator("deadline")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2027-03-31T17:00:00Z")
        result = aware_utc(value)
        assert result is not None  # noqa: S101 - a value was given
        return result


class ResponseMemberRef(Schema):
    """A member, by id and name."""

    id: int = Field(..., description="The member's id.")
    name: str = Field(..., description="The member's name.", examples=["Avon"])


class ResponseOut(Schema):
    """A member's response to a campaign: its status and confidentiality choice."""

    id: int = Field(..., description="The response's id.", examples=[12])
    campaign_id: int = Field(..., description="The campaign.")
    member: ResponseMemberRef = Field(..., description="The member answering.")
    status: str = Field(..., description="not_started, in_progress or submitted.", examples=["in_progress"])
    visibility: str = Field(
        ...,
        description="named (visible by name to other members) or aggregate (only in aggregates).",
        examples=["aggregate"],
    )
    source: str = Field(..., description="Where the answers were last saved from: browser, xlsx or api.")
    answered_count: int = Field(..., description="Questions answered so far.")
    submitted_at: dt.datetime | None = Field(..., description="When it was submitted (UTC).")
    reopened_at: dt.datetime | None = Field(..., description="When staff last reopened it (UTC).")
    updated_at: dt.datetime = Field(..., description="Last change (UTC).")


AnswerValue = float | bool | str | list[str] | None


class ResponseDetailOut(ResponseOut):
    """A response with its answers by question code."""

    answers: dict[str, AnswerValue] = Field(
        ...,
        description=(
            "Answers by question code: numbers for scaled (1–5), yes/no (1/0) and number questions, "
            "a list of options for choice questions, YYYY-MM-DD for dates, text otherwise."
        ),
        examples=[{"financial-erp.pressing": 4, "financial-erp.hosting": ["On premises"]}],
    )


class AnswersIn(InputSchema):
    """Answers to set, by question code; codes left out keep their answer, null clears one."""

    answers: dict[SafeStr, AnswerValue] = Field(
        ...,
        description=(
            'e.g. {"financial-erp.pressing": 4, "financial-erp.annual-cost": 125000, '
            '"financial-erp.hosting": "On premises", "financial-erp.contract-end": "2027-06-30"}'
        ),
    )
    visibility: str | None = optional(
        description="Optionally change who may see the answers: named or aggregate.", examples=["aggregate"]
    )

    @field_validator("answers")
    @classmethod
    def _bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_ANSWERS:
            raise ValueError(f"at most {MAX_ANSWERS} answers per request")
        for code, item in value.items():
            if len(code) > 120:
                raise ValueError("question codes are at most 120 characters")
            if isinstance(item, str) and len(item) > 5000:
                raise ValueError(f"{code}: text answers are at most 5000 characters")
            if isinstance(item, list) and len(item) > 200:
                raise ValueError(f"{code}: at most 200 options")
        return value


class TemplateFilter(Schema):
    """Filters for the template list."""

    standard: bool | None = optional(
        description="true: only the standard template; false: only your consortia's."
    )


class CampaignFilter(Schema):
    """Filters for the campaign list."""

    consortium: IdFilter | None = optional(description="Only campaigns of this consortium (id).")
    status: str | None = optional(description="Only campaigns in this status: draft, open or closed.")


class ResponseFilter(Schema):
    """Filters for the response list."""

    campaign: IdFilter | None = optional(description="Only responses to this campaign (id).")
    status: str | None = optional(description="Only responses in this status.")


# --- Helpers -------------------------------------------------------------------------------------


def _with_counts(qs: Any) -> Any:
    return qs.annotate(
        n_total=Count("responses"),
        n_submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
    )


def _answer_value(kind: str, answer: Answer) -> Any:
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return list(answer.choices)
    if kind == Question.Kind.DATE:
        return answer.date.isoformat() if answer.date else None
    if kind == Question.Kind.TEXT:
        return answer.text
    return answer.num


def _response_out(user: Any, response: Response) -> dict[str, Any]:
    """A response with its answers by question code (those `user` may read: all of a response they see)."""
    out: dict[str, Any] = {
        "id": response.pk,
        "campaign_id": response.campaign_id,
        "member": {"id": response.member_id, "name": response.member.name},
        "status": response.status,
        "visibility": response.visibility,
        "source": response.source,
        "answered_count": response.answered_count,
        "submitted_at": response.submitted_at,
        "reopened_at": response.reopened_at,
        "updated_at": response.updated_at,
    }
    out["answers"] = {
        code: _answer_value(kind, Answer(num=num, text=text, date=date, choices=choices))
        for code, kind, num, text, date, choices in answer_values(user, response)
    }
    return out


def _writable_response(request: HttpRequest, response_id: int) -> Response:
    user = request_user(request)
    response = get_response_for_user(user, response_id)
    if not Response.objects.writable_by(user).filter(pk=response.pk).exists():
        raise PermissionDenied("You may read these answers but not change them.")
    return response


def _answer_errors(exc: DjangoValidationError) -> None:
    """Value problems → 422 located per question; state problems (submitted, late…) → 409."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": ["body", "answers", code], "msg": msg}
            for code, msgs in exc.message_dict.items()
            for msg in msgs
        ]
        raise _ErrorWithBody(422, f"{len(exc.error_dict)} answers are not valid; nothing was saved.", errors)
    raise _ErrorWithBody(409, " ".join(exc.messages), [])


class _ErrorWithBody(HttpError):
    """An error answer whose `errors` name the fields (HttpError alone carries only a message)."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(status, detail)
        self.detail = detail
        self.errors = errors


def _located_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer an _ErrorWithBody raised by `view` in the one error shape, with its locations."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except _ErrorWithBody as exc:
            return Status(exc.status_code, error_body(exc.detail, exc.errors))

    return wrapped


# --- Operations ----------------------------------------------------------------------------------


@router.get(
    "/assessment/templates",
    response={200: list[TemplateOut], **error_responses(401, 422)},
    operation_id="assessment_templates_list",
    summary="List workbook templates",
)
@paginate(LimitOffset)
def templates_list(request: HttpRequest, filters: Query[TemplateFilter]) -> object:
    """The standard template and the templates of your consortia."""
    qs = Template.objects.visible_to(request_user(request)).prefetch_related(
        "versions"
    )  # versions of each row
    if filters.standard is not None:
        qs = qs.filter(consortium__isnull=filters.standard)
    return qs.order_by("consortium_id", "name", "pk")


@router.get(
    "/assessment/templates/{template_id}",
    response={200: TemplateOut, **error_responses(401, 404, 422)},
    operation_id="assessment_templates_get",
    summary="Get a workbook template and its versions",
)
def templates_get(request: HttpRequest, template_id: IdParam) -> Template:
    """One template you may see; 404 for any other."""
    return get_template_for_user(request_user(request), template_id)


@router.get(
    "/assessment/template-versions/{version_id}",
    response={200: TemplateVersionOut, **error_responses(401, 404, 422)},
    operation_id="assessment_template_versions_get",
    summary="Get a template version with its sections and questions",
)
def template_versions_get(request: HttpRequest, version_id: IdParam) -> dict[str, Any]:
    """Every section and question of one version, in order, with what a valid answer is."""
    version = get_version_for_user(request_user(request), version_id)
    sections = []
    for section in version_sections(version):
        area = section.area
        sections.append(
            {
                "id": section.pk,
                "title": section.title,
                "description": section.description,
                "area": {"id": area.pk, "code": area.code, "name": area.name} if area else None,
                "questions": list(section.questions.all()),
            }
        )
    return {
        "id": version.pk,
        "template_id": version.template_id,
        "number": version.number,
        "is_locked": version.is_locked,
        "note": version.note,
        "created_at": version.created_at,
        "sections": sections,
    }


@router.get(
    "/assessment/campaigns",
    response={200: list[CampaignOut], **error_responses(401, 422)},
    operation_id="assessment_campaigns_list",
    summary="List campaigns",
)
@paginate(LimitOffset)
def campaigns_list(request: HttpRequest, filters: Query[CampaignFilter]) -> object:
    """Campaigns of your consortia (drafts only for their admins and staff), newest first."""
    user = request_user(request)
    qs = Campaign.objects.visible_to(user)
    council = Campaign.objects.writable_by(user).values("pk")
    qs = qs.filter(~Q(status=Campaign.Status.DRAFT) | Q(pk__in=council))
    if filters.consortium is not None:
        qs = qs.filter(consortium_id=filters.consortium)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return _with_counts(qs).order_by("-opens_at", "-pk")


@router.get(
    "/assessment/campaigns/{campaign_id}",
    response={200: CampaignOut, **error_responses(401, 404, 422)},
    operation_id="assessment_campaigns_get",
    summary="Get a campaign",
)
def campaigns_get(request: HttpRequest, campaign_id: IdParam) -> Campaign:
    """One campaign of your consortia; 404 for any other (and for drafts, unless you run it)."""
    user = request_user(request)
    campaign = get_campaign_for_user(user, campaign_id)
    if campaign.status == Campaign.Status.DRAFT and not is_council_of(user, campaign.consortium_id):
        raise HttpError(404, "Not found.")
    return _with_counts(Campaign.objects.visible_to(user).filter(pk=campaign.pk)).get()


@router.post(
    "/assessment/campaigns",
    response={201: CampaignOut, **error_responses(400, 401, 403, 404, 413, 422)},
    operation_id="assessment_campaigns_create",
    summary="Launch a campaign",
)
@_located_errors
def campaigns_create(request: HttpRequest, payload: CampaignIn) -> Any:
    """Create a campaign with one response per member and (unless `launch` is false) open it:
    the template version is locked and the members' people are invited by e-mail. Consortium
    admins and staff only."""
    user = request_user(request)
    consortium = get_consortium_for_user(user, payload.consortium)
    if not is_council_of(user, consortium.pk):
        raise PermissionDenied("Only the consortium's admins and staff may launch campaigns.")
    version = get_version_for_user(user, payload.template_version)
    members = list(Member.objects.visible_to(user).filter(pk__in=payload.members))
    unknown = sorted(set(payload.members) - {m.pk for m in members})
    if unknown:
        raise _ErrorWithBody(
            422,
            "The request is not valid.",
            [{"loc": ["body", "members"], "msg": f"No such member in your consortia: {unknown}"}],
        )
    try:
        campaign = do_create_campaign(
            consortium,
            actor=user,
            name=payload.name,
            description=payload.description,
            template_version=version,
            members=members,
            deadline=payload.deadline,
            reminder_days=payload.reminder_days,
            priority_threshold=payload.priority_threshold,
            readiness_threshold=payload.readiness_threshold,
            launch=payload.launch,
        )
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = [{"loc": ["body", f], "msg": m} for f, msgs in exc.message_dict.items() for m in msgs]
            raise _ErrorWithBody(422, "The request is not valid.", errors) from exc
        raise _ErrorWithBody(422, " ".join(exc.messages), []) from exc
    return Status(201, _with_counts(Campaign.objects.visible_to(user).filter(pk=campaign.pk)).get())


@router.get(
    "/assessment/responses",
    response={200: list[ResponseOut], **error_responses(401, 422)},
    operation_id="assessment_responses_list",
    summary="List responses (your member's; all of a campaign for its staff)",
)
@paginate(LimitOffset)
def responses_list(request: HttpRequest, filters: Query[ResponseFilter]) -> object:
    """Responses you may read: your members' own, and every member's in campaigns you run."""
    qs = Response.objects.visible_to(request_user(request)).select_related(
        "member"
    )  # each row names its member
    if filters.campaign is not None:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-campaign_id", "member__name", "pk")


@router.get(
    "/assessment/responses/{response_id}",
    response={200: ResponseDetailOut, **error_responses(401, 404, 422)},
    operation_id="assessment_responses_get",
    summary="Get a response with its answers",
)
def responses_get(request: HttpRequest, response_id: IdParam) -> dict[str, Any]:
    """One response with its answers by question code; 404 unless it is your member's (or you run the campaign)."""
    user = request_user(request)
    return _response_out(user, get_response_for_user(user, response_id))


@router.put(
    "/assessment/responses/{response_id}/answers",
    response={200: ResponseDetailOut, **error_responses(400, 401, 403, 404, 409, 413, 422)},
    operation_id="assessment_responses_put_answers",
    summary="Save answers",
)
@_located_errors
def responses_put_answers(request: HttpRequest, response_id: IdParam, payload: AnswersIn) -> dict[str, Any]:
    """Set the given answers (codes left out are unchanged; null clears an answer). Every value is
    checked against its question; if any is wrong, nothing is saved and each problem is reported at
    `["body", "answers", code]` (422). A submitted response, a closed campaign or a passed deadline
    answers 409. Your member's admins and staff only; read-only people get 403."""
    user = request_user(request)
    response = _writable_response(request, response_id)
    try:
        do_save_answers(response, dict(payload.answers), actor=user, source=Response.Source.API)
        if payload.visibility is not None:
            do_set_visibility(response, payload.visibility, actor=user)
    except DjangoValidationError as exc:
        if payload.visibility is not None and hasattr(exc, "error_dict") and "visibility" in exc.error_dict:
            raise _ErrorWithBody(
                422,
                "The request is not valid.",
                [{"loc": ["body", "visibility"], "msg": "Use named or aggregate."}],
            ) from exc
        _answer_errors(exc)
    response.refresh_from_db()
    return _response_out(user, response)


@router.post(
    "/assessment/responses/{response_id}/submit",
    response={200: ResponseOut, **error_responses(401, 403, 404, 409, 422)},
    operation_id="assessment_responses_submit",
    summary="Submit a response",
)
@_located_errors
def responses_submit(request: HttpRequest, response_id: IdParam) -> Response:
    """Submit the answers: they are locked until consortium staff reopen them. Required questions
    without an answer are listed (422); an already submitted response or a passed deadline is a 409."""
    user = request_user(request)
    response = _writable_response(request, response_id)
    try:
        do_submit_response(response, actor=user, source=Response.Source.API)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": ["body", "answers", code], "msg": "Required: answer it before submitting."}
                for code in exc.error_dict
            ]
            raise _ErrorWithBody(422, f"{len(errors)} required questions have no answer.", errors) from exc
        raise _ErrorWithBody(409, " ".join(exc.messages), []) from exc
    response.refresh_from_db()
    return response
