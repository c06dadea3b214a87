"""Security issue 11.1: sealed bids could be opened early through an addendum.

An addendum moved the deadline and the opening a minute ahead, and the council opened the bids at
once. Now: (a) an addendum moves the dates only later and at least the consortium's minimum notice
(working days) after it is issued; (b) every change of dates is e-mailed to every bidder and
follower; (c) opening needs an opener and a different witness with a procurement role, both
recorded, and the scheduler no longer opens alone; (d) opening waits while questions or an
addendum's notice are still running.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.procurement.actions import (
    do_issue_addendum,
    do_open_bids,
    do_register_interest,
    do_submit_bid,
)
from interlocal.procurement.models import BidLine, Solicitation
from tests.api.helpers import make_token
from tests.clock import T0, Clock
from tests.procurement.factories import DEADLINE, OPENING, make_joint_purchase, make_vendor

pytestmark = pytest.mark.django_db
P = "/api/v1/procurement"


@pytest.fixture
def scene(world: Any, clock: Clock, django_user_model: Any) -> Any:
    """Road salt (deadline Mon 8 March 2027, opening an hour later), vince (Acme) has bid."""
    jp = make_joint_purchase(world)
    make_vendor("Acme Salt Co", world.vince, world.capitol)
    do_submit_bid(
        jp.solicitation,
        acting_user=world.vince,
        idempotency_key="k1",
        prices={jp.items[0].pk: "61.50", jp.items[1].pk: "0.25"},
    )
    return jp


def _api(user: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _open(sol: Solicitation, opener: Any, witness: Any) -> Solicitation:
    return do_open_bids(sol, acting_user=opener, witness=witness)


# --- (a) dates only later, with the minimum notice ----------------------------------------------
def test_the_reported_exploit_is_refused(world: Any, scene: Any, clock: Clock) -> None:
    sol = scene.solicitation
    alice = _api(world.alice)
    response = _post(
        alice,
        f"{P}/solicitations/{sol.pk}/addenda",
        {
            "title": "Earlier",
            "body": "We open now.",
            "submission_deadline": (T0 + dt.timedelta(seconds=45)).isoformat(),
            "opening_at": (T0 + dt.timedelta(seconds=50)).isoformat(),
        },
    )
    assert response.status_code == 422, response.content
    locs = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert any("submission_deadline" in loc for loc in locs)
    sol.refresh_from_db()
    assert sol.submission_deadline == DEADLINE and sol.opening_at == OPENING
    assert not sol.addenda.exists()
    clock.advance(minutes=1)
    opened = _post(alice, f"{P}/solicitations/{sol.pk}/open", {"witness_email": world.sam.email})
    assert opened.status_code == 403
    assert not BidLine.objects.exists()


def test_an_addendum_moves_dates_only_later_and_with_the_notice(world: Any, scene: Any, clock: Clock) -> None:
    from interlocal.procurement.actions import do_update_procurement_settings

    sol = scene.solicitation
    # Saturday 6 March: five working days on is Friday 12 March, same time.
    clock.set(T0 + dt.timedelta(days=5))
    with pytest.raises(ValidationError) as short:
        do_issue_addendum(
            sol, acting_user=world.alice, title="Two more days", body="x",
            submission_deadline=DEADLINE + dt.timedelta(days=1), opening_at=OPENING + dt.timedelta(days=1),
        )  # fmt: skip
    assert "submission_deadline" in short.value.message_dict
    assert "5 working days" in " ".join(short.value.message_dict["submission_deadline"])
    with pytest.raises(ValidationError) as opening_short:
        do_issue_addendum(
            sol, acting_user=world.alice, title="Later opening", body="x", opening_at=OPENING + dt.timedelta(days=1)
        )  # fmt: skip
    assert "opening_at" in opening_short.value.message_dict
    friday = T0 + dt.timedelta(days=11)
    do_issue_addendum(
        sol, acting_user=world.alice, title="A week more", body="x",
        submission_deadline=friday, opening_at=friday + dt.timedelta(hours=1),
    )  # fmt: skip
    sol.refresh_from_db()
    assert sol.submission_deadline == friday

    # The council may shorten the notice, but an addendum still never moves a date earlier.
    do_update_procurement_settings(world.capitol, acting_user=world.sam, addendum_notice_days=1)
    with pytest.raises(ValidationError) as earlier:
        do_issue_addendum(
            sol, acting_user=world.alice, title="Back", body="x",
            submission_deadline=friday - dt.timedelta(days=1),
        )  # fmt: skip
    assert "submission_deadline" in earlier.value.message_dict
    with pytest.raises(ValidationError) as opening_earlier:
        do_issue_addendum(sol, acting_user=world.alice, title="Back", body="x", opening_at=friday)
    assert "opening_at" in opening_earlier.value.message_dict
    assert sol.addenda.count() == 1


def test_the_notice_setting_is_the_councils(world: Any, client_for: Any) -> None:
    from interlocal.procurement.actions import do_update_procurement_settings
    from interlocal.procurement.queries import addendum_notice_days

    assert addendum_notice_days(world.capitol.pk) == 5
    with pytest.raises(PermissionDenied):
        do_update_procurement_settings(world.capitol, acting_user=world.bob, addendum_notice_days=1)
    with pytest.raises(ValidationError) as bad:
        do_update_procurement_settings(world.capitol, acting_user=world.alice, addendum_notice_days=0)
    assert "addendum_notice_days" in bad.value.message_dict
    url = reverse("procurement:settings")
    assert client_for("bob").get(url).status_code == 403
    sam = client_for("sam")
    assert url in sam.get(reverse("procurement:solicitations")).content.decode()
    assert sam.post(url, {"addendum_notice_days": "8"}).status_code == 302
    assert addendum_notice_days(world.capitol.pk) == 8
    assert AuditEvent.objects.filter(action="procurement.settings.updated").count() == 1


# --- (b) every change of dates is mailed to every bidder and follower -----------------------------
def test_a_change_of_dates_is_mailed_to_bidders_and_followers(
    world: Any, scene: Any, clock: Clock, django_user_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sol = scene.solicitation
    wendy = django_user_model.objects.create_user(
        email="wendy@brine.example", password="x", full_name="Wendy"
    )
    brine = make_vendor("Brine Brothers", wendy, world.capitol)
    do_register_interest(sol, brine, acting_user=wendy)
    mail.outbox.clear()
    later = DEADLINE + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        do_issue_addendum(
            sol, acting_user=world.alice, title="A week more", body="Snow.",
            submission_deadline=later, opening_at=later + dt.timedelta(hours=2),
        )  # fmt: skip
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([world.vince.email, wendy.email])  # vince bid without following
    body = mail.outbox[0].body
    assert "submission deadline" in body.lower() and "15 Mar 2027" in body and "(America/New_York)" in body
    assert "opening" in body.lower()


# --- (c) two people open ------------------------------------------------------------------------
def test_opening_needs_a_different_witness_with_a_procurement_role(
    world: Any, scene: Any, clock: Clock
) -> None:
    sol = scene.solicitation
    clock.set(OPENING)
    for witness in (world.alice, world.bob, world.vince):  # the opener, a member's staff, a vendor
        with pytest.raises(ValidationError) as bad:
            _open(sol, world.alice, witness)
        assert "witness" in bad.value.message_dict
    with pytest.raises(PermissionDenied):  # a member's staff cannot open, even with a witness
        _open(sol, world.bob, world.sam)
    assert not BidLine.objects.exists()
    _open(sol, world.alice, world.sam)
    sol.refresh_from_db()
    assert sol.status == Solicitation.Status.OPENED
    assert sol.opened_by == world.alice and sol.opening_witness == world.sam
    event = AuditEvent.objects.get(action="procurement.bids.opened")
    assert event.actor_id == world.alice.pk and event.after["witness_id"] == world.sam.pk


def test_the_scheduler_no_longer_opens_alone(world: Any, scene: Any, clock: Clock) -> None:
    clock.set(OPENING)
    call_command("procurement", "open-due", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    sol = Solicitation.objects.get(pk=scene.solicitation.pk)
    assert sol.status != Solicitation.Status.OPENED and not BidLine.objects.exists()


def test_the_api_and_the_page_take_the_witness(world: Any, scene: Any, clock: Clock, client_for: Any) -> None:
    sol = scene.solicitation
    clock.set(OPENING)
    alice = _api(world.alice)
    missing = _post(alice, f"{P}/solicitations/{sol.pk}/open", {})
    assert missing.status_code == 422
    same = _post(alice, f"{P}/solicitations/{sol.pk}/open", {"witness_email": world.alice.email})
    assert same.status_code == 422 and "witness" in json.dumps(same.json()["errors"])
    page = client_for("alice")
    form = page.get(reverse("procurement:bids", args=[sol.pk])).content.decode()
    assert 'name="witness"' in form and world.sam.email in form
    page.post(reverse("procurement:bids_open", args=[sol.pk]), {})
    assert Solicitation.objects.get(pk=sol.pk).status != Solicitation.Status.OPENED
    page.post(reverse("procurement:bids_open", args=[sol.pk]), {"witness": world.sam.pk})
    sol.refresh_from_db()
    assert sol.status == Solicitation.Status.OPENED and sol.opening_witness == world.sam


# --- (d) not while questions or an addendum's notice are running ---------------------------------
def test_opening_waits_for_the_questions_period(world: Any, scene: Any, clock: Clock) -> None:
    sol = scene.solicitation
    Solicitation.objects.filter(pk=sol.pk).update(questions_deadline=OPENING + dt.timedelta(days=1))
    clock.set(OPENING)
    with pytest.raises(PermissionDenied, match="[Qq]uestions"):
        _open(sol, world.alice, world.sam)
    assert AuditEvent.objects.get(action="procurement.bids.open_refused").after["reason"] == "questions_open"
    clock.set(OPENING + dt.timedelta(days=1))
    assert _open(sol, world.alice, world.sam).status == Solicitation.Status.OPENED


def test_opening_waits_for_an_addendums_notice(world: Any, scene: Any, clock: Clock) -> None:
    sol = scene.solicitation
    clock.set(DEADLINE - dt.timedelta(days=1))  # Sunday 7 March; notice runs to Friday 12 March
    do_issue_addendum(sol, acting_user=world.alice, title="Bags", body="Salt in bags too.")
    clock.set(OPENING)
    with pytest.raises(PermissionDenied, match="[Aa]ddendum"):
        _open(sol, world.alice, world.sam)
    clock.set(DEADLINE + dt.timedelta(days=4))  # Friday 12 March, same time
    assert _open(sol, world.alice, world.sam).status == Solicitation.Status.OPENED
