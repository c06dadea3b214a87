"""Background work of the assessment core: deadline reminders.

`send_due_reminders()` is run by `interlocal assessment_reminders` (cron, e.g. hourly) or queued
as the `send_assessment_reminders` task. For each open campaign, a reminder N days before the
deadline is due once that moment has passed (and it came after the campaign opened: a campaign
launched 3 days before its deadline sends no "7 days left" message). Each member that has not
submitted gets each reminder once: the days already sent are kept on its response, so running
the command again, or twice at the same time, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from interlocal import audit
from interlocal.assessment.actions import _answer_url, response_people_emails
from interlocal.assessment.models import Campaign, Response

__all__ = ["ReminderRun", "send_assessment_reminders", "send_due_reminders"]


@dataclass(frozen=True)
class ReminderRun:
    """What one run did: campaigns looked at, members reminded, e-mails queued."""

    campaigns: int
    reminded: int
    emails: int


def _due_days(campaign: Campaign, now: dt.datetime) -> list[int]:
    due = []
    for days in campaign.reminder_days:
        moment = campaign.deadline - dt.timedelta(days=int(days))
        if campaign.opens_at <= moment <= now:
            due.append(int(days))
    return due


def send_due_reminders(now: dt.datetime | None = None) -> ReminderRun:
    """Queue the reminders that are due now; each (response, day) at most once."""
    from interlocal.core.mail import queue_templated_mail

    now = now or timezone.now()
    campaigns = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN, deadline__gt=now).select_related("consortium")
    )
    reminded = emails_sent = 0
    for campaign in campaigns:
        due = _due_days(campaign, now)
        if not due:
            continue
        total = campaign.template_version.questions.count()
        with transaction.atomic():
            # Locked so that two runs at once cannot both send the same reminder.
            responses = list(
                Response.objects.select_for_update(of=("self",))
                .filter(campaign=campaign)
                .exclude(status=Response.Status.SUBMITTED)
                .select_related("member")
            )
            pending = {r.pk: [d for d in due if d not in r.reminders_sent] for r in responses}
            waiting = [r for r in responses if pending[r.pk]]
            if not waiting:
                continue
            addresses = response_people_emails([r.member_id for r in waiting], campaign.consortium_id)
            days_left = max(1, math.ceil((campaign.deadline - now).total_seconds() / 86400))
            outgoing = []
            for response in waiting:
                response.reminders_sent = sorted(
                    {*response.reminders_sent, *pending[response.pk]}, reverse=True
                )
                to = addresses.get(response.member_id, [])
                if to:
                    context = {
                        "campaign": campaign,
                        "member": response.member,
                        "response": response,
                        "total": total,
                        "days": days_left,
                        "url": _answer_url(response),
                    }
                    outgoing.append((to, context))
            Response.objects.bulk_update(waiting, ["reminders_sent"])
            audit.record(
                None,
                "assessment.campaign.reminded",
                campaign,
                after={"members": [r.member_id for r in waiting], "days": due},
                actor_label="system:reminders",
            )

            def send(outgoing: list[tuple[list[str], dict[str, object]]] = outgoing) -> None:
                for to, context in outgoing:
                    queue_templated_mail(to, "assessment/email/reminder", context)

            transaction.on_commit(send)
        reminded += len(waiting)
        emails_sent += len(outgoing)
    return ReminderRun(campaigns=len(campaigns), reminded=reminded, emails=emails_sent)


@task()
def send_assessment_reminders() -> dict[str, int]:
    """The reminder run as a background task (for installations that schedule tasks, not cron)."""
    run = send_due_reminders()
    return {"campaigns": run.campaigns, "reminded": run.reminded, "emails": run.emails}
