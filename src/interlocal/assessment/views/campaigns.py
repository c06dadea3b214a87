"""Campaign pages: list with progress, launch, detail, edit, close, and the staff progress page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from interlocal.assessment.actions import (
    do_close_campaign,
    do_create_campaign,
    do_launch_campaign,
    do_update_campaign,
    is_council_of,
    remind_rights,
)
from interlocal.assessment.forms import CampaignCreateForm, CampaignEditForm
from interlocal.assessment.models import Campaign, Response, TemplateVersion
from interlocal.assessment.queries import (
    get_campaign_for_user,
    open_campaign_count,
    open_responses_for,
    response_counts,
    section_matrix,
    version_sections,
)
from interlocal.assessment.views.common import (
    acting_user,
    current_consortium,
    deny_vendors,
    error_messages,
    extra_templates,
    require_council,
)
from interlocal.core.moments import short_text
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.lib.timezones import zoneinfo
from interlocal.tenancy.models import Consortium, Member

__all__ = [
    "campaign_close",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_launch",
    "campaign_list",
    "campaign_progress",
    "open_responses_card",
]


def _campaign_url(campaign: Campaign) -> str:
    return reverse("assessment:campaign_detail", args=[campaign.pk])


def _progress_text(campaign: Campaign) -> str:
    counts = {"done": getattr(campaign, "n_submitted", 0), "total": getattr(campaign, "n_total", 0)}
    return _g("%(done)d of %(total)d submitted") % counts


def _own_status(campaign: Campaign) -> str:
    status = getattr(campaign, "own_status", None)
    return str(dict(Response.Status.choices).get(status, "—")) if status else "—"


class CampaignTable(Table):
    columns = [
        Column("name", _("Campaign"), sort="name", link=_campaign_url),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column(
            "deadline",
            _("Deadline"),
            accessor=lambda c: short_text(c.deadline),
            sort="deadline",
        ),
        Column(
            "template",
            _("Template"),
            accessor=lambda c: str(c.template_version),
            sort="template_version__template__name",
        ),
        Column("progress", _("Progress"), accessor=_progress_text, sort="n_submitted"),
        Column("own", _("Your answers"), accessor=_own_status),
    ]
    search_fields = ("name", "description")
    search_label = _("Search campaigns")
    filters = [ChoiceFilter("status", _("Status"), Campaign.Status.choices)]
    default_sort = "-deadline"
    export_name = "campaigns"
    caption = _("Needs-assessment campaigns")
    empty_text = _("No campaigns match these filters.")


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The consortium's campaigns with their progress; members see their own response's status."""
    deny_vendors(request)
    consortium = current_consortium(request)
    council = is_council_of(request.user, consortium.pk)
    own = Response.objects.visible_to(request.user).filter(campaign=OuterRef("pk"))
    member = request.tenant.member  # type: ignore[attr-defined]
    if member is not None:
        own = own.filter(member=member)
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .filter(consortium=consortium)
        # Each row names its template version; the counts are aggregated in the same query.
        .select_related("template_version", "template_version__template")
        .annotate(
            n_total=Count("responses"),
            n_submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
            own_status=Subquery(own.order_by("pk").values("status")[:1]),
        )
    )
    if not council:
        # Drafts are the council's work in progress.
        campaigns = campaigns.exclude(status=Campaign.Status.DRAFT)
    return CampaignTable(request, campaigns).response(
        "assessment/campaign_list.html", {"consortium": consortium, "is_council": council}
    )


