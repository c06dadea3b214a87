"""Demo data for bidding (Capitol Region), loaded after the planning demo (demo/planning.py): the completed
"2026 fuel oil and diesel" purchase gets two sealed bids, its opening, a split award (heating oil
to one vendor, diesel to the other), a master contract per vendor with a contract per town, and a
town that was not in the round joins the diesel contract later (piggyback). The savings dashboard
then has figures.

Everything goes through the real write path (do_submit_bid, do_open_bids, do_award, do_piggyback)
so the audit trail tells the story; the clock is set back to the dates of each step while it runs.
Idempotent: nothing is done when the solicitation already has an award.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from interlocal.procurement.actions import (
    do_award,
    do_open_bids,
    do_piggyback,
    do_set_contract_openness,
    do_submit_bid,
)
from interlocal.procurement.models import Award, Contract, Solicitation, Vendor, VendorUser
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership

__all__ = ["load"]

COMPLETED_REFERENCE = "IFB-2026-007"
# Vendor legal id -> (person who bids, heating oil $/gal, diesel $/gal)
BIDS = {
    "EIN-06-7654321": ("olivia@charteroak.example.org", "Olivia Oakes", "3.09", "3.34"),
    "EIN-06-5550123": ("nick@nefuel.example.org", "Nick Norris", "3.14", "3.29"),
}
PIGGYBACK_PERSON = ("dana@piggyback.example.org", "Dana Dunn")


@contextmanager
def _clock(moment: dt.datetime) -> Iterator[None]:
    """Run a step as if it were `moment` (the demo replays a purchase that happened months ago)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(f"  {text}")


def _bidder(vendor: Vendor, email: str, name: str, consortium: Consortium) -> Any:
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=name)
    VendorUser.objects.get_or_create(vendor=vendor, user=user, defaults={"role": VendorUser.Role.ADMIN})
    Membership.objects.get_or_create(user=user, consortium=consortium, member=None, role="vendor")
    return user


def _piggyback_member(consortium: Consortium, solicitation: Solicitation) -> Member | None:
    """A member of the consortium that had no demand in the round."""
    in_round = set(solicitation.contracts.exclude(member=None).values_list("member_id", flat=True))
    ids = ConsortiumMember.objects.filter(consortium=consortium).values_list("member_id", flat=True)
    return Member.objects.filter(pk__in=ids).exclude(pk__in=in_round).order_by("name").first()


# Copier paper (ready to open): vendor legal id -> (person who bids, letter $/case, legal $/case)
READY_TO_OPEN_REFERENCE = "IFB-2027-011"
PAPER_BIDS = {
    "EIN-06-1234567": ("vince@vendor.example.org", "Vince Varga", "41.80", "52.40"),
    "EIN-06-7654321": ("olivia@charteroak.example.org", "Olivia Oakes", "43.15", "50.95"),
}


def _seal_paper_bids(stdout: Any) -> None:
    """Two sealed bids on the copier paper, submitted before its deadline; left for staff to open."""
    sol = (
        Solicitation.objects.filter(reference_number=READY_TO_OPEN_REFERENCE)
        .select_related("consortium")
        .first()
    )
    if sol is None or sol.bids.exists() or sol.submission_deadline is None:
        return
    items = list(sol.items.order_by("line_number"))
    for n, (legal_id, (email, name, letter, legal)) in enumerate(PAPER_BIDS.items()):
        vendor = Vendor.objects.filter(legal_id=legal_id).first()
        if vendor is None:
            continue
        user = _bidder(vendor, email, name, sol.consortium)
        with _clock(sol.submission_deadline - dt.timedelta(days=2, hours=n)):
            do_submit_bid(
                sol,
                acting_user=user,
                vendor=vendor,
                idempotency_key=f"demo-paper-{legal_id}",
                prices={items[0].pk: letter, items[1].pk: legal},
            )
    _say(stdout, f"bidding: {sol.bids.count()} sealed bids on {READY_TO_OPEN_REFERENCE}, ready to open\n")


