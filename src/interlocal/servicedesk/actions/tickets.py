"""Write paths of tickets: raise, reply, change status, assign, watch; set SLA targets.

Each do_* function checks the actor's right itself, is atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.servicedesk.models import (
    TRANSITIONS,
    BusinessCalendar,
    Level,
    SlaTarget,
    Status,
    Ticket,
    TicketCounter,
    TicketReply,
    TicketStatusChange,
    TicketType,
    TicketWatcher,
    priority_for,
)
from interlocal.servicedesk.queries.tickets import (
    REOPEN_DAYS,
    can_change_status,
    can_raise_ticket,
    can_reply,
    sla_status,
    sla_target_for,
    target_calendar,
)
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member
from interlocal.tenancy.scoping import MEMBER_READ_ROLES, acts_for_member, is_council

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "do_assign",
    "do_change_status",
    "do_create_ticket",
    "do_reply",
    "do_set_sla_target",
    "do_watch",
]


def _sees(user: Any, ticket: Ticket) -> bool:
    return Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()


def _next_reference(consortium: Consortium, now: dt.datetime) -> str:
    """SD-<year>-<5 digits>, gapless per consortium and year: the counter row is locked and its
    increment rolls back with a failed raise."""
    year = now.year
    counter, _created = TicketCounter.objects.select_for_update().get_or_create(
        consortium=consortium, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"SD-{year}-{counter.last:05d}"


def _refresh_due(ticket: Ticket, now: dt.datetime) -> None:
    """Recompute the due times from the clocks (a pause that ended moves them out)."""
    status = sla_status(ticket, now=now)
    if status.first_response is not None:
        ticket.first_response_due = status.first_response.due
    if status.resolution is not None:
        ticket.resolution_due = status.resolution.due


def _record_change(ticket: Ticket, to_status: str, user: Any, now: dt.datetime) -> None:
    TicketStatusChange.objects.create(
        ticket=ticket, from_status=ticket.status, to_status=to_status, changed_by=user, at=now
    )
    ticket.status = to_status


@transaction.atomic
def do_create_ticket(
    consortium: Consortium,
    member: Member,
    *,
    acting_user: User,
    subject: str,
    body: str,
    type: str = TicketType.INCIDENT,
    impact: int = Level.MEDIUM,
    urgency: int = Level.MEDIUM,
    service: Any = None,
    category: Any = None,
) -> Ticket:
    """Raise a ticket for a member; its priority and due times come from the SLA target."""
    if not can_raise_ticket(acting_user, consortium.pk, member.pk):
        raise PermissionDenied(_("Only the member's admins and staff (or the desk) may raise its tickets."))
    if not ConsortiumMember.objects.filter(consortium=consortium, member=member).exists():
        raise ValidationError({"member": _("%(m)s is not a member of this consortium.") % {"m": member}})
    if service is not None and service.consortium_id != consortium.pk:
        raise ValidationError({"service": _("That service is not one of this consortium's.")})
    if not subject.strip():
        raise ValidationError({"subject": _("A ticket needs a subject.")})
    if type not in TicketType.values:
        raise ValidationError({"type": _("%(t)s is not a ticket type.") % {"t": type}})
    try:
        priority = priority_for(impact, urgency)
    except ValueError as exc:
        raise ValidationError({"impact": str(exc)}) from None
    now = timezone.now()
    ticket = Ticket(
        consortium=consortium,
        member=member,
        service=service,
        category=category,
        raised_by=acting_user,
        type=type,
        impact=impact,
        urgency=urgency,
        priority=priority,
        subject=subject.strip(),
        body=body,
        created_at=now,
        updated_at=now,
    )
    target = sla_target_for(consortium.pk, getattr(service, "pk", None), priority)
    calendar = target_calendar(target) if target is not None else None
    if target is not None and calendar is not None:
        ticket.calendar = calendar
        ticket.first_response_minutes = target.first_response_minutes
        ticket.resolution_minutes = target.resolution_minutes
    ticket.reference = _next_reference(consortium, now)
    ticket.save()
    TicketStatusChange.objects.create(
        ticket=ticket, from_status="", to_status=Status.NEW, changed_by=acting_user, at=now
    )
    _refresh_due(ticket, now)
    ticket.save(update_fields=["first_response_due", "resolution_due"])
    audit.record(
        acting_user,
        "servicedesk.ticket.created",
        ticket,
        consortium_id=consortium.pk,
        member_id=member.pk,
        after=audit.snapshot(ticket),
    )
    return ticket


@transaction.atomic
def do_reply(ticket: Ticket, *, acting_user: User, body: str, internal: bool = False) -> TicketReply:
    """Add a public reply or an internal note; the desk's first public reply stops the first-response
    clock, and the member's reply to a ticket waiting on them restarts the clocks (status open)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not _sees(acting_user, ticket):
        raise PermissionDenied(_("You cannot reply to this ticket."))
    if ticket.status == Status.CLOSED:
        raise ValidationError(
            {"body": _("%(ref)s is closed: it takes no replies.") % {"ref": ticket.reference}}
        )
    if not can_reply(acting_user, ticket, internal=internal):
        raise PermissionDenied(
            _("Only the desk adds internal notes.") if internal else _("You cannot reply.")
        )
    if not body.strip():
        raise ValidationError({"body": _("A reply needs some text.")})
    now = timezone.now()
    reply = TicketReply.objects.create(
        ticket=ticket, author=acting_user, body=body, is_internal=internal, created_at=now
    )
    provider = is_council(acting_user, ticket.consortium_id)
    if provider and not internal:
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
        if ticket.status == Status.NEW:
            _record_change(ticket, Status.OPEN, acting_user, now)
    elif not provider and ticket.status == Status.WAITING_MEMBER:
        _record_change(ticket, Status.OPEN, acting_user, now)
    ticket.updated_at = now
    _refresh_due(ticket, now)
    ticket.save(
        update_fields=["status", "first_responded_at", "first_response_due", "resolution_due", "updated_at"]
    )
    audit.record(
        acting_user,
        "servicedesk.ticket.noted" if internal else "servicedesk.ticket.replied",
        ticket,
        consortium_id=ticket.consortium_id,
        member_id=ticket.member_id,
        after={"reply": reply.pk, "internal": internal},
    )
    return reply