def _campaign_form_choices(request: HttpRequest, consortium: Consortium) -> tuple[Any, Any]:
    versions = (
        TemplateVersion.objects.visible_to(request.user)
        .filter(Q(template__consortium__isnull=True) | Q(template__consortium=consortium))
        .select_related("template")
        .order_by("template__consortium_id", "template__name", "-number")
    )
    members = Member.objects.visible_to(request.user).in_consortium(consortium).order_by("name")
    return versions, members


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Launch a campaign (or save a draft): template version, members, deadline, reminders."""
    deny_vendors(request)
    consortium = current_consortium(request)
    require_council(request, consortium.pk)
    versions, members = _campaign_form_choices(request, consortium)
    initial: dict[str, Any] = {"members": list(members)}
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        initial["template_version"] = versions.filter(pk=int(wanted)).first()
    form = CampaignCreateForm(
        request.POST if request.method == "POST" else None,
        versions=versions,
        members=members,
        initial=initial,
        time_zone=consortium.time_zone,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = do_create_campaign(
                consortium,
                actor=acting_user(request),
                name=data["name"],
                description=data["description"],
                template_version=data["template_version"],
                members=data["members"],
                deadline=data["deadline"],
                reminder_days=data["reminder_days"],
                launch=data["launch"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if campaign.status == Campaign.Status.OPEN:
                messages.success(
                    request,
                    _g("“%(name)s” is open; %(n)d members were invited.")
                    % {"name": campaign.name, "n": len(data["members"])},
                )
            else:
                messages.success(request, _g("“%(name)s” was saved as a draft.") % {"name": campaign.name})
            return redirect("assessment:campaign_detail", pk=campaign.pk)
    return render(request, "assessment/campaign_create.html", {"form": form, "consortium": consortium})


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = {"deadline": "deadline_date"}.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign: what it asks and until when; staff see progress, members their own response."""
    deny_vendors(request)
    campaign = get_campaign_for_user(request.user, pk)
    council = is_council_of(request.user, campaign.consortium_id)
    if campaign.status == Campaign.Status.DRAFT and not council:
        raise PermissionDenied(_g("This campaign is still a draft."))
    # Only the person's own members' responses (the council reaches the rest through the progress
    # page): filtered in the query, not after loading every member's response.
    own = list(
        Response.objects.visible_to(request.user)
        .filter(campaign=campaign, member_id__in=_own_member_ids(request))
        .select_related("member")
    )
    counts = response_counts(request.user, campaign)
    total = counts["total"]
    context = {
        "campaign": campaign,
        "is_council": council,
        # Council staff reach every response through the progress page; here only the person's own.
        "own_responses": own,
        "counts": {s: counts.get(s, 0) for s in Response.Status.values},
        "status_labels": Response.Status.choices,
        "total": total,
        "submitted_percent": round(100 * counts.get(Response.Status.SUBMITTED, 0) / total) if total else 0,
        "question_count": campaign.template_version.questions.count(),
        "extra_templates": extra_templates("campaign"),
        "remind": remind_rights(request.user, campaign) if council else None,
    }
    return render(request, "assessment/campaign_detail.html", context)


