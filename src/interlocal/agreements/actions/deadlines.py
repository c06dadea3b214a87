"""Deadline reminders (90, 30 and 7 days before an in-force agreement's notice deadline and
renewal date, each once) and the iCalendar feed of those deadlines."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    CalendarToken,
    DeadlineReminder,
)
from interlocal.agreements.queries import deadlines_of, upcoming_deadlines
from interlocal.core.links import absolute_url
from interlocal.tenancy.models import Membership
from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES, MEMBER_WRITE_ROLES

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = ["REMIND_DAYS", "calendar_ics", "do_rotate_calendar_token", "do_send_deadline_reminders"]

REMIND_DAYS = (90, 30, 7)


def _recipients(agreement: Agreement) -> list[str]:
    """The council of the consortium and the admins and staff of every non-withdrawn member party."""
    member_ids = list(
        AgreementParty.objects.filter(
            agreement=agreement, withdrawn_on__isnull=True, member__isnull=False
        ).values_list("member_id", flat=True)
    )
    council = Membership.objects.filter(
        consortium_id=agreement.consortium_id, member__isnull=True, role__in=CONSORTIUM_WRITE_ROLES
    )
    members = Membership.objects.filter(
        consortium_id=agreement.consortium_id, member_id__in=member_ids, role__in=MEMBER_WRITE_ROLES
    )
    emails = (council | members).filter(user__is_active=True).values_list("user__email", flat=True)
    return sorted({e for e in emails if e})


def do_send_deadline_reminders(today: dt.date | None = None) -> int:
    """E-mail the reminders due today for every in-force agreement; answers how many were sent.

    A reminder is due from N days before a deadline (N in 90, 30, 7) until the deadline; each
    (agreement, deadline, N) is sent once, recorded as a DeadlineReminder. When several are due at
    once (the task did not run for a while) only the nearest is e-mailed, and the others are
    recorded as passed. A system action: run by the daily task, audited without a person.
    """
    today = today or timezone.localdate()
    sent = 0
    agreements = Agreement.objects.filter(status=AgreementStatus.IN_FORCE, effective_date__isnull=False)
    for agreement in agreements.select_related("consortium").order_by("pk"):
        d = deadlines_of(agreement)
        for kind, deadline in (
            (DeadlineReminder.Kind.NOTICE, d.notice),
            (DeadlineReminder.Kind.RENEWAL, d.renewal),
        ):
            if deadline is None or deadline < today:
                continue
            due = [n for n in REMIND_DAYS if deadline - dt.timedelta(days=n) <= today]
            if not due:
                continue
            if _send_one(agreement, kind, deadline, due, today, d.renewal, d.notice):
                sent += 1
    return sent


@transaction.atomic
def _send_one(
    agreement: Agreement,
    kind: str,
    deadline: dt.date,
    due: list[int],
    today: dt.date,
    renewal: dt.date | None,
    notice: dt.date | None,
) -> bool:
    done = set(
        DeadlineReminder.objects.filter(agreement=agreement, kind=kind, deadline=deadline).values_list(
            "days_before", flat=True
        )
    )
    todo = [n for n in due if n not in done]
    if not todo:
        return False
    try:
        with transaction.atomic():
            for n in todo:
                DeadlineReminder.objects.create(
                    agreement=agreement, kind=kind, deadline=deadline, days_before=n
                )
    except IntegrityError:  # a concurrent run recorded it first
        return False
    nearest = min(todo)
    to = _recipients(agreement)
    what = _("notice deadline") if kind == DeadlineReminder.Kind.NOTICE else _("renewal date")
    context = {
        "agreement_title": agreement.title,
        "what": what,
        "days": (deadline - today).days,
        "deadline": deadline.isoformat(),
        "renewal": renewal.isoformat() if renewal else "",
        "notice": notice.isoformat() if notice else "",
        "url": absolute_url(reverse("agreements:detail", args=[agreement.pk])),
    }
    audit.record(
        None,
        "agreements.agreement.reminded",
        agreement,
        after={"kind": kind, "deadline": deadline.isoformat(), "days_before": nearest, "emails": len(to)},
        actor_label="system",
    )
    if to:

        def send() -> None:
            from interlocal.core.mail import queue_templated_mail

            queue_templated_mail(to, "agreements/email/reminder", context)

        transaction.on_commit(send)
    return True


@transaction.atomic
def do_rotate_calendar_token(*, acting_user: User) -> CalendarToken:
    """Give the person a new secret for the calendar feed links (the old links stop working)."""
    token = secrets.token_urlsafe(32)
    row, _created = CalendarToken.objects.update_or_create(user=acting_user, defaults={"token": token})
    audit.record(
        acting_user, "agreements.calendar_token.rotated", None, object_type="agreements.calendartoken"
    )
    return row


def calendar_ics(agreements: Any, *, name: str, today: dt.date | None = None) -> bytes:
    """An iCalendar (RFC 5545) document of the notice deadlines and renewal dates of `agreements`
    (all-day events), from a year back on."""
    import icalendar

    today = today or timezone.localdate()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Interlocal//Agreements//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for day, kind, agreement in upcoming_deadlines(agreements, today - dt.timedelta(days=365)):
        event = icalendar.Event()
        label = _("Notice deadline") if kind == "notice" else _("Renewal date")
        event.add("uid", f"agreement-{agreement.pk}-{kind}-{day.isoformat()}@interlocal")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", f"{label}: {agreement.title}")
        event.add("url", absolute_url(reverse("agreements:detail", args=[agreement.pk])))
        cal.add_component(event)
    return bytes(cal.to_ical())
