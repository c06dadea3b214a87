"""Consortium staff suspend and reinstate vendors: reason required, audited, the vendor's people
told by e-mail; a suspended vendor cannot bid."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.procurement.actions import do_reinstate_vendor, do_submit_bid, do_suspend_vendor
from interlocal.procurement.models import Bid, Vendor
from tests.procurement.factories import make_joint_purchase, make_vendor


@pytest.fixture
def acme(world: Any, clock: Any) -> Vendor:
    return make_vendor("Acme Salt Co", world.vince, world.capitol)


def test_staff_suspend_with_a_reason_and_reinstate(
    acme: Vendor, world: Any, client_for: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sam = client_for("sam")
    url = reverse("procurement:vendor_status", args=[acme.pk])
    listing = sam.get(reverse("procurement:vendors"), {"status": "active", "q": "Acme"})
    assert url in listing.content.decode()
    assert sam.get(url).status_code == 200

    refused = sam.post(url, {"action": "suspend", "reason": "  "})
    assert refused.status_code == 400 and "Give the reason" in refused.content.decode()
    acme.refresh_from_db()
    assert acme.status == Vendor.Status.ACTIVE

    with django_capture_on_commit_callbacks(execute=True):
        answer = sam.post(url, {"action": "suspend", "reason": "Bid bond forfeited"})
    assert answer.status_code == 302
    acme.refresh_from_db()
    assert acme.status == Vendor.Status.SUSPENDED
    event = AuditEvent.objects.get(action="procurement.vendor.suspended")
    assert event.after == {"status": "suspended", "reason": "Bid bond forfeited"}
    assert event.before == {"status": "active"}
    mail = mailoutbox[-1]
    assert set(mail.to) == {"vince@vendor.example", acme.email} and "Bid bond forfeited" in mail.body
    assert (
        "suspended"
        in sam.get(reverse("procurement:vendors"), {"status": "suspended"}).content.decode().lower()
    )

    with django_capture_on_commit_callbacks(execute=True):
        sam.post(url, {"action": "reinstate", "reason": "Bond paid"})
    acme.refresh_from_db()
    assert acme.status == Vendor.Status.ACTIVE
    assert AuditEvent.objects.filter(action="procurement.vendor.reinstated").count() == 1
    assert "lifted the suspension" in mailoutbox[-1].body


def test_reinstating_an_unverified_vendor_makes_it_pending_again(acme: Vendor, world: Any) -> None:
    Vendor.objects.filter(pk=acme.pk).update(email_verified_at=None)
    acme.refresh_from_db()
    do_suspend_vendor(acme, reason="Check", acting_user=world.sam)
    assert do_reinstate_vendor(acme, acting_user=world.sam).status == Vendor.Status.PENDING
    with pytest.raises(ValidationError):
        do_reinstate_vendor(acme, acting_user=world.sam)  # not suspended


def test_a_suspended_vendor_cannot_bid(acme: Vendor, world: Any, client_for: Any) -> None:
    jp = make_joint_purchase(world)
    do_suspend_vendor(acme, reason="Fraud inquiry", acting_user=world.alice)
    with pytest.raises(PermissionDenied):
        do_submit_bid(
            jp.solicitation,
            acting_user=world.vince,
            idempotency_key="k",
            prices={jp.items[0].pk: "1.00"},
        )
    assert not Bid.objects.exists()
    refusal = AuditEvent.objects.filter(action="procurement.bid.submit_refused").get()
    assert refusal.after["reason"] == "not_a_vendor"
    page = client_for("vince").get(reverse("procurement:bid_submit", args=[jp.solicitation.pk]))
    assert page.status_code == 403
    with pytest.raises(ValidationError):
        do_suspend_vendor(acme, reason="Twice", acting_user=world.alice)


def test_only_the_council_of_a_registered_consortium_may_suspend(
    acme: Vendor, world: Any, client_for: Any
) -> None:
    url = reverse("procurement:vendor_status", args=[acme.pk])
    for name in ("bob", "olga", "pat", "vince"):
        answer = client_for(name).post(url, {"action": "suspend", "reason": "outsider"})
        assert answer.status_code in (403, 404), name
    acme.refresh_from_db()
    assert acme.status == Vendor.Status.ACTIVE
    assert AuditEvent.objects.filter(action="access.denied").exists()
