"""Each consortium's time zone: its admins change it (audited), nobody else; the migration gives the
demo regions their zones; deadlines typed into forms are times on the consortium's clocks."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.procurement.actions.settings import addendum_notice_end
from interlocal.procurement.models import DemandRound, Solicitation
from interlocal.tenancy.actions import do_create_consortium, do_update_consortium_settings
from interlocal.tenancy.models import Consortium

pytestmark = pytest.mark.django_db


def test_the_admin_changes_the_zone_from_the_overview_page(world: Any, client_for: Any) -> None:
    alice = client_for("alice")
    overview = alice.get(reverse("tenancy:consortium")).content.decode()
    assert "America/New_York" in overview and reverse("tenancy:consortium_settings") in overview
    page = alice.get(reverse("tenancy:consortium_settings"))
    assert page.status_code == 200 and 'value="America/Chicago"' in page.content.decode()
    response = alice.post(reverse("tenancy:consortium_settings"), {"time_zone": "America/Chicago"})
    assert response.status_code == 302
    world.capitol.refresh_from_db()
    assert world.capitol.time_zone == "America/Chicago"
    event = AuditEvent.objects.get(action="tenancy.consortium.settings_updated")
    assert event.before == {"time_zone": "America/New_York"} and event.after == {
        "time_zone": "America/Chicago"
    }
    assert event.consortium_id == world.capitol.pk


def test_an_unknown_zone_is_refused_and_changes_nothing(world: Any, client_for: Any) -> None:
    response = client_for("alice").post(reverse("tenancy:consortium_settings"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    world.capitol.refresh_from_db()
    assert world.capitol.time_zone == "America/New_York"
    assert not AuditEvent.objects.filter(action="tenancy.consortium.settings_updated").exists()
    with pytest.raises(ValidationError):
        do_update_consortium_settings(world.capitol, acting_user=world.alice, time_zone="Mars/Olympus")


@pytest.mark.parametrize("name", ["sam", "bob", "olga", "vince"])
def test_only_admins_see_or_change_the_settings(world: Any, client_for: Any, name: str) -> None:
    client = client_for(name)
    assert client.get(reverse("tenancy:consortium_settings")).status_code == 403
    assert client.post(reverse("tenancy:consortium_settings"), {"time_zone": "UTC"}).status_code == 403
    world.capitol.refresh_from_db()
    assert world.capitol.time_zone == "America/New_York"
    with pytest.raises(PermissionDenied):
        do_update_consortium_settings(world.capitol, acting_user=getattr(world, name), time_zone="UTC")


def test_a_new_consortium_gets_the_zone_of_its_province() -> None:
    alberta = do_create_consortium(name="Foothills", acting_user=None, region="AB", country="CA")
    assert alberta.time_zone == "America/Edmonton"
    elsewhere = do_create_consortium(name="Somewhere", acting_user=None, region="", country="FR")
    assert elsewhere.time_zone == "America/New_York"  # the installation's (INTERLOCAL_TIME_ZONE)


def test_the_migration_gives_existing_consortia_the_zone_of_their_region() -> None:
    migration = importlib.import_module("interlocal.tenancy.migrations.0003_time_zone")
    ab = Consortium.objects.create(name="Old Alberta", slug="old-ab", region="AB", country="CA")
    ct = Consortium.objects.create(name="Old CT", slug="old-ct", region="CT", country="US")
    Consortium.objects.filter(pk__in=[ab.pk, ct.pk]).update(time_zone="America/New_York")
    migration.zones_from_regions(global_apps, None)
    assert Consortium.objects.get(pk=ab.pk).time_zone == "America/Edmonton"
    assert Consortium.objects.get(pk=ct.pk).time_zone == "America/New_York"


def _solicitation_form(deadline: str, opening: str) -> dict[str, str]:
    return {
        "reference_number": "RFP-AB-1",
        "title": "Road salt",
        "category": "goods",
        "method": "ifb",
        "award_basis": "lowest_price",
        "submission_deadline": deadline,
        "opening_at": opening,
        "currency": "CAD",
    }


def test_an_alberta_deadline_typed_as_1700_is_1700_in_alberta(
    world: Any, client_for: Any, clock: Any
) -> None:
    """Pat's browser or the server may be anywhere: 17:00 means 17:00 America/Edmonton (MST, UTC-7)."""
    clock.set(dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC))
    pat = client_for("pat")
    form = pat.get(reverse("procurement:solicitation_create")).content.decode()
    assert "Time in America/Edmonton." in form
    response = pat.post(
        reverse("procurement:solicitation_create"), _solicitation_form("2026-12-15T17:00", "2026-12-16T10:00")
    )
    assert response.status_code == 302
    sol = Solicitation.objects.get(reference_number="RFP-AB-1")
    assert sol.submission_deadline == dt.datetime(2026, 12, 16, 0, 0, tzinfo=dt.UTC)
    assert sol.opening_at == dt.datetime(2026, 12, 16, 17, 0, tzinfo=dt.UTC)
    # The edit form shows the same wall-clock time back, and the page writes it with its zone.
    edit = pat.get(reverse("procurement:solicitation_edit", args=[sol.pk])).content.decode()
    assert 'value="2026-12-15T17:00"' in edit
    detail = pat.get(reverse("procurement:solicitation_detail", args=[sol.pk])).content.decode()
    assert "Tue 15 Dec 2026, 5:00 PM MST" in detail and "(America/Edmonton)" in detail


