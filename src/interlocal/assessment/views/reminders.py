""" "Remind now": the council's button (on the inbox and the campaign page) that mails late members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_POST

from interlocal.assessment.actions import do_remind_late_members
from interlocal.assessment.queries import get_campaign_for_user
from interlocal.assessment.views.common import acting_user, deny_vendors, error_messages, require_council

__all__ = ["campaign_remind"]


@login_required
@require_POST
def campaign_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Mail the people of every member that has not submitted, at most once a day per campaign."""
    deny_vendors(request)
    campaign = get_campaign_for_user(request.user, pk)
    require_council(request, campaign.consortium_id)
    try:
        count = do_remind_late_members(campaign, actor=acting_user(request))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _g("Reminder sent to %(n)s members that have not submitted %(campaign)s.")
            % {"n": count, "campaign": campaign.name},
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(reverse("assessment:campaign_detail", args=[campaign.pk]))
