"""Assessment analytics pages: benchmarks, the priority–readiness matrix, the coalition finder, the
campaign report (page, PDF) and the aggregate exports (CSV, XLSX); custom peer groups.

Every page reads its campaign through `get_campaign_for_user` (404 outside the consortium) and
the figures through `analytics.campaign_analytics`, which applies the disclosure rule. Vendors
get 403; observers read but change nothing.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.assessment import analytics
from interlocal.assessment.actions import do_update_campaign, is_council_of
from interlocal.assessment.analytics import QUADRANT_HELP, QUADRANT_LABELS, CampaignAnalytics
from interlocal.assessment.engine import DIMENSIONS, scoring_explanation
from interlocal.assessment.engine.charts import benchmark_spec, benchmark_svg, matrix_spec, matrix_svg
from interlocal.assessment.models import Campaign, PeerGroup, Question
from interlocal.assessment.queries import get_campaign_for_user, response_counts
from interlocal.core.tables import Column, Table
from interlocal.lib.spreadsheets import CsvDictWriter, workbook_bytes
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.queries import get_consortium_for_user
from interlocal.tenancy.scoping import get_for_user

__all__ = [
    "aggregates_csv",
    "aggregates_xlsx",
    "benchmarks",
    "coalitions",
    "matrix",
    "matrix_thresholds",
    "peer_group_create",
    "peer_group_delete",
    "peer_group_detail",
    "peer_group_edit",
    "peer_groups",
    "report",
    "report_pdf",
]

DIMENSION_LABELS = dict(Question.Dimension.choices)


class ThresholdsForm(forms.Form):
    """Where the matrix splits high from low, on the 1–5 scale."""

    priority_threshold = forms.FloatField(label=_("Priority threshold"), min_value=1, max_value=5)
    readiness_threshold = forms.FloatField(label=_("Readiness threshold"), min_value=1, max_value=5)


class PeerGroupForm(forms.Form):
    """A custom peer group: a name and some of the consortium's members."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]


# --- Shared -------------------------------------------------------------------------------------


def _deny_vendors(request: HttpRequest) -> None:
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied(_g("Needs assessments are for the consortium's members, not for vendors."))


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    _deny_vendors(request)
    return get_campaign_for_user(request.user, pk)


def _own_member_id(request: HttpRequest, campaign: Campaign) -> int | None:
    """The member the person acts for in the campaign's consortium (None for council-only people)."""
    tenant = request.tenant  # type: ignore[attr-defined]
    ids = [
        m.member_id
        for m in tenant.memberships
        if m.consortium_id == campaign.consortium_id and m.member_id is not None and m.role != "observer"
    ]
    if tenant.member_id in ids:
        return int(tenant.member_id)
    return ids[0] if ids else None


def _subject(request: HttpRequest, campaign: Campaign, ca: CampaignAnalytics, council: bool) -> int | None:
    """Whose values the page compares: the council may pick any participant (?member=), members their own."""
    own = _own_member_id(request, campaign)
    wanted = request.GET.get("member", "")
    if wanted:
        try:
            member_id = int(wanted)
        except ValueError:
            raise Http404(_g("No such member in this campaign.")) from None
        if member_id == own or (council and member_id in ca.member_index):
            return member_id
        raise Http404(_g("No such member in this campaign."))
    return own


def _group_index(request: HttpRequest, ca: CampaignAnalytics) -> int:
    key = request.GET.get("group", "all")
    for g, group in enumerate(ca.groups):
        if group.key == key:
            return g
    return 0


def _labels() -> dict[str, str]:
    return {
        **{k: str(v) for k, v in QUADRANT_LABELS.items()},
        "priority": _g("Priority (pressing and future concern)"),
        "readiness": _g("Readiness (collaborate and share data)"),
        "area": _g("Service area"),
        "quadrant": _g("Quadrant"),
        "score": _g("Score"),
        "you": _g("Your value"),
        "title": _g("Priority by readiness"),
    }


