"""Tickets: who sees what, the priority matrix, due times on a real calendar with a pause,
transitions, the reopen window, closed tickets and internal notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.servicedesk.actions import (
    do_assign,
    do_change_status,
    do_create_calendar,
    do_create_ticket,
    do_reply,
    do_set_sla_target,
    do_watch,
)
from interlocal.servicedesk.models import Level, Priority, Status, Ticket, TicketReply, priority_for
from interlocal.servicedesk.queries import sla_status, ticket_detail, tickets_visible_to

UTC = dt.UTC
OFFICE = {d: [(8 * 60, 17 * 60)] for d in range(5)}
MON_0900_EST = dt.datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
def desk(world: Any, clock: Any) -> Any:
    cal = do_create_calendar(
        world.capitol,
        acting_user=world.sam,
        name="Office",
        timezone_name="America/New_York",
        hours=OFFICE,
        is_default=True,
    )
    do_set_sla_target(
        world.capitol,
        acting_user=world.alice,
        priority=Priority.P3,
        first_response_minutes=60,
        resolution_minutes=480,
    )
    clock.set(MON_0900_EST)
    return cal


def _ticket(world: Any, who: str = "bob", member: str = "avon", **kw: Any) -> Ticket:
    return do_create_ticket(
        world.capitol,
        getattr(world, member),
        acting_user=getattr(world, who),
        subject="Printer",
        body="Jammed",
        **kw,
    )


def test_priority_matrix() -> None:
    assert priority_for(Level.HIGH, Level.HIGH) == Priority.P1
    assert priority_for(Level.HIGH, Level.MEDIUM) == Priority.P2
    assert priority_for(Level.MEDIUM, Level.HIGH) == Priority.P2
    assert priority_for(Level.MEDIUM, Level.MEDIUM) == Priority.P3
    assert priority_for(Level.LOW, Level.HIGH) == Priority.P3
    assert priority_for(Level.LOW, Level.LOW) == Priority.P4
    with pytest.raises(ValueError, match="impact/urgency"):
        priority_for(4, 1)


@pytest.mark.django_db
def test_visibility_for_every_persona(world: Any, desk: Any) -> None:
    bobs = _ticket(world, "bob")
    adas = _ticket(world, "ada")
    carols = _ticket(world, "carol", "bolton")
    seen = {
        name: set(tickets_visible_to(u).values_list("pk", flat=True)) for name, u in world.people().items()
    }
    assert seen["alice"] == seen["sam"] == {bobs.pk, adas.pk, carols.pk}
    assert seen["ada"] == {bobs.pk, adas.pk}  # member admin: all of Avon's
    assert seen["bob"] == {bobs.pk}  # member staff: only their own...
    assert seen["carol"] == {carols.pk}
    assert seen["olga"] == seen["vince"] == seen["pat"] == set()
    do_watch(adas, acting_user=world.ada, user=world.bob)  # ...and those they watch
    assert set(tickets_visible_to(world.bob).values_list("pk", flat=True)) == {bobs.pk, adas.pk}
    with pytest.raises(ValidationError):
        do_watch(adas, acting_user=world.sam, user=world.carol)  # Bolton's staff cannot watch Avon's


@pytest.mark.django_db
def test_references_are_gapless_per_consortium(world: Any, desk: Any) -> None:
    assert [_ticket(world).reference for _ in range(2)] == ["SD-2027-00001", "SD-2027-00002"]
    with pytest.raises(PermissionDenied):
        _ticket(world, "olga")
    assert _ticket(world).reference == "SD-2027-00003"


@pytest.mark.django_db
def test_due_times_and_a_pause_while_waiting_on_the_member(world: Any, desk: Any, clock: Any) -> None:
    t = _ticket(world)
    assert t.priority == Priority.P3
    assert t.first_response_due == dt.datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # 10:00 EST
    assert t.resolution_due == dt.datetime(2027, 3, 1, 22, 0, tzinfo=UTC)  # 17:00 EST, not Tue 08:00
    clock.set(dt.datetime(2027, 3, 1, 14, 30, tzinfo=UTC))
    do_reply(t, acting_user=world.sam, body="Which printer?")
    do_change_status(t, acting_user=world.sam, to_status=Status.WAITING_MEMBER)
    t.refresh_from_db()
    assert t.first_responded_at == clock.now and t.status == Status.WAITING_MEMBER
    clock.set(dt.datetime(2027, 3, 1, 16, 30, tzinfo=UTC))  # two business hours later
    assert sla_status(t).resolution.paused
    do_reply(t, acting_user=world.bob, body="The second floor one")
    t.refresh_from_db()
    assert t.status == Status.OPEN
    assert t.resolution_due == dt.datetime(2027, 3, 2, 15, 0, tzinfo=UTC)  # Tue 10:00 EST: 2 h later
    status = sla_status(t)
    assert status.first_response.state == "ok" and status.resolution.state == "ok"
    clock.set(dt.datetime(2027, 3, 2, 14, 0, tzinfo=UTC))  # Tue 09:00 EST: 7 of 8 hours used
    assert sla_status(t).resolution.state == "warning"
    assert sla_status(t).state == "warning"  # the worse of the two clocks
    clock.set(dt.datetime(2027, 3, 2, 15, 0, 1, tzinfo=UTC))
    assert sla_status(t).resolution.state == "breached"
    assert sla_status(t).state == "breached"


@pytest.mark.django_db
def test_transitions_reopen_window_and_closed_tickets(world: Any, desk: Any, clock: Any) -> None:
    t = _ticket(world)
    with pytest.raises(ValidationError, match="cannot go from"):
        do_change_status(t, acting_user=world.sam, to_status=Status.CLOSED)
    with pytest.raises(PermissionDenied):
        do_change_status(t, acting_user=world.bob, to_status=Status.RESOLVED)
    do_change_status(t, acting_user=world.sam, to_status=Status.RESOLVED)
    clock.advance(days=3)
    do_change_status(t, acting_user=world.bob, to_status=Status.OPEN)  # reopened by the member
    do_change_status(t, acting_user=world.sam, to_status=Status.RESOLVED)
    clock.advance(days=8)
    with pytest.raises(ValidationError, match="more than 7 days"):
        do_change_status(t, acting_user=world.bob, to_status=Status.OPEN)
    do_change_status(t, acting_user=world.bob, to_status=Status.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        do_reply(t, acting_user=world.sam, body="One more thing")
    assert not TicketReply.objects.filter(ticket=t).exists()


@pytest.mark.django_db
def test_internal_notes_are_hidden_from_the_member(world: Any, desk: Any) -> None:
    t = _ticket(world)
    do_reply(t, acting_user=world.sam, body="Vendor ticket 99", internal=True)
    do_reply(t, acting_user=world.sam, body="On it")
    with pytest.raises(PermissionDenied):
        do_reply(t, acting_user=world.bob, body="sneaky", internal=True)
    assert [r.body for r in ticket_detail(world.alice, t.pk).replies] == ["Vendor ticket 99", "On it"]
    for name in ("ada", "bob"):
        assert [r.body for r in ticket_detail(getattr(world, name), t.pk).replies] == ["On it"]
    assert not TicketReply.objects.visible_to(world.ada).filter(is_internal=True).exists()


@pytest.mark.django_db
def test_only_desk_people_are_assigned(world: Any, desk: Any) -> None:
    t = _ticket(world)
    with pytest.raises(PermissionDenied):
        do_assign(t, acting_user=world.ada, assignee=world.sam)
    with pytest.raises(ValidationError):
        do_assign(t, acting_user=world.alice, assignee=world.bob)
    assert do_assign(t, acting_user=world.alice, assignee=world.sam).assignee == world.sam
