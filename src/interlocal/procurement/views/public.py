"""Public."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.core.moments import legal_cell
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.procurement.models import (
    Solicitation,
)
from interlocal.procurement.queries import (
    award_notice,
    get_public_addendum,
    get_public_document,
    public_questions,
    public_solicitation,
    public_solicitations,
    suspended_vendor_of,
    vendor_of,
)

__all__ = [
    "PublicSolicitationTable",
    "public_addendum_document",
    "public_detail",
    "get_public_document",
    "public_list",
]


def _public_url(s: Solicitation) -> str:
    return reverse("procurement:public_solicitation", args=[s.pk])


class PublicSolicitationTable(Table):
    columns = [
        Column("reference_number", _("Reference"), sort="reference_number", link=_public_url),
        Column("title", _("Title"), sort="title", link=_public_url),
        Column("buyer", _("Issued by"), accessor="consortium.name", sort="consortium__name"),
        Column("method", _("Method"), accessor="get_method_display", sort="method"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column(
            "deadline",
            _("Submission deadline"),
            accessor=lambda s: legal_cell(s.submission_deadline, s.consortium),
            sort="submission_deadline",
        ),
    ]
    search_fields = ("reference_number", "title", "description", "consortium__name")
    search_label = _("Search solicitations")
    filters = [
        ChoiceFilter(
            "status",
            _("Status"),
            [(value, label) for value, label in Solicitation.Status.choices if value != "draft"],
        ),
        ChoiceFilter("method", _("Method"), Solicitation.Method.choices),
    ]
    default_sort = "deadline"
    export_name = "open-solicitations"
    caption = _("Solicitations")
    empty_text = _("No solicitations match.")


def public_list(request: HttpRequest) -> HttpResponse:
    """Anyone: solicitations open for bids (or, filtered, past ones). Nothing about bids."""
    qs = public_solicitations()
    if not request.GET.get("status") and not request.GET.get("q"):
        qs = qs.filter(status=Solicitation.Status.PUBLISHED, submission_deadline__gt=timezone.now())
    return PublicSolicitationTable(request, qs).response("procurement/public_list.html", {})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone: a published solicitation, its items, public documents, answers and addenda; once
    awarded, the award notice (winners, awarded amounts, every opened bid's total)."""
    sol = public_solicitation(pk)
    vendor = vendor_of(request.user) or suspended_vendor_of(request.user)
    return render(
        request,
        "procurement/public_detail.html",
        {
            "solicitation": sol,
            "items": sol.items.all(),
            "criteria": sol.criteria.all(),
            "documents": sol.documents.filter(public=True).select_related("file"),
            "questions": public_questions(sol),
            "addenda": sol.addenda.select_related("document"),
            "vendor": vendor,
            "notice": award_notice(sol),
        },
    )


def public_document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    """Anyone: download a public document of a published solicitation."""
    sol = public_solicitation(pk)
    document = get_public_document(sol, doc_pk)
    stored = document.file
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_addendum_document(request: HttpRequest, pk: int, addendum_pk: int) -> FileResponse:
    """Anyone: download an addendum's document of a published solicitation."""
    sol = public_solicitation(pk)
    addendum = get_public_addendum(sol, addendum_pk)
    if addendum.document is None:
        raise Http404
    stored = addendum.document
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