@transaction.atomic
def do_change_status(ticket: Ticket, *, acting_user: User, to_status: str) -> Ticket:
    """Move a ticket to another status (valid transitions only; reopen within REOPEN_DAYS)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not _sees(acting_user, ticket):
        raise PermissionDenied(_("You cannot change this ticket."))
    if to_status not in Status.values:
        raise ValidationError({"status": _("%(s)s is not a status.") % {"s": to_status}})
    if to_status not in TRANSITIONS[ticket.status]:
        raise ValidationError(
            {
                "status": _("%(ref)s cannot go from %(a)s to %(b)s.")
                % {"ref": ticket.reference, "a": ticket.status, "b": to_status}
            }
        )
    if not can_change_status(acting_user, ticket, to_status):
        raise PermissionDenied(_("You cannot move this ticket to that status."))
    now = timezone.now()
    if ticket.status == Status.RESOLVED and to_status == Status.OPEN:
        if ticket.resolved_at is not None and now > ticket.resolved_at + dt.timedelta(days=REOPEN_DAYS):
            raise ValidationError(
                {
                    "status": _("%(ref)s was resolved more than %(n)d days ago: raise a new ticket.")
                    % {"ref": ticket.reference, "n": REOPEN_DAYS}
                }
            )
        ticket.resolved_at = None
    before = ticket.status
    _record_change(ticket, to_status, acting_user, now)
    if to_status == Status.RESOLVED:
        ticket.resolved_at = now
    if to_status == Status.CLOSED:
        ticket.closed_at = now
    ticket.updated_at = now
    _refresh_due(ticket, now)
    ticket.save(
        update_fields=[
            "status",
            "resolved_at",
            "closed_at",
            "first_response_due",
            "resolution_due",
            "updated_at",
        ]
    )
    audit.record(
        acting_user,
        "servicedesk.ticket.status",
        ticket,
        consortium_id=ticket.consortium_id,
        member_id=ticket.member_id,
        before={"status": before},
        after={"status": to_status},
    )
    return ticket


@transaction.atomic
def do_assign(ticket: Ticket, *, acting_user: User, assignee: User | None) -> Ticket:
    """Give the ticket to one of the desk's people (the consortium's admins and staff), or to nobody."""
    if not is_council(acting_user, ticket.consortium_id):
        raise PermissionDenied(_("Only the desk assigns tickets."))
    if assignee is not None and not is_council(assignee, ticket.consortium_id):
        raise ValidationError({"assignee": _("%(u)s does not work at the desk.") % {"u": assignee}})
    before = ticket.assignee_id
    ticket.assignee = assignee
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["assignee", "updated_at"])
    audit.record(
        acting_user,
        "servicedesk.ticket.assigned",
        ticket,
        consortium_id=ticket.consortium_id,
        member_id=ticket.member_id,
        before={"assignee": before},
        after={"assignee": ticket.assignee_id},
    )
    return ticket


@transaction.atomic
def do_watch(ticket: Ticket, *, acting_user: User, user: User | None = None, watch: bool = True) -> None:
    """Follow (or stop following) a ticket; the desk and the member's admins may add others."""
    user = user or acting_user
    if not _sees(acting_user, ticket):
        raise PermissionDenied(_("You cannot watch this ticket."))
    if user.pk != acting_user.pk and not (
        is_council(acting_user, ticket.consortium_id)
        or acts_for_member(acting_user, ticket.consortium_id, ticket.member_id, frozenset({"member_admin"}))
    ):
        raise PermissionDenied(_("Only the desk and the member's admins add other watchers."))
    if watch and not (
        is_council(user, ticket.consortium_id)
        or acts_for_member(user, ticket.consortium_id, ticket.member_id, MEMBER_READ_ROLES)
    ):
        raise ValidationError({"user": _("%(u)s is neither the desk's nor the member's.") % {"u": user}})
    if watch:
        TicketWatcher.objects.get_or_create(ticket=ticket, user=user, defaults={"added_by": acting_user})
    else:
        TicketWatcher.objects.filter(ticket=ticket, user=user).delete()
    audit.record(
        acting_user,
        "servicedesk.ticket.watched" if watch else "servicedesk.ticket.unwatched",
        ticket,
        consortium_id=ticket.consortium_id,
        member_id=ticket.member_id,
        after={"user": user.pk},
    )