def _piggyback_login(consortium: Consortium) -> list[Any]:
    """The piggyback person's sign-in, when an earlier run created it."""
    from interlocal.tenancy.demo import DemoLogin

    email, _name = PIGGYBACK_PERSON
    role = (
        Membership.objects.filter(user__email=email, consortium=consortium, member__isnull=False)
        .select_related("member")
        .first()
    )
    if role is None or role.member is None:
        return []
    return [DemoLogin(email, "member staff", f"{consortium.name} — {role.member.name} (piggyback)")]


@transaction.atomic
def load(stdout: Any = None) -> list[Any]:
    """Sealed bids ready to open on the copier paper; bids, opening, award, contracts and one
    piggyback for the completed fuel purchase."""
    _seal_paper_bids(stdout)
    sol = (
        Solicitation.objects.filter(reference_number=COMPLETED_REFERENCE).select_related("consortium").first()
    )
    if sol is None:
        return []
    if Award.objects.filter(solicitation=sol).exists():
        return _piggyback_login(sol.consortium)
    consortium = sol.consortium
    User = get_user_model()
    sam = User.objects.filter(email="sam@capitol.example.org").first()
    alice = User.objects.filter(email="alice@capitol.example.org").first()  # the opening's witness
    if sam is None or alice is None:
        return []
    items = list(sol.items.order_by("line_number"))
    final_status = sol.status
    # Bids arrived while it was published: replay them three days before the deadline.
    Solicitation.objects.filter(pk=sol.pk).update(status=Solicitation.Status.PUBLISHED)
    sol.refresh_from_db()
    bidders: list[Vendor] = []
    for legal_id, (email, name, oil, diesel) in BIDS.items():
        vendor = Vendor.objects.filter(legal_id=legal_id).first()
        if vendor is None:
            continue
        user = _bidder(vendor, email, name, consortium)
        with _clock(sol.submission_deadline - dt.timedelta(days=3, hours=len(bidders))):
            do_submit_bid(
                sol,
                acting_user=user,
                vendor=vendor,
                idempotency_key=f"demo-{legal_id}",
                prices={items[0].pk: oil, items[1].pk: diesel},
            )
        bidders.append(vendor)
    if len(bidders) < 2:
        Solicitation.objects.filter(pk=sol.pk).update(status=final_status)
        return []
    with _clock(sol.opening_at + dt.timedelta(minutes=1)):
        do_open_bids(sol, acting_user=sam, witness=alice)
    start = timezone.localdate(sol.opening_at) + dt.timedelta(days=14)
    with _clock(sol.opening_at + dt.timedelta(days=2)):
        do_award(
            sol,
            acting_user=sam,
            start_date=start,
            end_date=start + dt.timedelta(days=364),
            renewals_allowed=2,
            notes="Split award: heating oil and diesel to the lowest responsive bid for each.",
        )
    _say(
        stdout, f"bidding: 2 sealed bids on {COMPLETED_REFERENCE}, opened, split award, contracts per town\n"
    )

    logins: list[Any] = []
    member = _piggyback_member(consortium, sol)
    diesel_master = Contract.objects.filter(
        solicitation=sol, kind=Contract.Kind.MASTER, lines__item=items[1]
    ).first()
    if diesel_master is not None:
        # Other consortia's towns may piggyback on the diesel contract too.
        do_set_contract_openness(diesel_master, allow=True, acting_user=sam)
    if member is not None and diesel_master is not None:
        from interlocal.tenancy.actions import do_grant_role
        from interlocal.tenancy.demo import DemoLogin

        email, name = PIGGYBACK_PERSON
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(email=email, password=None, full_name=name)
            from interlocal.tenancy.demo import DEMO_PASSWORD

            person.set_password(DEMO_PASSWORD)
            person.save(update_fields=["password"])
        if not Membership.objects.filter(user=person, consortium=consortium, member=member).exists():
            do_grant_role(person, consortium=consortium, member=member, role="member_staff", acting_user=None)
        do_piggyback(
            diesel_master,
            member=member,
            acting_user=person,
            quantities={items[1].pk: "9000"},
            previous_prices={items[1].pk: "3.745"},
        )
        logins.append(DemoLogin(email, "member staff", f"{consortium.name} — {member.name} (piggyback)"))
        _say(stdout, f"bidding: {member.name} joined the diesel contract (piggyback)\n")
    return logins
