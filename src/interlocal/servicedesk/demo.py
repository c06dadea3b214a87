"""Service desk demo: a business calendar per demo region with generated public holidays.

Capitol Region (Connecticut): Mon-Fri 08:00-17:00 America/New_York, US/CT holidays 2026-2028.
MISA Prairies (Alberta): Mon-Fri 08:00-17:00 America/Edmonton, CA/AB holidays 2026-2028.
Capitol Region also gets default SLA targets per priority and a handful of tickets for Avon and
Bolton (one answered and waiting on the member, one resolved, one with an internal note).
Idempotent: a calendar that already exists (by name) is left alone, and so are tickets.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from interlocal.servicedesk.actions import (
    do_change_status,
    do_create_calendar,
    do_create_ticket,
    do_generate_holidays,
    do_reply,
    do_set_sla_target,
)
from interlocal.servicedesk.models import BusinessCalendar, Level, Priority, Status, Ticket, TicketType
from interlocal.tenancy.models import Consortium, Member

ORDER = 47
OFFICE = {d: [(8 * 60, 17 * 60)] for d in range(5)}
YEARS = (2026, 2028)

CALENDARS: list[dict[str, Any]] = [
    {
        "consortium": "capitol-region",
        "admin": "alice@capitol.example.org",
        "name": "Connecticut office hours",
        "timezone": "America/New_York",
        "country": "US",
        "subdivision": "CT",
    },
    {
        "consortium": "misa-prairies",
        "admin": "pat@misa.example.org",
        "name": "Alberta office hours",
        "timezone": "America/Edmonton",
        "country": "CA",
        "subdivision": "AB",
    },
]


def load(stdout: Any = None) -> list[Any]:
    """Create the demo calendars with their holidays (nothing when they exist)."""
    from interlocal.accounts.models import User

    for spec in CALENDARS:
        consortium = Consortium.objects.filter(slug=spec["consortium"]).first()
        admin = User.objects.filter(email=spec["admin"]).first()
        if consortium is None or admin is None:
            continue
        if BusinessCalendar.objects.filter(consortium=consortium, name=spec["name"]).exists():
            continue
        _load_calendar(consortium, admin, spec)
    _load_tickets()
    return []


# priority -> (first response, resolution) in business minutes
TARGETS = {Priority.P1: (30, 240), Priority.P2: (60, 480), Priority.P3: (240, 1440), Priority.P4: (480, 2880)}


@transaction.atomic
def _load_tickets() -> None:
    from interlocal.accounts.models import User

    consortium = Consortium.objects.filter(slug="capitol-region").first()
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=".example.org")}
    members = {m.slug: m for m in Member.objects.filter(slug__in=["avon-ct", "bolton-ct"])}
    if consortium is None or Ticket.objects.filter(consortium=consortium).exists():
        return
    if not {"alice", "sam", "bob", "carol", "ada"} <= people.keys() or len(members) < 2:
        return
    for priority, (first, resolution) in TARGETS.items():
        do_set_sla_target(
            consortium,
            acting_user=people["alice"],
            priority=priority,
            first_response_minutes=first,
            resolution_minutes=resolution,
        )
    avon, bolton, sam = members["avon-ct"], members["bolton-ct"], people["sam"]
    outage = do_create_ticket(
        consortium,
        avon,
        acting_user=people["bob"],
        subject="Town hall e-mail is down",
        body="Nobody at the town hall can send or receive e-mail since 8:00.",
        type=TicketType.INCIDENT,
        impact=Level.HIGH,
        urgency=Level.HIGH,
    )
    do_reply(outage, acting_user=sam, body="We are on it: the mail relay is being restarted.")
    do_reply(outage, acting_user=sam, body="Relay disk full; vendor case opened.", internal=True)
    laptop = do_create_ticket(
        consortium,
        avon,
        acting_user=people["ada"],
        subject="Laptop for the new clerk",
        body="Please set up a laptop for our new town clerk, starting on Monday.",
        type=TicketType.SERVICE_REQUEST,
        impact=Level.LOW,
        urgency=Level.MEDIUM,
    )
    do_reply(laptop, acting_user=sam, body="Which software does the clerk need besides Office?")
    do_change_status(laptop, acting_user=sam, to_status=Status.WAITING_MEMBER)
    vpn = do_create_ticket(
        consortium,
        bolton,
        acting_user=people["carol"],
        subject="VPN question",
        body="Can the building inspector use the VPN from a tablet?",
        type=TicketType.QUESTION,
        impact=Level.LOW,
        urgency=Level.LOW,
    )
    do_reply(vpn, acting_user=sam, body="Yes: install the client from the app store and sign in as usual.")
    do_change_status(vpn, acting_user=sam, to_status=Status.RESOLVED)
    do_create_ticket(
        consortium,
        bolton,
        acting_user=people["carol"],
        subject="Printer on the second floor jams",
        body="The shared printer jams on every other job.",
        type=TicketType.INCIDENT,
        impact=Level.MEDIUM,
        urgency=Level.MEDIUM,
    )


@transaction.atomic
def _load_calendar(consortium: Consortium, admin: Any, spec: dict[str, Any]) -> None:
    calendar = do_create_calendar(
        consortium,
        acting_user=admin,
        name=spec["name"],
        timezone_name=spec["timezone"],
        hours=OFFICE,
        is_default=True,
    )
    do_generate_holidays(
        calendar,
        acting_user=admin,
        country=spec["country"],
        subdivision=spec["subdivision"],
        first_year=YEARS[0],
        last_year=YEARS[1],
    )
