"""Agreement pages: the list, one agreement, drafting; see lifecycle.py and files.py for the rest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from interlocal.agreements.actions import agreement_rights, do_create_agreement, do_update_agreement
from interlocal.agreements.forms import AgreementForm
from interlocal.agreements.models import Agreement, AgreementStatus, DocumentKind
from interlocal.agreements.queries import (
    agreements_visible_to,
    deadlines_of,
    documents_of,
    get_agreement_for_user,
    is_council,
    parties_of,
    service_choices,
    signature_requests_for,
    upcoming_deadlines,
    versions_of,
)
from interlocal.agreements.views.common import consortium_of, show_errors
from interlocal.core.tables import ChoiceFilter, Column, Table

__all__ = [
    "agreement_create",
    "agreement_detail",
    "agreement_edit",
    "agreement_list",
    "agreements_card",
]


def _url(agreement: Agreement) -> str:
    return reverse("agreements:detail", args=[agreement.pk])


def _renewal(agreement: Agreement) -> str:
    d = deadlines_of(agreement).renewal
    return d.isoformat() if d else ""


def _notice(agreement: Agreement) -> str:
    d = deadlines_of(agreement).notice
    return d.isoformat() if d else ""


class AgreementTable(Table):
    columns = [
        Column("title", _("Title"), sort="title", link=_url),
        Column("reference", _("Reference"), sort="reference"),
        Column("status", _("Status"), accessor=lambda a: a.get_status_display(), sort="status"),
        Column("version", _("Version"), numeric=True),
        Column(
            "effective",
            _("Effective"),
            accessor=lambda a: a.effective_date.isoformat() if a.effective_date else "",
            sort="effective_date",
        ),
        Column("notice", _("Notice deadline"), accessor=_notice),
        Column("renewal", _("Renewal"), accessor=_renewal),
    ]
    filters = [ChoiceFilter("status", _("Status"), AgreementStatus.choices)]
    search_fields = ("title", "reference", "governing_body")
    search_label = _("Search by title, reference or governing body")
    default_sort = "title"
    export_name = "agreements"
    caption = _("Agreements")
    empty_text = _("No agreements yet. An interlocal agreement binds members to share a service.")


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """The consortium's agreements: search, filter by status, pages, export; calendar links."""
    consortium = consortium_of(request)
    rows = agreements_visible_to(request.user).filter(consortium=consortium)
    tenant = request.tenant  # type: ignore[attr-defined]
    member = getattr(tenant, "member", None)
    return AgreementTable(request, rows).response(
        "agreements/agreement_list.html",
        {
            "consortium": consortium,
            "can_create": is_council(request.user, consortium.pk),
            "member": member,
        },
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One agreement: terms, deadlines, parties with signatories and signatures, versions, documents."""
    agreement = get_agreement_for_user(request.user, pk)
    rights = agreement_rights(request.user, agreement)
    parties = parties_of(agreement)
    for party in parties:
        party.current_signature = next(  # type: ignore[attr-defined]
            (s for s in party.signatures.all() if s.version == agreement.version), None
        )
        party.can_sign = party.pk in rights.sign_parties  # type: ignore[attr-defined]
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "rights": rights,
            "deadlines": deadlines_of(agreement),
            "parties": parties,
            "services": list(agreement.services.all()),
            "versions": list(versions_of(agreement)),
            "documents": list(documents_of(agreement)),
            "document_kinds": DocumentKind.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    """Start a draft agreement (the council)."""
    consortium = consortium_of(request)
    if not is_council(request.user, consortium.pk):
        raise PermissionDenied(_g("Only the consortium's admins and staff may do this."))
    form = AgreementForm(request.POST or None, services=service_choices(request.user, consortium.pk))
    if request.method == "POST" and form.is_valid():
        try:
            agreement = do_create_agreement(consortium, acting_user=request.user, **form.changes())  # type: ignore[arg-type]
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Draft agreement created. Add its parties next."))
            return redirect(_url(agreement))
    return render(request, "agreements/agreement_form.html", {"form": form, "agreement": None})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's terms and services (the council)."""
    agreement = get_agreement_for_user(request.user, pk)
    if not agreement_rights(request.user, agreement).can_edit:
        raise PermissionDenied(_g("Only the council changes a draft; after circulation, amend it."))
    form = AgreementForm(
        request.POST or None,
        instance=agreement,
        services=service_choices(request.user, agreement.consortium_id),
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        fresh = get_agreement_for_user(request.user, pk)
        try:
            do_update_agreement(fresh, acting_user=request.user, **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Agreement saved."))
            return redirect(_url(agreement))
    return render(request, "agreements/agreement_form.html", {"form": form, "agreement": agreement})


def agreements_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard: the consortium's agreements in force, signatures waiting and the next deadline."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    rows = agreements_visible_to(request.user).filter(consortium=tenant.consortium)
    in_force = list(rows.filter(status=AgreementStatus.IN_FORCE))
    upcoming = upcoming_deadlines(in_force, timezone.localdate())
    return {
        "in_force": len(in_force),
        "total": rows.count(),
        "to_sign": len(signature_requests_for(request.user)),
        "next": upcoming[0] if upcoming else None,
    }