def _own_member_ids(request: HttpRequest) -> set[int]:
    return {m.member_id for m in request.tenant.memberships if m.member_id}  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a campaign's deadline, reminders, thresholds, name or message."""
    deny_vendors(request)
    campaign = get_campaign_for_user(request.user, pk)
    require_council(request, campaign.consortium_id)
    zone = campaign.consortium.time_zone  # the deadline is entered on the consortium's clocks
    local = timezone.localtime(campaign.deadline, zoneinfo(zone))
    initial = {
        "name": campaign.name,
        "description": campaign.description,
        "deadline_date": local.date(),
        "deadline_time": local.time().replace(second=0, microsecond=0),
        "reminder_days": ", ".join(str(d) for d in campaign.reminder_days),
        "priority_threshold": campaign.priority_threshold,
        "readiness_threshold": campaign.readiness_threshold,
    }
    form = CampaignEditForm(
        request.POST if request.method == "POST" else None, initial=initial, time_zone=zone
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if campaign.status == Campaign.Status.CLOSED:
            # A closed campaign's deadline and reminders are history; only the rest may change.
            changes = {k: v for k, v in changes.items() if k not in {"deadline", "reminder_days"}}
        try:
            do_update_campaign(campaign, actor=acting_user(request), **changes)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _g("The campaign was saved."))
            return redirect("assessment:campaign_detail", pk=campaign.pk)
    return render(request, "assessment/campaign_edit.html", {"campaign": campaign, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then open a draft campaign and invite its members."""
    deny_vendors(request)
    campaign = get_campaign_for_user(request.user, pk)
    require_council(request, campaign.consortium_id)
    if request.method == "POST":
        try:
            do_launch_campaign(campaign, actor=acting_user(request))
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _g("The campaign is open; the members were invited."))
        return redirect("assessment:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "assessment/campaign_confirm.html",
        {"campaign": campaign, "action": "launch", "member_count": campaign.responses.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then close a campaign: no more answers."""
    deny_vendors(request)
    campaign = get_campaign_for_user(request.user, pk)
    require_council(request, campaign.consortium_id)
    if request.method == "POST":
        try:
            do_close_campaign(campaign, actor=acting_user(request))
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _g("The campaign is closed."))
        return redirect("assessment:campaign_detail", pk=campaign.pk)
    pending = campaign.responses.exclude(status=Response.Status.SUBMITTED).count()
    return render(
        request,
        "assessment/campaign_confirm.html",
        {"campaign": campaign, "action": "close", "pending": pending},
    )


# --- Progress -------------------------------------------------------------------------------------


def section_label(section: Any) -> str:
    """A short column heading for a section: its area's code, or its title."""
    return section.area.code if section.area_id else section.title


def _visibility_short(row: Response) -> str:
    return _g("By name") if row.visibility == Response.Visibility.NAMED else _g("Aggregates only")


class ProgressTable(Table):
    """Who has answered what: one row per member, one column per section (added per campaign)."""

    search_fields = ("member__name",)
    search_label = _("Search by member")
    filters = [
        ChoiceFilter("status", _("Status"), Response.Status.choices),
        ChoiceFilter("visibility", _("Visibility"), Response.Visibility.choices),
    ]
    default_sort = "member"
    per_page = 50
    export_name = "campaign-progress"
    caption = _("Progress by member")
    empty_text = _("No member matches these filters.")

    def __init__(
        self, request: HttpRequest, queryset: Any, *, campaign: Campaign, sections: list[Any]
    ) -> None:
        self.campaign = campaign
        self.sections = sections
        self._counts: dict[int, dict[int, int]] | None = None
        total = sum(len(s.questions.all()) for s in sections)
        columns = [
            Column(
                "member",
                _("Member"),
                accessor="member.name",
                sort="member__name",
                link=lambda r: reverse("assessment:response", args=[r.pk]),
            ),
            Column("status", _("Status"), accessor="get_status_display", sort="status"),
            Column(
                "answered",
                _("Answered"),
                accessor=lambda r: (
                    f"{r.answered_count}/{total} ({round(100 * r.answered_count / total) if total else 0}%)"
                ),
                sort="answered_count",
                numeric=True,
            ),
            Column(
                "submitted",
                _("Submitted"),
                accessor=lambda r: short_text(r.submitted_at),
                sort="submitted_at",
            ),
            Column("visibility", _("Visibility"), accessor=_visibility_short, sort="visibility"),
            Column("source", _("Saved from"), accessor="get_source_display", sort="source"),
            Column("complete", _("Sections complete"), accessor=self._complete_cell(), numeric=True),
        ]
        for section in sections:
            columns.append(
                Column(
                    f"s{section.pk}",
                    section_label(section),
                    accessor=self._section_cell(section.pk, len(section.questions.all())),
                    numeric=True,
                )
            )
        self.columns = columns  # type: ignore[misc]  # per campaign: one column per section
        super().__init__(request, queryset)

    def _complete_cell(self) -> Any:
        sizes = {s.pk: len(s.questions.all()) for s in self.sections}

        def cell(row: Response) -> str:
            counts = self._section_counts().get(row.member_id, {})
            done = sum(1 for pk, size in sizes.items() if size and counts.get(pk, 0) >= size)
            return f"{done}/{len(sizes)}"

        return cell

    def _section_cell(self, section_id: int, total: int) -> Any:
        def cell(row: Response) -> str:
            counts = self._section_counts()
            return f"{counts.get(row.member_id, {}).get(section_id, 0)}/{total}"

        return cell

    def _section_counts(self) -> dict[int, dict[int, int]]:
        # One grouped query for the rows on this page (or all rows, for the CSV export).
        if self._counts is None:
            if self.wants_csv():
                self._counts = section_matrix(self.campaign)
            else:
                ids = [r.member_id for r in self.page.object_list]
                self._counts = section_matrix(self.campaign, ids)
        return self._counts


@login_required
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff view of who has answered what, per member and per section; filters and CSV."""
    deny_vendors(request)
    campaign = get_campaign_for_user(request.user, pk)
    require_council(request, campaign.consortium_id)
    sections = version_sections(campaign.template_version)
    responses = (
        Response.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("member")  # each row shows the member's name
    )
    table = ProgressTable(request, responses, campaign=campaign, sections=sections)
    return table.response("assessment/campaign_progress.html", {"campaign": campaign, "sections": sections})


# --- Dashboard card -------------------------------------------------------------------------------


def open_responses_card(request: HttpRequest) -> dict[str, Any] | None:
    """Assessments to answer: open campaigns where the person's member has not submitted yet."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    responses = list(open_responses_for(request.user).filter(campaign__consortium=tenant.consortium)[:5])
    council = is_council_of(request.user, tenant.consortium.pk)
    if not responses and not council:
        return None
    open_campaigns = open_campaign_count(request.user, tenant.consortium) if council else 0
    return {"responses": responses, "is_council": council, "open_campaigns": open_campaigns}
