"""What assessment puts in the work inbox (core/inbox): late members for the council, answers
due for the members' people. Registered in AssessmentConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interlocal.assessment.actions import remind_rights
from interlocal.assessment.queries import campaigns_due_with_late_members, open_responses_for
from interlocal.core.inbox.registry import HIGH, LOW, NORMAL, InboxAction, InboxItem

__all__ = ["DUE_WITHIN", "answers_due", "late_members"]

# "Due soon" in the inbox: a week ahead, the first automatic reminder's distance too.
DUE_WITHIN = dt.timedelta(days=7)


def late_members(user: Any, now: dt.datetime) -> list[InboxItem]:
    """Council: open campaigns due within a week with members that have not submitted."""
    items = []
    for campaign in campaigns_due_with_late_members(user, now, DUE_WITHIN):
        rights = remind_rights(user, campaign, now)
        if campaign.reminded_now_at is not None:
            note = _g("Last reminded %(at)s.") % {
                "at": timezone.localtime(campaign.reminded_now_at).strftime("%Y-%m-%d %H:%M")
            }
        else:
            note = _g("Not reminded by hand yet.")
        late = campaign.late  # type: ignore[attr-defined]
        items.append(
            InboxItem(
                kind="assessment.late_members",
                key=f"campaign:{campaign.pk}",
                title=campaign.name,
                why=ngettext("%(n)s member has not submitted.", "%(n)s members have not submitted.", late)
                % {"n": late},
                url=reverse("assessment:campaign_progress", args=[campaign.pk]),
                due=campaign.deadline,
                priority=HIGH if campaign.deadline - now <= dt.timedelta(days=2) else NORMAL,
                actions=(
                    InboxAction(
                        _("Remind now"),
                        reverse("assessment:campaign_remind", args=[campaign.pk]),
                        enabled=rights.allowed,
                        note=note if rights.allowed else f"{note} {rights.reason}",
                    ),
                ),
            )
        )
    return items


def answers_due(user: Any, now: dt.datetime) -> list[InboxItem]:
    """Members' admins and staff: their open, unsubmitted responses (what `response_save` accepts)."""
    items = []
    for response in open_responses_for(user):
        deadline = response.campaign.deadline
        soon = deadline - now <= DUE_WITHIN
        items.append(
            InboxItem(
                kind="assessment.answers_due",
                key=f"response:{response.pk}",
                title=f"{response.campaign.name} — {response.member.name}",
                why=_g("Your member's answers are not submitted yet (%(answered)s answered).")
                % {"answered": response.answered_count},
                url=reverse("assessment:response", args=[response.pk]),
                due=deadline,
                priority=HIGH if deadline < now else (NORMAL if soon else LOW),
            )
        )
    return items
