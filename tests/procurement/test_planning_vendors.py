"""Vendors: self-registration with a verified e-mail, colleagues, profile, dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from interlocal.accounts.models import User
from interlocal.procurement import actions
from interlocal.procurement.models import Vendor, VendorUser
from interlocal.tenancy.models import Membership
from tests.factories import enrol_totp
from tests.procurement.factories import make_solicitation, make_vendor

pytestmark = pytest.mark.django_db

STRONG = "Correct-horse-battery-42"


def _register(client: Any, world: Any, **over: Any) -> Any:
    data = {
        "consortium": world.capitol.pk,
        "name": "Charter Oak Energy",
        "legal_id": "EIN-06-7654321",
        "country": "US",
        "email": "bids@charteroak.example",
        "person_name": "Chris Oak",
        "person_email": "chris@charteroak.example",
        "password": STRONG,
    }
    data.update(over)
    return client.post(reverse("procurement:vendor_register"), data)


def test_registration_verification_and_vendor_role(world: Any, client_for: Any) -> None:
    anon = client_for(None)
    response = _register(anon, world)
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    vendor = Vendor.objects.get(name="Charter Oak Energy")
    person = User.objects.get(email="chris@charteroak.example")
    assert vendor.status == "pending" and not person.is_active
    assert not Membership.objects.filter(user=person).exists()
    link = re.search(r"https?://\S+/vendors/verify/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert anon.get("/" + path).status_code == 200  # a mail scanner's GET changes nothing
    vendor.refresh_from_db()
    assert vendor.status == "pending"
    response = anon.post("/" + path)
    assert response.status_code == 302
    vendor.refresh_from_db()
    person.refresh_from_db()
    assert vendor.status == "active" and vendor.email_verified_at is not None and person.is_active
    assert Membership.objects.filter(
        user=person, consortium=world.capitol, role="vendor", member=None
    ).exists()
    assert VendorUser.objects.get(vendor=vendor, user=person).role == "admin"


def test_registration_bad_input_changes_nothing(world: Any, client_for: Any) -> None:
    anon = client_for(None)
    response = _register(anon, world, password="short")
    assert response.status_code == 200 and "usa-error-message" in response.content.decode()
    response = _register(anon, world, country="USA")
    assert "usa-error-message" in response.content.decode()
    assert not Vendor.objects.exists() and not User.objects.filter(email="chris@charteroak.example").exists()


def test_registration_does_not_reveal_existing_accounts(world: Any, client_for: Any) -> None:
    response = _register(client_for(None), world, person_email=world.bob.email)
    assert "Check your e-mail" in response.content.decode()
    assert not Vendor.objects.exists()
    assert mail.outbox[-1].to == [world.bob.email]


def test_duplicate_registration_number_is_refused(world: Any, client_for: Any) -> None:
    make_vendor("Charter Oak Energy", legal_id="EIN-06-7654321")
    response = _register(client_for(None), world)
    assert "already registered" in response.content.decode()
    assert not User.objects.filter(email="chris@charteroak.example").exists()


def test_bad_or_expired_links(world: Any, client_for: Any) -> None:
    response = client_for(None).post(reverse("procurement:vendor_verify", args=["not-a-token"]))
    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_vendor_admin_invites_a_colleague(world: Any, client_for: Any) -> None:
    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    response = client_for("vince").post(
        reverse("procurement:vendor_users"),
        {"email": "dana@varga.example", "full_name": "Dana", "role": "user"},
    )
    assert response.status_code == 302
    link = re.search(r"/procurement/vendors/accept/\S+/", mail.outbox[-1].body).group(0)
    anon = client_for(None)
    assert anon.post(link, {"password": STRONG}).status_code == 302
    dana = User.objects.get(email="dana@varga.example")
    assert dana.is_active and dana.check_password(STRONG)
    assert Membership.objects.filter(user=dana, consortium=world.capitol, role="vendor").exists()
    # The link works once.
    assert "not valid" in anon.post(link, {"password": STRONG}).content.decode()
    # A vendor user (not admin) may not invite or edit the profile.
    enrol_totp(dana)  # vendors sign in with a second factor
    dana_client = client_for(None)
    dana_client.force_login(dana)
    assert (
        dana_client.post(reverse("procurement:vendor_users"), {"email": "x@varga.example"}).status_code == 403
    )
    assert dana_client.post(reverse("procurement:vendor_profile"), {"name": "Renamed"}).status_code == 403
    vendor.refresh_from_db()
    assert vendor.name == "Varga Supply"


def test_council_people_cannot_be_invited_as_vendors(world: Any) -> None:
    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    with pytest.raises(Exception, match="holds a role"):
        actions.do_invite_vendor_user(vendor, acting_user=world.vince, email=world.sam.email)


def test_vendor_dashboard_lists_open_solicitations_and_pending_addenda(world: Any, client_for: Any) -> None:
    make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    sol = make_solicitation(world.capitol, title="Laptops 2027")
    sol.addenda.create(number=1, title="Dates", body="Moved")
    make_solicitation(world.capitol, reference_number="D-1", title="Hidden draft", status="draft")
    page = client_for("vince").get(reverse("procurement:vendor_dashboard")).content.decode()
    assert "Laptops 2027" in page and "Hidden draft" not in page
    # Consortium people do not use the vendor pages; vendors do not use the consortium's.
    assert client_for("bob").get(reverse("procurement:vendor_dashboard")).status_code == 403
    assert client_for("vince").get(reverse("procurement:rounds")).status_code == 403
    assert (
        client_for("vince").get(reverse("procurement:solicitation_detail", args=[sol.pk])).status_code == 403
    )


def test_vendor_profile_edit(world: Any, client_for: Any) -> None:
    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    response = client_for("vince").post(
        reverse("procurement:vendor_profile"),
        {
            "name": "Varga Technology Supply",
            "country": "US",
            "email": "bids@varga.example",
            "address": "Hartford",
        },
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.name == "Varga Technology Supply"


def test_council_sees_registered_vendors(world: Any, client_for: Any) -> None:
    make_vendor("Acme Supply", consortium=world.capitol)
    make_vendor("Prairie Only", legal_id="EIN-P", consortium=world.prairies)
    page = client_for("alice").get(reverse("procurement:vendors")).content.decode()
    assert "Acme Supply" in page and "Prairie Only" not in page
    assert client_for("bob").get(reverse("procurement:vendors")).status_code == 403
