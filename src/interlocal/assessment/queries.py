"""Read paths for the assessment core: scoped accessors and the progress figures of campaigns.

Other apps (and the workbook and analytics parts of this one) read templates, campaigns and
responses through these functions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from interlocal.assessment.models import (
    Answer,
    Campaign,
    Question,
    Response,
    Section,
    Template,
    TemplateVersion,
)
from interlocal.tenancy.scoping import get_for_user

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium

    AnyUser = User | AnonymousUser

__all__ = [
    "SectionProgress",
    "answer_values",
    "answers_by_question",
    "campaign_status_counts",
    "campaigns_due_with_late_members",
    "get_campaign_for_user",
    "get_question_for_user",
    "get_response_for_user",
    "get_section_for_user",
    "get_template_for_user",
    "get_version_for_user",
    "open_campaign_count",
    "response_counts",
    "section_answered_count",
    "section_matrix",
    "section_progress",
    "templates_for_list",
    "version_campaign_count",
    "version_campaigns",
    "version_sections",
]


def get_template_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Template:
    """The template if `user` may see it (or change it, with write=True); else 404."""
    return get_for_user(Template.objects.select_related("consortium"), user, write=write, pk=pk)


def get_version_for_user(user: AnyUser, pk: int, *, write: bool = False) -> TemplateVersion:
    """The template version if `user` may see it (or change it); else 404."""
    return get_for_user(
        TemplateVersion.objects.select_related("template", "template__consortium"), user, write=write, pk=pk
    )


def get_section_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Section:
    """A section of a template version `user` may see (or change); else 404."""
    versions = TemplateVersion.objects.visible_to(user)
    if write:
        versions = versions.writable_by(user)
    section = (
        Section.objects.select_related("version", "version__template", "area")
        .filter(version__in=versions.values("pk"), pk=pk)
        .first()
    )
    if section is None:
        raise Http404("No section matches the given query.")
    return section


def get_question_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Question:
    """A question of a template version `user` may see (or change); else 404."""
    versions = TemplateVersion.objects.visible_to(user)
    if write:
        versions = versions.writable_by(user)
    question = (
        Question.objects.select_related("section", "version", "version__template")
        .filter(version__in=versions.values("pk"), pk=pk)
        .first()
    )
    if question is None:
        raise Http404("No question matches the given query.")
    return question


def get_campaign_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Campaign:
    """The campaign if `user` may see it (or run it, with write=True); else 404."""
    return get_for_user(
        Campaign.objects.select_related("consortium", "template_version", "template_version__template"),
        user,
        write=write,
        pk=pk,
    )


def get_response_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Response:
    """A member's response if `user` may see it (or answer it, with write=True); else 404."""
    return get_for_user(
        Response.objects.select_related(
            "campaign", "campaign__consortium", "campaign__template_version", "member", "submitted_by"
        ),
        user,
        write=write,
        pk=pk,
    )


def version_sections(version: TemplateVersion) -> list[Section]:
    """The sections of a version with their questions and areas, in order (two queries)."""
    questions = Question.objects.order_by("order", "pk")
    return list(
        version.sections.select_related("area")
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by("order", "pk")
    )


def answers_by_question(response: Response) -> dict[int, Answer]:
    """A response's answers keyed by question id (one query)."""
    return {a.question_id: a for a in Answer.objects.filter(response=response)}


@dataclass(frozen=True)
class SectionProgress:
    """How many of a section's questions (and of its required ones) have an answer."""

    section: Section
    answered: int
    total: int
    required_missing: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered == self.total


def section_progress(sections: list[Section], answers: dict[int, Any]) -> list[SectionProgress]:
    """Completion per section from prefetched sections and the answered question ids."""
    out = []
    for section in sections:
        questions = list(section.questions.all())
        answered = sum(1 for q in questions if q.pk in answers)
        missing = sum(1 for q in questions if q.required and q.pk not in answers)
        out.append(SectionProgress(section, answered, len(questions), missing))
    return out