@transaction.atomic
def do_set_sla_target(
    consortium: Consortium,
    *,
    acting_user: User,
    priority: str,
    first_response_minutes: int,
    resolution_minutes: int,
    service: Any = None,
    calendar: BusinessCalendar | None = None,
) -> SlaTarget:
    """Set the first-response and resolution targets of a priority (per service or the default)."""
    if not is_council(acting_user, consortium.pk):
        raise PermissionDenied(_("Only the consortium's admins and staff set SLA targets."))
    if service is not None and service.consortium_id != consortium.pk:
        raise ValidationError({"service": _("That service is not one of this consortium's.")})
    if calendar is not None and calendar.consortium_id != consortium.pk:
        raise ValidationError({"calendar": _("That calendar is not one of this consortium's.")})
    if first_response_minutes <= 0 or resolution_minutes <= 0:
        raise ValidationError({"minutes": _("Targets must be positive numbers of minutes.")})
    target, _created = SlaTarget.objects.update_or_create(
        consortium=consortium,
        service=service,
        priority=priority,
        defaults={
            "first_response_minutes": first_response_minutes,
            "resolution_minutes": resolution_minutes,
            "calendar": calendar,
        },
    )
    audit.record(
        acting_user,
        "servicedesk.sla_target.set",
        target,
        consortium_id=consortium.pk,
        after=audit.snapshot(target),
    )
    return target
