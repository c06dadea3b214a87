"""Agreement lifecycle pages: parties, signatories, circulation, signing, amendments and their
diffs, renewal, expiry, termination, a member's withdrawal."""

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
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.agreements.actions import (
    agreement_rights,
    diff_terms,
    do_add_party,
    do_add_signatory,
    do_amend_agreement,
    do_circulate_agreement,
    do_expire_agreement,
    do_remove_party,
    do_remove_signatory,
    do_renew_agreement,
    do_sign_agreement,
    do_terminate_agreement,
    do_withdraw_party,
)
from interlocal.agreements.forms import AmendForm, PartyForm, SignatoryForm, SignForm, WithdrawForm
from interlocal.agreements.queries import (
    consortium_members,
    get_agreement_for_user,
    get_party_for_user,
    get_signatory_for_user,
    get_version_for_user,
    parties_of,
    service_choices,
    signatory_candidates,
    versions_of,
)
from interlocal.agreements.views.common import show_errors
from interlocal.audit.middleware import client_ip

__all__ = [
    "agreement_amend",
    "agreement_transition",
    "party_add",
    "party_remove",
    "party_sign",
    "party_withdraw",
    "signatory_add",
    "signatory_remove",
    "version_diff",
]


def _back(agreement_id: int) -> HttpResponse:
    return redirect(reverse("agreements:detail", args=[agreement_id]))


@login_required
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a party (a member, or the consortium as provider) to a draft."""
    agreement = get_agreement_for_user(request.user, pk)
    if not agreement_rights(request.user, agreement).can_manage_parties:
        raise PermissionDenied(_g("Only the council changes a draft's parties."))
    form = PartyForm(request.POST or None, members=consortium_members(agreement.consortium_id))
    if request.method == "POST" and form.is_valid():
        try:
            do_add_party(
                agreement,
                acting_user=request.user,  # type: ignore[arg-type]
                member=form.cleaned_data["member"],
                role=form.cleaned_data["role"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Party added. Name its signatory next."))
            return _back(agreement.pk)
    return render(request, "agreements/party_form.html", {"agreement": agreement, "form": form})


@login_required
@require_POST
def party_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a party from a draft."""
    party = get_party_for_user(request.user, pk, write=True)
    try:
        do_remove_party(party, acting_user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _g("Party removed."))
    return _back(party.agreement_id)


@login_required
@require_http_methods(["GET", "POST"])
def signatory_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a signatory of a party: a person with an admin or staff role in that member."""
    party = get_party_for_user(request.user, pk)
    if not agreement_rights(request.user, party.agreement).council:
        raise PermissionDenied(_g("Only the council names signatories."))
    form = SignatoryForm(request.POST or None, people=signatory_candidates(party))
    if request.method == "POST" and form.is_valid():
        try:
            do_add_signatory(party, acting_user=request.user, user=form.cleaned_data["user"])  # type: ignore[arg-type]
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Signatory named."))
            return _back(party.agreement_id)
    return render(request, "agreements/signatory_form.html", {"party": party, "form": form})


@login_required
@require_POST
def signatory_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a named signatory."""
    signatory = get_signatory_for_user(request.user, pk, write=True)
    agreement_id = signatory.party.agreement_id
    try:
        do_remove_signatory(signatory, acting_user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        show_errors(request, exc)
    return _back(agreement_id)


@login_required
@require_http_methods(["GET", "POST"])
def party_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign for a party: a typed name or the signed PDF (a named signatory of that party only)."""
    party = get_party_for_user(request.user, pk)
    agreement = party.agreement
    rights = agreement_rights(request.user, agreement)
    if party.pk not in rights.sign_parties:
        raise PermissionDenied(_g("Only a named signatory of this party may sign for it, once per version."))
    form = SignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_sign_agreement(
                party,
                acting_user=request.user,  # type: ignore[arg-type]
                typed_name=form.cleaned_data["typed_name"],
                signed_pdf=form.cleaned_data["signed_pdf"],
                ip_address=client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Signed. Thank you."))
            return _back(agreement.pk)
    return render(
        request,
        "agreements/sign_form.html",
        {"party": party, "agreement": agreement, "form": form, "terms": versions_of(agreement).last()},
    )


_TRANSITIONS: dict[str, Any] = {
    "circulate": (do_circulate_agreement, "can_circulate"),
    "renew": (do_renew_agreement, "can_renew"),
    "expire": (do_expire_agreement, "can_expire"),
    "terminate": (do_terminate_agreement, "can_terminate"),
}


@login_required
@require_POST
def agreement_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Circulate, renew, expire or terminate (the council; the action checks again)."""
    agreement = get_agreement_for_user(request.user, pk)
    if action not in _TRANSITIONS:
        return _back(agreement.pk)
    do, flag = _TRANSITIONS[action]
    if not agreement_rights(request.user, agreement).council:
        raise PermissionDenied(_g("Only the consortium's admins and staff may do this."))
    try:
        do(agreement, acting_user=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _g("Done."))
    return _back(agreement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Amend the terms: a new version, re-circulated for signature."""
    agreement = get_agreement_for_user(request.user, pk)
    if not agreement_rights(request.user, agreement).can_amend:
        raise PermissionDenied(_g("Only the council amends a circulated or in-force agreement."))
    form = AmendForm(
        request.POST or None,
        instance=agreement,
        services=service_choices(request.user, agreement.consortium_id),
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        fresh = get_agreement_for_user(request.user, pk)
        try:
            version = do_amend_agreement(
                fresh,
                acting_user=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                **changes,
            )
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Amendment circulated for signature."))
            return redirect(reverse("agreements:version_diff", args=[version.pk]))
    return render(request, "agreements/amend_form.html", {"agreement": agreement, "form": form})


@login_required
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """One version's terms and what changed from the version before, field by field."""
    version = get_version_for_user(request.user, pk)
    previous = versions_of(version.agreement).filter(number__lt=version.number).order_by("-number").first()
    changes = diff_terms(previous.terms if previous else {}, version.terms)
    return render(
        request,
        "agreements/version_diff.html",
        {"version": version, "previous": previous, "changes": changes, "agreement": version.agreement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's withdrawal (the council records it; the history stays)."""
    party = get_party_for_user(request.user, pk)
    if not agreement_rights(request.user, party.agreement).can_withdraw:
        raise PermissionDenied(_g("Only the council records a withdrawal."))
    form = WithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            do_withdraw_party(party, acting_user=request.user, on=form.cleaned_data["withdrawn_on"])  # type: ignore[arg-type]
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Withdrawal recorded."))
            return _back(party.agreement_id)
    return render(
        request,
        "agreements/withdraw_form.html",
        {"party": party, "form": form, "parties": parties_of(party.agreement)},
    )
