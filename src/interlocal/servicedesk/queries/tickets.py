"""Read paths of tickets: scoped lists and details, the `can_*` rights, and the SLA clocks' state.

The clocks are the pure `servicedesk.clock`; pauses come from the status history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone

from interlocal.servicedesk.clock import Calendar, Pause, target_status
from interlocal.servicedesk.models import (
    PAUSED_STATUSES,
    BusinessCalendar,
    SlaTarget,
    Status,
    Ticket,
    TicketReply,
    TicketStatusChange,
    TicketWatcher,
)
from interlocal.servicedesk.queries.calendars import clock_calendar, default_calendar
from interlocal.tenancy.roles import MEMBER_WRITE_ROLES
from interlocal.tenancy.scoping import acts_for_member, get_for_user, is_council

__all__ = [
    "REOPEN_DAYS",
    "ClockState",
    "SlaStatus",
    "TicketDetail",
    "can_change_status",
    "can_raise_ticket",
    "can_reply",
    "get_ticket_for_user",
    "is_provider_staff",
    "pauses_of",
    "sla_status",
    "sla_statuses",
    "sla_target_for",
    "target_calendar",
    "ticket_detail",
    "tickets_visible_to",
]

# A resolved ticket may be reopened for this many days after its resolution; later, a new one.
REOPEN_DAYS = 7

SlaState = Literal["ok", "warning", "breached"]
_ORDER: dict[str, int] = {"ok": 0, "warning": 1, "breached": 2}


def is_provider_staff(user: Any, consortium_id: int | None) -> bool:
    """The desk is run by the council (the consortium's admins and staff): they answer tickets."""
    return is_council(user, consortium_id)


def can_raise_ticket(user: Any, consortium_id: int, member_id: int) -> bool:
    """The member's admins and staff raise its tickets; the council may raise one on its behalf."""
    return acts_for_member(user, consortium_id, member_id, MEMBER_WRITE_ROLES) or is_council(
        user, consortium_id
    )


def can_reply(user: Any, ticket: Ticket, *, internal: bool = False) -> bool:
    """Internal notes: the council. Public replies: the council and the member's admins and staff
    who see the ticket (observers read only). Closed tickets take no replies at all."""
    if ticket.status == Status.CLOSED:
        return False
    if is_council(user, ticket.consortium_id):
        return True
    if internal:
        return False
    return acts_for_member(user, ticket.consortium_id, ticket.member_id) and _sees(user, ticket)


def can_change_status(user: Any, ticket: Ticket, to_status: str, now: dt.datetime | None = None) -> bool:
    """The council moves tickets along; the member's people may only reopen a resolved ticket
    within REOPEN_DAYS or close it (accept the resolution)."""
    if is_council(user, ticket.consortium_id):
        return True
    if not (acts_for_member(user, ticket.consortium_id, ticket.member_id) and _sees(user, ticket)):
        return False
    if ticket.status != Status.RESOLVED:
        return False
    return to_status in {Status.OPEN, Status.CLOSED}


def _sees(user: Any, ticket: Ticket) -> bool:
    return Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    """Tickets `user` may read, newest first."""
    # The list shows member, raiser, assignee and service: fetch them in the same query.
    return Ticket.objects.visible_to(user).select_related(
        "member", "raised_by", "assignee", "service", "calendar"
    )


def get_ticket_for_user(user: Any, pk: int, *, write: bool = False) -> Ticket:
    """The ticket if `user` may see it (or change it, with write=True); else 404."""
    return get_for_user(
        Ticket.objects.select_related("consortium", "member", "raised_by", "assignee", "service"),
        user,
        write=write,
        pk=pk,
    )


def sla_target_for(consortium_id: int, service_id: int | None, priority: str) -> SlaTarget | None:
    """The service's target for the priority, else the consortium's default one (or None)."""
    targets = SlaTarget.objects.filter(consortium_id=consortium_id, priority=priority).select_related(
        "calendar"
    )
    if service_id is not None:
        own = targets.filter(service_id=service_id).first()
        if own is not None:
            return own
    return targets.filter(service__isnull=True).first()


def target_calendar(target: SlaTarget) -> BusinessCalendar | None:
    """The calendar a target is measured in: its own, else the consortium's default."""
    return target.calendar if target.calendar_id else default_calendar(target.consortium_id)


def pauses_of(changes: Iterable[TicketStatusChange]) -> list[Pause]:
    """The intervals during which the clocks stood still, from the status history (oldest first).

    A pause opens when the ticket enters a paused status and closes when it leaves for a running
    one; a pause still open is (since, None).
    """
    pauses: list[Pause] = []
    since: dt.datetime | None = None
    for change in sorted(changes, key=lambda c: (c.at, c.pk or 0)):
        paused = change.to_status in PAUSED_STATUSES or change.to_status == Status.CLOSED
        if paused and since is None:
            since = change.at
        elif not paused and since is not None:
            pauses.append((since, change.at))
            since = None
    if since is not None:
        pauses.append((since, None))
    return pauses


@dataclass(frozen=True)
class ClockState:
    """One SLA target of one ticket: due time, business time used, and its state."""

    state: SlaState
    due: dt.datetime
    percent_used: float
    remaining_seconds: float
    achieved_at: dt.datetime | None  # when the response or resolution came (None: still running)
    paused: bool


@dataclass(frozen=True)
class SlaStatus:
    """A ticket's two clocks (None where the ticket has no target or no calendar)."""

    first_response: ClockState | None
    resolution: ClockState | None

    @property
    def state(self) -> SlaState | None:
        """The worse of the two clocks' states."""
        worst: SlaState | None = None
        for clock in (self.first_response, self.resolution):
            if clock is not None and (worst is None or _ORDER[clock.state] > _ORDER[worst]):
                worst = clock.state
        return worst


def _until(pauses: Sequence[Pause], moment: dt.datetime) -> list[Pause]:
    """The pauses as they stood at `moment` (later ones dropped, a running one left open)."""
    out: list[Pause] = []
    for since, until in pauses:
        if since >= moment:
            continue
        out.append((since, until if until is not None and until <= moment else None))
    return out


def _clock(
    calendar: Calendar,
    start: dt.datetime,
    minutes: int | None,
    achieved_at: dt.datetime | None,
    pauses: Sequence[Pause],
    now: dt.datetime,
    paused_now: bool,
) -> ClockState | None:
    if not minutes:
        return None
    moment = achieved_at if achieved_at is not None else now
    status = target_status(calendar, start, minutes * 60, moment, _until(pauses, moment))
    state: SlaState = "breached" if status.breached else ("warning" if status.warning else "ok")
    if achieved_at is not None and state == "warning":
        state = "ok"  # answered in time: a warning no longer applies
    return ClockState(
        state=state,
        due=status.due,
        percent_used=status.percent_used,
        remaining_seconds=status.remaining_seconds,
        achieved_at=achieved_at,
        paused=achieved_at is None and paused_now,
    )


def sla_status(
    ticket: Ticket,
    *,
    calendar: Calendar | None = None,
    changes: Iterable[TicketStatusChange] | None = None,
    now: dt.datetime | None = None,
) -> SlaStatus:
    """Where the ticket's clocks stand at `now` (default: the present)."""
    if ticket.calendar_id is None:
        return SlaStatus(None, None)
    now = now or timezone.now()
    cal = calendar or clock_calendar(ticket.calendar)  # type: ignore[arg-type]
    if changes is None:
        changes = TicketStatusChange.objects.filter(ticket=ticket)
    pauses = pauses_of(changes)
    paused = ticket.status in PAUSED_STATUSES
    resolved_at = ticket.resolved_at if ticket.status in {Status.RESOLVED, Status.CLOSED} else None
    return SlaStatus(
        first_response=_clock(
            cal,
            ticket.created_at,
            ticket.first_response_minutes,
            ticket.first_responded_at,
            pauses,
            now,
            paused,
        ),
        resolution=_clock(
            cal, ticket.created_at, ticket.resolution_minutes, resolved_at, pauses, now, paused
        ),
    )


def sla_statuses(tickets: Sequence[Ticket], *, now: dt.datetime | None = None) -> dict[int, SlaStatus]:
    """The SLA status of each ticket by pk: two queries per distinct calendar, one for all histories."""
    now = now or timezone.now()
    calendars: dict[int, Calendar] = {}
    history: dict[int, list[TicketStatusChange]] = {t.pk: [] for t in tickets}
    for change in TicketStatusChange.objects.filter(ticket_id__in=list(history)):
        history[change.ticket_id].append(change)
    out: dict[int, SlaStatus] = {}
    for ticket in tickets:
        cal = None
        if ticket.calendar_id is not None:
            if ticket.calendar_id not in calendars:
                calendars[ticket.calendar_id] = clock_calendar(ticket.calendar)  # type: ignore[arg-type]
            cal = calendars[ticket.calendar_id]
        out[ticket.pk] = sla_status(ticket, calendar=cal, changes=history[ticket.pk], now=now)
    return out


@dataclass(frozen=True)
class TicketDetail:
    """What one person sees of a ticket: its replies (internal notes only for the council),
    watchers, history, clocks, and what they may do."""

    ticket: Ticket
    replies: list[TicketReply]
    watchers: list[TicketWatcher]
    history: list[TicketStatusChange]
    sla: SlaStatus
    can_reply: bool
    can_add_note: bool
    can_assign: bool


def ticket_detail(user: Any, pk: int) -> TicketDetail:
    """The ticket with what `user` may see of it; 404 when they may not see it."""
    ticket = get_ticket_for_user(user, pk)
    # Authors are shown beside each reply: fetch them with the replies.
    replies = list(TicketReply.objects.visible_to(user).filter(ticket=ticket).select_related("author"))
    watchers = list(TicketWatcher.objects.filter(ticket=ticket).select_related("user"))
    history = list(TicketStatusChange.objects.filter(ticket=ticket).select_related("changed_by"))
    provider = is_council(user, ticket.consortium_id)
    return TicketDetail(
        ticket=ticket,
        replies=replies,
        watchers=watchers,
        history=history,
        sla=sla_status(ticket, changes=history),
        can_reply=can_reply(user, ticket),
        can_add_note=provider and ticket.status != Status.CLOSED,
        can_assign=provider,
    )
