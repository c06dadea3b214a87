"""A member's consent to other participants seeing its charges (security issue 11, point 5).

Charges can reveal the inputs they are computed from (costing.derivation), so another member sees
a member's charge only where that member allowed its figures by name or gave this consent.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_POST

from interlocal.costing.actions import can_consent_for, do_set_charge_consent
from interlocal.costing.models import Scenario, ScenarioParticipant
from interlocal.costing.queries import get_scenario_for_user

__all__ = ["consent_choices", "participant_charge_consent"]


def consent_choices(
    request: HttpRequest, scenario: Scenario, participants: list[ScenarioParticipant]
) -> list[Any]:
    """The viewer's own members in the scenario whose consent they may give or withdraw."""
    return [p for p in participants if can_consent_for(request.user, scenario, p.member)]


@login_required
@require_POST
def participant_charge_consent(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Give (consent=yes) or withdraw (consent=no) a member's consent; back to the page it came from."""
    scenario = get_scenario_for_user(request.user, pk)
    row = get_object_or_404(
        ScenarioParticipant.objects.visible_to(request.user).select_related("member", "scenario__cost_model"),
        scenario=scenario,
        member_id=member_pk,
    )
    choice = request.POST.get("consent", "")
    if choice not in ("yes", "no"):
        messages.error(request, _g("Choose whether other participants may see your charges."))
    else:
        if not can_consent_for(request.user, scenario, row.member):
            raise PermissionDenied(
                _g("Only the member's own admins and staff may decide who sees its charges.")
            )
        do_set_charge_consent(row, consent=choice == "yes", acting_user=request.user)  # type: ignore[arg-type]
        if choice == "yes":
            messages.success(
                request,
                _g("Other participants now see the charges of %(m)s by name.") % {"m": row.member.name},
            )
        else:
            messages.success(
                request,
                _g("The charges of %(m)s are again shown to other members only in totals.")
                % {"m": row.member.name},
            )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("costing:scenario_detail", pk=scenario.pk)
