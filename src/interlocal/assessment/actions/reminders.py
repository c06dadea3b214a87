""" "Remind now": a council's reminder, by hand, to the members that have not submitted yet."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.assessment.actions.campaigns import _answer_url, response_people_emails
from interlocal.assessment.actions.common import is_council_of
from interlocal.assessment.models import Campaign, Response

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = ["REMIND_NOW_INTERVAL", "RemindRights", "do_remind_late_members", "remind_rights"]

# At most one reminder by hand per campaign in this time, whoever sends it: members are not
# flooded when several of the council's staff press the button.
REMIND_NOW_INTERVAL = dt.timedelta(days=1)


@dataclass(frozen=True)
class RemindRights:
    """Whether a person may press "Remind now" on a campaign now, and if not, why."""

    allowed: bool
    council: bool
    reason: str = ""
    next_at: dt.datetime | None = None


def remind_rights(user: Any, campaign: Campaign, now: dt.datetime | None = None) -> RemindRights:
    """The predicate `do_remind_late_members` enforces, for the buttons pages show."""
    now = now or timezone.now()
    council = is_council_of(user, campaign.consortium_id)
    if not council:
        return RemindRights(False, False, _("Only the consortium's admins and staff send reminders."))
    if campaign.status != Campaign.Status.OPEN:
        return RemindRights(False, True, _("The campaign is not open."))
    if campaign.deadline <= now:
        return RemindRights(False, True, _("The deadline has passed."))
    if campaign.reminded_now_at is not None and campaign.reminded_now_at + REMIND_NOW_INTERVAL > now:
        next_at = campaign.reminded_now_at + REMIND_NOW_INTERVAL
        return RemindRights(False, True, _("Members were already reminded in the last 24 hours."), next_at)
    return RemindRights(True, True)


@transaction.atomic
def do_remind_late_members(campaign: Campaign, *, actor: User, now: dt.datetime | None = None) -> int:
    """E-mail the admins and staff of every member that has not submitted; answers how many members.

    Council only, open campaigns before their deadline, once per `REMIND_NOW_INTERVAL` per
    campaign. Audited as `assessment.campaign.reminded_now` with the members reminded.
    """
    now = now or timezone.now()
    locked = Campaign.objects.select_for_update().select_related("consortium").get(pk=campaign.pk)
    rights = remind_rights(actor, locked, now)
    if not rights.allowed:
        if not rights.council:
            raise PermissionDenied(rights.reason)
        raise ValidationError(rights.reason, code="remind_refused")
    late = list(
        Response.objects.filter(campaign=locked)
        .exclude(status=Response.Status.SUBMITTED)
        .select_related("member")
        .order_by("member__name", "pk")
    )
    if not late:
        raise ValidationError(_("Every member has submitted; there is nobody to remind."), code="nobody_late")
    addresses = response_people_emails([r.member_id for r in late], locked.consortium_id)
    total = locked.template_version.questions.count()
    days_left = max(1, math.ceil((locked.deadline - now).total_seconds() / 86400))
    outgoing = []
    for response in late:
        to = addresses.get(response.member_id, [])
        if to:
            context = {
                "campaign": locked,
                "member": response.member,
                "response": response,
                "total": total,
                "days": days_left,
                "url": _answer_url(response),
            }
            outgoing.append((to, context))
    before = {"reminded_now_at": locked.reminded_now_at.isoformat() if locked.reminded_now_at else None}
    locked.reminded_now_at = now
    locked.reminded_now_by = actor
    locked.save(update_fields=["reminded_now_at", "reminded_now_by"])
    audit.record(
        actor,
        "assessment.campaign.reminded_now",
        locked,
        before=before,
        after={
            "reminded_now_at": now.isoformat(),
            "members": [r.member_id for r in late],
            "emails": sum(len(to) for to, _c in outgoing),
        },
    )

    def send(outgoing: list[tuple[list[str], dict[str, object]]] = outgoing) -> None:
        from interlocal.core.mail import queue_templated_mail

        for to, context in outgoing:
            queue_templated_mail(to, "assessment/email/reminder", context)

    transaction.on_commit(send)
    campaign.reminded_now_at, campaign.reminded_now_by = locked.reminded_now_at, actor
    return len(late)
