"""Demand rounds: staff open them, members enter demand until the cut-off, the council reads aggregates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from interlocal.audit.models import AuditEvent
from interlocal.procurement import actions
from interlocal.procurement.models import DemandEntry, DemandItem, DemandRound, DemandRoundMember
from interlocal.procurement.queries import demand_by_item
from tests.clock import Clock
from tests.procurement.factories import make_entry, make_round

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def test_staff_create_add_items_invite_and_open(world: Any, client_for: Any, mailoutbox: Any) -> None:
    alice = client_for("alice")
    response = alice.post(
        reverse("procurement:round_create"),
        {
            "title": "2027 road salt",
            "description": "Winter 2027-28",
            "category": "goods",
            "cut_off_at": (timezone.localtime() + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            "currency": "usd",
            "invitation_mode": "invited",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    round_ = DemandRound.objects.get(title="2027 road salt")
    assert round_.status == "draft" and round_.currency == "USD"
    # Opening without items or invitations is refused, with both reasons.
    response = alice.post(reverse("procurement:round_open", args=[round_.pk]), follow=True)
    text = response.content.decode()
    assert "Add at least one item" in text and "Invite at least one member" in text
    alice.post(
        reverse("procurement:round_item_add", args=[round_.pk]),
        {
            "description": "Road salt, bulk",
            "unit": "ton",
            "classification_scheme": "UNSPSC",
            "classification_code": "12352300",
        },
    )
    bad = alice.post(
        reverse("procurement:round_item_add", args=[round_.pk]),
        {
            "description": "Brine",
            "unit": "gallon",
            "classification_scheme": "CPV",
            "classification_code": "abc",
        },
        follow=True,
    )
    assert "A CPV code has 8 digits" in bad.content.decode()
    assert list(round_.items.values_list("line_number", "description")) == [(1, "Road salt, bulk")]
    alice.post(
        reverse("procurement:round_invite", args=[round_.pk]), {"members": [world.avon.pk, world.bolton.pk]}
    )
    assert set(round_.participants.values_list("member__slug", flat=True)) == {
        world.avon.slug,
        world.bolton.slug,
    }
    response = alice.post(reverse("procurement:round_open", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.status == "open"
    assert AuditEvent.objects.filter(action="procurement.round.opened", object_id=str(round_.pk)).exists()


def test_members_enter_demand_and_council_sees_aggregates(world: Any, client_for: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon, world.bolton))
    salt, brine = round_.items.order_by("line_number")
    bob = client_for("bob")
    page = bob.get(reverse("procurement:round_demand", args=[round_.pk]))
    assert page.status_code == 200
    response = bob.post(
        reverse("procurement:round_demand", args=[round_.pk]),
        {
            f"item{salt.pk}-quantity": "1200",
            f"item{salt.pk}-current_unit_price": "82.50",
            f"item{salt.pk}-delivery_location": "Avon DPW yard",
            f"item{brine.pk}-quantity": "",
        },
    )
    assert response.status_code == 302
    entry = DemandEntry.objects.get(item=salt, member=world.avon)
    assert entry.quantity == Decimal("1200") and entry.current_unit_price == Decimal("82.50")
    carol = client_for("carol")
    carol.post(
        reverse("procurement:round_demand", args=[round_.pk]),
        {f"item{salt.pk}-quantity": "800", f"item{salt.pk}-current_unit_price": "90"},
    )
    rows = demand_by_item(round_, full=True)
    assert rows[0].total_quantity == Decimal("2000")
    assert rows[0].members == 2
    # (1200 × 82.50 + 800 × 90) / 2000 = 85.50
    assert rows[0].weighted_price == Decimal("85.5000")
    page = client_for("alice").get(reverse("procurement:round_detail", args=[round_.pk])).content.decode()
    assert "85.50" in page and "2,000" in page
    csv = client_for("alice").get(reverse("procurement:round_summary", args=[round_.pk]), {"format": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert "Road salt, bulk" in body and "2000" in body
    entries_csv = client_for("sam").get(
        reverse("procurement:round_entries", args=[round_.pk]), {"format": "csv"}
    )
    assert "Avon DPW yard" in b"".join(entries_csv.streaming_content).decode()


def test_members_see_totals_only_from_enough_members(world: Any, client_for: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon, world.bolton))
    salt = round_.items.get(line_number=1)
    make_entry(salt, world.avon, "1200", "82.50")
    make_entry(salt, world.bolton, "800", "90.00")
    # Two members: each could work out the other's price from a weighted average.
    page = client_for("bob").get(reverse("procurement:round_detail", args=[round_.pk])).content.decode()
    assert "85.50" not in page and "Shown once enough members" in page
    assert demand_by_item(round_, full=False)[0].disclosed is False


def test_negative_quantity_and_too_many_decimals_are_refused_atomically(world: Any, client_for: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon,))
    salt, brine = round_.items.order_by("line_number")
    bob = client_for("bob")
    response = bob.post(
        reverse("procurement:round_demand", args=[round_.pk]),
        {f"item{salt.pk}-quantity": "10", f"item{brine.pk}-quantity": "-5"},
    )
    assert response.status_code == 400
    assert "Line 2" in response.content.decode() and "negative" in response.content.decode()
    response = bob.post(
        reverse("procurement:round_demand", args=[round_.pk]),
        {
            f"item{salt.pk}-quantity": "10",
            f"item{brine.pk}-quantity": "5",
            f"item{brine.pk}-current_unit_price": "1.234",
        },
    )
    assert response.status_code == 400
    assert "more decimals than USD allows" in response.content.decode()
    assert not DemandEntry.objects.exists()  # line 1 was valid, but nothing was stored


def test_prices_follow_the_currency_minor_unit(world: Any) -> None:
    assert actions.check_amount("1500", currency="JPY", field="p", label="Price") == Decimal(1500)
    with pytest.raises(ValidationError, match="more decimals than JPY"):
        actions.check_amount("1500.5", currency="JPY", field="p", label="Price")
    assert actions.check_amount("1.125", currency="KWD", field="p", label="Price") == Decimal("1.125")
    for bad in ("abc", "NaN", "Infinity", "-1"):
        with pytest.raises(ValidationError):
            actions.check_amount(bad, currency="USD", field="p", label="Price")


def test_entries_after_the_cut_off_are_refused_and_audited(world: Any, client_for: Any, clock: Clock) -> None:
    clock.set(NOW)
    round_ = make_round(world.capitol, members=(world.avon,), cut_off_at=NOW + dt.timedelta(hours=1))
    salt = round_.items.get(line_number=1)
    actions.do_save_entry(salt, world.avon, acting_user=world.bob, quantity="5")
    clock.set(NOW + dt.timedelta(hours=1))  # exactly at the cut-off
    with pytest.raises(ValidationError, match="cut-off"):
        actions.do_save_entry(salt, world.avon, acting_user=world.bob, quantity="50")
    response = client_for("bob").post(
        reverse("procurement:round_demand", args=[round_.pk]), {f"item{salt.pk}-quantity": "50"}
    )
    assert response.status_code == 400
    assert "cut-off" in response.content.decode()
    assert DemandEntry.objects.get(item=salt).quantity == Decimal(5)
    assert AuditEvent.objects.filter(action="procurement.entry.refused").exists()


def test_invited_only_round_refuses_uninvited_members(world: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon,), invitation_mode="invited")
    salt = round_.items.get(line_number=1)
    with pytest.raises(PermissionDenied):
        actions.do_save_entry(salt, world.bolton, acting_user=world.carol, quantity="5")
    with pytest.raises(ValidationError, match="invited members only"):
        actions.do_join_round(round_, world.bolton, acting_user=world.carol)


def test_open_round_members_join(world: Any, client_for: Any) -> None:
    round_ = make_round(world.capitol, invitation_mode="open")
    response = client_for("carol").post(reverse("procurement:round_join", args=[round_.pk]))
    assert response.status_code == 302
    assert DemandRoundMember.objects.get(round=round_, member=world.bolton).joined


def test_read_only_gets_403_and_other_consortium_404(world: Any, client_for: Any) -> None:
    round_ = make_round(world.capitol)
    assert client_for("olga").get(reverse("procurement:round_detail", args=[round_.pk])).status_code == 200
    assert client_for("olga").post(reverse("procurement:round_close", args=[round_.pk])).status_code == 403
    assert client_for("olga").post(reverse("procurement:round_demand", args=[round_.pk])).status_code == 403
    assert client_for("bob").get(reverse("procurement:round_edit", args=[round_.pk])).status_code == 403
    assert client_for("pat").get(reverse("procurement:round_detail", args=[round_.pk])).status_code == 404
    assert client_for("vince").get(reverse("procurement:round_detail", args=[round_.pk])).status_code in {
        403,
        404,
    }
    round_.refresh_from_db()
    assert round_.status == "open"


def test_member_sees_only_its_own_entries(world: Any, client_for: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon, world.bolton))
    salt = round_.items.get(line_number=1)
    make_entry(salt, world.avon, "1200", "82.50", delivery_location="AVON-YARD")
    make_entry(salt, world.bolton, "800", "90.00", delivery_location="BOLTON-YARD")
    page = client_for("bob").get(reverse("procurement:round_entries", args=[round_.pk])).content.decode()
    assert "AVON-YARD" in page and "BOLTON-YARD" not in page


def test_cutoff_reminders_are_sent_once(
    world: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any, clock: Clock
) -> None:
    clock.set(NOW)
    round_ = make_round(world.capitol, members=(world.avon,), cut_off_at=NOW + dt.timedelta(hours=30))
    assert actions.send_cutoff_reminders() == 1
    assert actions.send_cutoff_reminders() == 0
    round_.refresh_from_db()
    assert round_.reminder_sent_at is not None


def test_solicitation_from_round_copies_totals(world: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon, world.bolton))
    salt = round_.items.get(line_number=1)
    make_entry(salt, world.avon, "1200")
    make_entry(salt, world.bolton, "800")
    sol = actions.do_create_solicitation_from_round(
        round_,
        acting_user=world.alice,
        reference_number="IFB-SALT-27",
        method="ifb",
        submission_deadline=timezone.now() + dt.timedelta(days=5),
        opening_at=timezone.now() + dt.timedelta(days=5, hours=1),
    )
    items = list(sol.items.values_list("line_number", "description", "total_quantity"))
    assert items == [(1, "Road salt, bulk", Decimal("2000"))]  # brine had no demand
    assert sol.ocid == round_.ocid
    assert DemandItem.objects.get(pk=salt.pk).solicitation_items.count() == 1


def test_dashboard_card_lists_open_rounds(world: Any, client_for: Any) -> None:
    make_round(world.capitol, title="2027 road salt")
    make_round(world.capitol, title="Draft round", status="draft")
    page = client_for("bob").get(reverse("core:dashboard")).content.decode()
    assert "Joint purchasing" in page and "2027 road salt" in page and "Draft round" not in page
    assert "Joint purchasing" not in client_for("vince").get(reverse("core:dashboard")).content.decode()


def test_members_see_a_weighted_price_only_from_enough_priced_members(world: Any, settings: Any) -> None:
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = 2
    round_ = make_round(world.capitol, members=(world.avon, world.bolton))
    salt = round_.items.get(line_number=1)
    make_entry(salt, world.avon, "1200", "82.50")
    make_entry(salt, world.bolton, "800", None)  # Bolton gave no price: the average is Avon's alone
    row = demand_by_item(round_, full=False)[0]
    assert row.disclosed and row.total_quantity == Decimal(2000)
    assert row.weighted_price is None
    assert demand_by_item(round_, full=True)[0].weighted_price == Decimal("82.5000")