def campaign_status_counts(campaigns: QuerySet[Campaign]) -> dict[int, dict[str, int]]:
    """Per campaign: responses in total and per status (one grouped query)."""
    rows = (
        Response.objects.filter(campaign__in=campaigns.values("pk"))
        .values("campaign_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys([*Response.Status.values, "total"], 0))
    for row in rows:
        counts = out[row["campaign_id"]]
        counts[row["status"]] += row["n"]
        counts["total"] += row["n"]
    return dict(out)


def section_matrix(campaign: Campaign, member_ids: list[int] | None = None) -> dict[int, dict[int, int]]:
    """Answers per member and section: {member_id: {section_id: answered}} (one grouped query)."""
    qs = Answer.objects.filter(campaign=campaign)
    if member_ids is not None:
        qs = qs.filter(member_id__in=member_ids)
    rows = qs.values("member_id", "question__section_id").annotate(n=Count("pk")).order_by()
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        out[row["member_id"]][row["question__section_id"]] = row["n"]
    return dict(out)


def open_responses_for(user: AnyUser) -> QuerySet[Response]:
    """Responses `user` may answer in open campaigns, soonest deadline first."""
    return (
        Response.objects.writable_by(user)
        .filter(campaign__status=Campaign.Status.OPEN)
        .exclude(status=Response.Status.SUBMITTED)
        .select_related("campaign", "member")  # the card shows the campaign and the member
        .order_by("campaign__deadline", "pk")
    )


def participation_filter(user: AnyUser) -> Q:
    """Campaigns where `user` answers for a member (used to narrow lists for member staff)."""
    return Q(pk__in=Response.objects.visible_to(user).values("campaign_id"))


def answer_values(user: AnyUser, response: Response) -> list[tuple[Any, ...]]:
    """A response's answers as (question code, kind, num, text, date, choices), in question order."""
    rows = Answer.objects.visible_to(user).filter(response=response)
    return list(
        rows.values_list("question__code", "question__kind", "num", "text", "date", "choices").order_by(
            "question__section__order", "question__order"
        )
    )


def section_answered_count(user: AnyUser, response: Response, section: Section) -> int:
    """How many of `section`'s questions `response` has answered."""
    return Answer.objects.visible_to(user).filter(response=response, question__section=section).count()


def response_counts(user: AnyUser, campaign: Campaign) -> dict[str, int]:
    """`campaign`'s responses per status and in total ("total"); zeros if `user` may not see it.

    Counted over all its members: how far a campaign has got is shown to everyone who reads it.
    """
    counts = campaign_status_counts(Campaign.objects.visible_to(user).filter(pk=campaign.pk))
    return counts.get(campaign.pk, dict.fromkeys([*Response.Status.values, "total"], 0))


def open_campaign_count(user: AnyUser, consortium: Consortium) -> int:
    """How many of `consortium`'s campaigns `user` may see are open."""
    return (
        Campaign.objects.visible_to(user).filter(consortium=consortium, status=Campaign.Status.OPEN).count()
    )


def _latest_version(user: AnyUser, field: str) -> Subquery:
    versions = TemplateVersion.objects.visible_to(user).filter(template=OuterRef("pk")).order_by("-number")
    return Subquery(versions.values(field)[:1], output_field=IntegerField())


def templates_for_list(user: AnyUser, consortium: Consortium) -> QuerySet[Template]:
    """The standard templates and `consortium`'s own that `user` may see, each with its latest
    version's number, id and question count, and how many campaigns use it (two queries a page).

    The campaigns are counted over every consortium, as the template's versions show them.
    """
    latest_questions = Subquery(
        Question.objects.filter(version_id=OuterRef("latest_id"))
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    campaigns = Subquery(
        Campaign.objects.filter(template_version__template=OuterRef("pk"))
        .order_by()
        .values("template_version__template")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    # Counts come from subqueries so that the page costs two queries whatever its length.
    return (
        Template.objects.visible_to(user)
        .filter(Q(consortium__isnull=True) | Q(consortium=consortium))
        .select_related("consortium")
        .annotate(latest_number=_latest_version(user, "number"), latest_id=_latest_version(user, "pk"))
        .annotate(question_count=latest_questions, campaign_count=campaigns)
    )


def version_campaign_count(user: AnyUser, version: TemplateVersion) -> int:
    """How many campaigns `user` may see use `version` (for a consortium's own template: all of them)."""
    return Campaign.objects.visible_to(user).filter(template_version=version).count()


def version_campaigns(user: AnyUser, version: TemplateVersion | None) -> QuerySet[Campaign]:
    """The campaigns `user` may see that use `version`, newest first (none without a version)."""
    campaigns = Campaign.objects.visible_to(user)
    if version is None:
        return campaigns.none()
    return campaigns.filter(template_version=version).order_by("-opens_at")


def campaigns_due_with_late_members(
    user: AnyUser, now: dt.datetime, within: dt.timedelta
) -> QuerySet[Campaign]:
    """Open campaigns the person runs (the council's: `writable_by`) whose deadline falls within
    `within` from `now`, with `late` = responses not yet submitted (a correlated count), only
    those with at least one; soonest deadline first."""
    late = (
        Response.objects.filter(campaign=OuterRef("pk"))
        .exclude(status=Response.Status.SUBMITTED)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Campaign.objects.writable_by(user)
        .filter(status=Campaign.Status.OPEN, deadline__gt=now, deadline__lte=now + within)
        .annotate(late=Coalesce(Subquery(late, output_field=IntegerField()), 0))
        .filter(late__gt=0)
        .select_related("consortium")  # the inbox names the consortium
        .order_by("deadline", "pk")
    )