def test_summer_deadlines_are_read_in_daylight_time(world: Any, client_for: Any, clock: Any) -> None:
    clock.set(dt.datetime(2026, 5, 2, 15, 0, tzinfo=dt.UTC))
    response = client_for("pat").post(
        reverse("procurement:round_create"),
        {"title": "Salt 2026", "category": "goods", "cut_off_at": "2026-07-15T17:00", "currency": "CAD",
         "invitation_mode": "invited"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DemandRound.objects.get(title="Salt 2026").cut_off_at == dt.datetime(
        2026, 7, 15, 23, 0, tzinfo=dt.UTC
    )


def test_a_campaign_deadline_is_on_the_consortiums_clocks(world: Any) -> None:
    from interlocal.assessment.forms import CampaignEditForm

    form = CampaignEditForm(
        {"name": "Needs", "description": "", "deadline_date": "2026-12-15", "deadline_time": "17:00",
         "reminder_days": "", "priority_threshold": "3", "readiness_threshold": "3"},
        time_zone="America/Edmonton",
    )  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == dt.datetime(2026, 12, 16, 0, 0, tzinfo=dt.UTC)


def test_addendum_notice_counts_working_days_on_the_consortiums_calendar(world: Any) -> None:
    # Friday 11 Dec 2026, 10:00 PM in Alberta is already Saturday 05:00 UTC and Saturday in Europe.
    friday_night = dt.datetime(2026, 12, 12, 5, 0, tzinfo=dt.UTC)
    end = addendum_notice_end(world.prairies.pk, friday_night, "America/Edmonton")
    # Five working days (the default) from that Friday: Mon–Fri of the next week, same wall time.
    assert end == dt.datetime(2026, 12, 19, 5, 0, tzinfo=dt.UTC)  # Fri 18 Dec, 10:00 PM MST
    # Counted on UTC's calendar the same moment falls on a Saturday: a day less notice in Alberta.
    assert addendum_notice_end(world.prairies.pk, friday_night, "UTC") == dt.datetime(
        2026, 12, 18, 5, 0, tzinfo=dt.UTC
    )


def test_a_person_chooses_their_own_zone_on_their_account_page(world: Any, client_for: Any) -> None:
    bob = client_for("bob")
    page = bob.get(reverse("accounts:profile")).content.decode()
    assert 'name="time_zone"' in page and "The consortium" in page
    response = bob.post(
        reverse("accounts:profile"),
        {"full_name": "Bob Avon", "job_title": "", "phone": "", "time_zone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.time_zone == "Asia/Tokyo"
    event = AuditEvent.objects.filter(action="accounts.profile.updated").latest("seq")
    assert event.after["time_zone"] == "Asia/Tokyo"
    refused = bob.post(
        reverse("accounts:profile"),
        {"full_name": "Bob Avon", "job_title": "", "phone": "", "time_zone": "Nowhere"},
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    world.bob.refresh_from_db()
    assert world.bob.time_zone == "Asia/Tokyo"
    # Empty again: only the consortium's zone is shown.
    bob.post(
        reverse("accounts:profile"), {"full_name": "Bob Avon", "job_title": "", "phone": "", "time_zone": ""}
    )
    world.bob.refresh_from_db()
    assert world.bob.time_zone == ""