def _points_for_chart(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: r[k] for k in ("area", "priority", "readiness", "quadrant", "quadrant_label", "score")}
        for r in rows
    ]


def _base_context(request: HttpRequest, campaign: Campaign, ca: CampaignAnalytics) -> dict[str, Any]:
    council = is_council_of(request.user, campaign.consortium_id)
    subject = _subject(request, campaign, ca, council)
    suppressed, total = ca.suppressed_count()
    return {
        "campaign": campaign,
        "ca": ca,
        "council": council,
        "subject_id": subject,
        "subject": next((m for m in ca.members if m.id == subject), None),
        "k": ca.k,
        "suppressed": suppressed,
        "figures_total": total,
        "participants": len(ca.members),
        "named_count": sum(1 for m in ca.members if m.named),
    }


# --- Benchmarks ---------------------------------------------------------------------------------


@login_required
def benchmarks(request: HttpRequest, pk: int) -> HttpResponse:
    """Aggregates per area (or question) for a peer group, and the member's own values against them."""
    campaign = _campaign(request, pk)
    ca = analytics.campaign_analytics(campaign)
    ctx = _base_context(request, campaign, ca)
    g = _group_index(request, ca)
    dimension = request.GET.get("dimension", "")
    if dimension not in DIMENSIONS:
        dimension = ""
    view = "questions" if request.GET.get("view") == "questions" else "areas"
    subject = ctx["subject_id"]
    bench = ca.member_benchmark(subject, [g]) if subject else {"answered": False, "rows": [], "profile": {}}
    area_rows = [r for r in ca.area_rows(g) if not dimension or r["dimension"] == dimension]
    for r in area_rows:
        r["dimension_label"] = DIMENSION_LABELS.get(r["dimension"], r["dimension"])
    mine = {(r["area_id"], r["dimension"]): r for r in bench["rows"]}
    for r in area_rows:
        own = mine.get((r["area_id"], r["dimension"]))
        r["own"] = own["value"] if own else None
        r["comparison"] = own["groups"][0]["comparison"] if own and own["groups"] else None
    question_rows = ca.question_rows(g) if view == "questions" else []
    if question_rows and subject in ca.member_index:
        _attach_question_values(ca, question_rows, subject)
    chart_dim = dimension or "pressing"
    chart_rows = [
        {"label": r["area"], "q1": r["q1"], "q3": r["q3"], "mean": r["mean"], "value": r["own"]}
        for r in area_rows
        if r["dimension"] == chart_dim and r["published"]
    ]
    return render(
        request,
        "assessment/analytics/benchmarks.html",
        {
            **ctx,
            "group": ca.groups[g],
            "groups": ca.groups,
            "dimension": dimension,
            "dimensions": [(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
            "chart_dimension_label": DIMENSION_LABELS[chart_dim],
            "view": view,
            "area_rows": area_rows,
            "question_rows": question_rows,
            "profile": bench["profile"],
            "answered": bench["answered"],
            "chart": benchmark_spec(chart_rows, labels=_labels()) if chart_rows else None,
            "members_choice": ca.members if ctx["council"] else [],
        },
    )


def _attach_question_values(ca: CampaignAnalytics, rows: list[dict[str, Any]], member_id: int) -> None:
    """The member's own answer to each numeric question, and where it stands in the group."""
    srt = ca.analysis.question_values
    i = ca.member_index[member_id]
    mine = srt.member == i
    own = dict(zip(srt.figure[mine].tolist(), srt.value[mine].tolist(), strict=True))
    qpos = {q.id: n for n, q in enumerate(ca.questions)}
    for r in rows:
        value = own.get(qpos[r["question_id"]])
        r["own"] = value
        r["difference"] = round(value - r["mean"], 4) if value is not None and r["mean"] is not None else None


# --- Matrix -------------------------------------------------------------------------------------


@login_required
def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """The priority–readiness matrix: consortium-wide (or a peer group), the member's own, ranked."""
    campaign = _campaign(request, pk)
    ca = analytics.campaign_analytics(campaign)
    ctx = _base_context(request, campaign, ca)
    g = _group_index(request, ca)
    rows = ca.opportunity_rows(ca.matrix_points(g))
    own_rows = ca.opportunity_rows(ca.member_points(ctx["subject_id"])) if ctx["subject_id"] else []
    labels = _labels()
    form = ThresholdsForm(
        initial={
            "priority_threshold": campaign.priority_threshold,
            "readiness_threshold": campaign.readiness_threshold,
        }
    )
    return render(
        request,
        "assessment/analytics/matrix.html",
        {
            **ctx,
            "group": ca.groups[g],
            "groups": ca.groups,
            "rows": rows,
            "own_rows": own_rows,
            "spec": matrix_spec(
                _points_for_chart(rows),
                priority_threshold=ca.priority_threshold,
                readiness_threshold=ca.readiness_threshold,
                labels=labels,
            )
            if rows
            else None,
            "own_spec": matrix_spec(
                _points_for_chart(own_rows),
                priority_threshold=ca.priority_threshold,
                readiness_threshold=ca.readiness_threshold,
                labels=labels,
            )
            if own_rows
            else None,
            "explanation": scoring_explanation(ca.priority_threshold, ca.readiness_threshold, ca.k),
            "quadrants": [(QUADRANT_LABELS[q], QUADRANT_HELP[q]) for q in QUADRANT_LABELS],
            "form": form,
        },
    )


@login_required
@require_POST
def matrix_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the campaign's matrix thresholds (consortium council only)."""
    campaign = _campaign(request, pk)
    if not is_council_of(request.user, campaign.consortium_id):
        raise PermissionDenied(_g("Only the consortium's admins and staff may change the thresholds."))
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            do_update_campaign(campaign, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _g("Thresholds saved."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect("assessment:analytics_matrix", pk=campaign.pk)


# --- Coalitions ---------------------------------------------------------------------------------


@login_required
def coalitions(request: HttpRequest, pk: int) -> HttpResponse:
    """Suggested coalitions per area, explained in words."""
    campaign = _campaign(request, pk)
    ca = analytics.campaign_analytics(campaign)
    ctx = _base_context(request, campaign, ca)
    area_param = request.GET.get("area", "")
    area_ids = None
    if area_param:
        try:
            area_ids = [int(area_param)]
        except ValueError:
            area_ids = None
    try:
        window = min(max(int(request.GET.get("window", 18)), 1), 120)
    except ValueError:
        window = 18
    found = ca.coalitions(
        council=ctx["council"],
        own_member_id=_own_member_id(request, campaign),
        window_months=window,
        area_ids=area_ids,
    )
    return render(
        request,
        "assessment/analytics/coalitions.html",
        {
            **ctx,
            "coalitions": found,
            "areas": ca.areas,
            "area_id": area_ids[0] if area_ids else None,
            "window": window,
        },
    )


# --- Report -------------------------------------------------------------------------------------


def _report_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    ca = analytics.campaign_analytics(campaign)
    ctx = _base_context(request, campaign, ca)
    rows = ca.opportunity_rows(ca.matrix_points(0))
    found = ca.coalitions(council=ctx["council"], own_member_id=_own_member_id(request, campaign))
    # The report leads with the strongest cases: high priority and readiness, then size.
    found.sort(key=lambda c: (-(c["priority"] + c["readiness"]), -len(c["members"]), c["area"]))
    pressing = sorted(
        (r for r in ca.area_rows(0) if r["dimension"] == "pressing" and r["published"]),
        key=lambda r: -(r["mean"] or 0),
    )[:5]
    invited = response_counts(request.user, campaign)["total"]
    return {
        **ctx,
        "rows": rows,
        "coalitions": found[:12],
        "coalition_total": len(found),
        "pressing": pressing,
        "invited": invited,
        "explanation": scoring_explanation(ca.priority_threshold, ca.readiness_threshold, ca.k),
        "quadrants": [(QUADRANT_LABELS[q], QUADRANT_HELP[q]) for q in QUADRANT_LABELS],
        "labels": _labels(),
    }


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign report: matrix, ranked opportunities, suggested coalitions, method."""
    campaign = _campaign(request, pk)
    ctx = _report_context(request, campaign)
    ca: CampaignAnalytics = ctx["ca"]
    ctx["spec"] = (
        matrix_spec(
            _points_for_chart(ctx["rows"]),
            priority_threshold=ca.priority_threshold,
            readiness_threshold=ca.readiness_threshold,
            labels=ctx["labels"],
        )
        if ctx["rows"]
        else None
    )
    return render(request, "assessment/analytics/report.html", ctx)


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as PDF (WeasyPrint runs no JavaScript: the charts are static SVG)."""
    from weasyprint import HTML

    campaign = _campaign(request, pk)
    ctx = _report_context(request, campaign)
    ca: CampaignAnalytics = ctx["ca"]
    ctx["matrix_svg"] = (
        matrix_svg(
            ctx["rows"],
            priority_threshold=ca.priority_threshold,
            readiness_threshold=ca.readiness_threshold,
            labels=ctx["labels"],
        )
        if ctx["rows"]
        else ""
    )
    ctx["scores_svg"] = (
        benchmark_svg(
            [
                {"label": r["area"], "value": r["score"], "colour": _colour(r["quadrant"])}
                for r in ctx["rows"]
            ],
            labels={"title": _g("Opportunity score by area")},
        )
        if ctx["rows"]
        else ""
    )
    ctx["generated"] = timezone.now()
    html = render_to_string("assessment/analytics/report_pdf.html", ctx, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign)}-report.pdf"'
    return response


def _colour(quadrant: str) -> str:
    from interlocal.assessment.engine.charts import QUADRANT_COLOURS

    return QUADRANT_COLOURS.get(quadrant, "#005ea2")


def _filename(campaign: Campaign) -> str:
    return slugify(campaign.name) or f"campaign-{campaign.pk}"


EXPORT_COLUMNS = [
    "group",
    "group_key",
    "figure",
    "area",
    "dimension",
    "question",
    "n",
    "mean",
    "sd",
    "q1",
    "median",
    "q3",
]


def _export_rows(campaign: Campaign) -> list[dict[str, Any]]:
    """Published figures only: a suppressed figure is left out of exports altogether."""
    ca = analytics.campaign_analytics(campaign)
    return [r for r in ca.export_rows() if r["published"]]


@login_required
def aggregates_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every published aggregate (all groups, areas, questions, matrix scores) as CSV."""
    campaign = _campaign(request, pk)
    buffer = io.StringIO()
    writer = CsvDictWriter(buffer, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in _export_rows(campaign):
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign)}-aggregates.csv"'
    return response


@login_required
def aggregates_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The same published aggregates as an Excel workbook, with a method sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    campaign = _campaign(request, pk)
    ca = analytics.campaign_analytics(campaign)
    book = Workbook()
    sheet = book.active
    sheet.title = "aggregates"  # type: ignore[union-attr]
    sheet.append(EXPORT_COLUMNS)  # type: ignore[union-attr]
    for cell in sheet[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
    for row in _export_rows(campaign):
        sheet.append([row.get(c) for c in EXPORT_COLUMNS])  # type: ignore[union-attr]
    sheet.freeze_panes = "A2"  # type: ignore[union-attr]
    method = book.create_sheet("method")
    for paragraph in scoring_explanation(ca.priority_threshold, ca.readiness_threshold, ca.k):
        method.append([paragraph])
    response = HttpResponse(
        workbook_bytes(book), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign)}-aggregates.xlsx"'
    return response


# --- Peer groups --------------------------------------------------------------------------------


def _consortium(request: HttpRequest) -> Consortium:
    _deny_vendors(request)
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def _require_council(request: HttpRequest, consortium_id: int) -> None:
    if not is_council_of(request.user, consortium_id):
        raise PermissionDenied(_g("Only the consortium's admins and staff may manage peer groups."))


def _group_url(group: PeerGroup) -> str:
    return reverse("assessment:peer_group_detail", args=[group.pk])


class PeerGroupTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=_group_url),
        Column("size", _("Members"), accessor="size", sort="size", numeric=True),
        Column("description", _("Description")),
    ]
    search_fields = ("name", "description")
    search_label = _("Search by name")
    default_sort = "name"
    export_name = "peer-groups"
    caption = _("Custom peer groups")
    empty_text = _("No custom peer groups yet.")


@login_required
def peer_groups(request: HttpRequest) -> HttpResponse:
    """The consortium's custom peer groups (benchmarks compare against them too)."""
    from django.db.models import Count

    consortium = _consortium(request)
    # The member count is annotated so the list costs one query whatever its length.
    groups = (
        PeerGroup.objects.visible_to(request.user)
        .filter(consortium=consortium)
        .annotate(size=Count("members", distinct=True))
    )
    council = is_council_of(request.user, consortium.pk)
    return PeerGroupTable(request, groups).response(
        "assessment/analytics/peer_groups.html", {"consortium": consortium, "council": council}
    )


@login_required
def peer_group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A custom peer group, read-only, for everyone who can see it; the council also gets Edit."""
    _deny_vendors(request)
    group = get_for_user(PeerGroup.objects.select_related("consortium"), request.user, pk=pk)
    members = _form_members(group.consortium, request.user).filter(pk__in=group.members.values("pk"))
    # Benchmarks and the matrix compare against the group in every campaign that has results.
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .filter(consortium=group.consortium, status__in=[Campaign.Status.OPEN, Campaign.Status.CLOSED])
        .order_by("-deadline", "-pk")[:5]
    )
    return render(
        request,
        "assessment/analytics/peer_group_detail.html",
        {
            "group": group,
            "members": members,
            "campaigns": campaigns,
            "group_key": f"custom-{group.pk}",
            "council": is_council_of(request.user, group.consortium_id),
        },
    )


def _form_members(consortium: Consortium, user: Any) -> Any:
    return Member.objects.visible_to(user).in_consortium(consortium).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def peer_group_create(request: HttpRequest) -> HttpResponse:
    """Create a custom peer group (consortium council only)."""
    consortium = _consortium(request)
    _require_council(request, consortium.pk)
    return _peer_group_form(request, consortium, None)


@login_required
@require_http_methods(["GET", "POST"])
def peer_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a custom peer group's name, description and members (consortium council only)."""
    _deny_vendors(request)
    group = get_for_user(PeerGroup.objects.select_related("consortium"), request.user, pk=pk)
    _require_council(request, group.consortium_id)
    return _peer_group_form(request, group.consortium, group)


def _peer_group_form(request: HttpRequest, consortium: Consortium, group: PeerGroup | None) -> HttpResponse:
    members = _form_members(consortium, request.user)
    if request.method == "POST":
        form = PeerGroupForm(request.POST, members=members)
        if form.is_valid():
            try:
                saved = analytics.do_save_peer_group(
                    consortium,
                    actor=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    members=list(form.cleaned_data["members"]),
                    group=group,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _g("Peer group “%(name)s” saved.") % {"name": saved.name})
                return redirect("assessment:peer_group_detail", saved.pk)
    else:
        initial = {}
        if group is not None:
            initial = {
                "name": group.name,
                "description": group.description,
                "members": list(group.members.values_list("pk", flat=True)),
            }
        form = PeerGroupForm(initial=initial, members=members)
    return render(
        request,
        "assessment/analytics/peer_group_form.html",
        {"form": form, "group": group, "consortium": consortium},
    )


@login_required
@require_POST
def peer_group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a custom peer group (consortium council only)."""
    _deny_vendors(request)
    group = get_for_user(PeerGroup.objects.select_related("consortium"), request.user, pk=pk)
    _require_council(request, group.consortium_id)
    name = group.name
    analytics.do_delete_peer_group(group, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _g("Peer group “%(name)s” deleted.") % {"name": name})
    return redirect("assessment:peer_groups")
