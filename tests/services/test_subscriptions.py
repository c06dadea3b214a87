"""Subscriptions: create (agreement rules, no overlap), dated changes, state on a day, scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from interlocal.agreements.models import Agreement, AgreementParty
from interlocal.audit.models import AuditEvent
from interlocal.services.actions import do_change_subscription, do_create_subscription
from interlocal.services.models import Subscription
from interlocal.services.queries import subscription_state_on
from tests.services.conftest import START, make_service, subscribe

pytestmark = pytest.mark.django_db


def _agreement(world, status="in_force", withdrawn=None):
    agreement = Agreement.objects.create(consortium=world.capitol, title="Backup ILA", status=status)
    AgreementParty.objects.create(agreement=agreement, member=world.canton, withdrawn_on=withdrawn)
    return agreement


def test_council_creates_subscription_page(world, client_for, backup):
    response = client_for("alice").post(
        reverse("services:subscription_create", args=[backup.pk]),
        {"member": world.canton.pk, "start": "2026-03-01", "units": "7", "options_text": '{"tier": "gold"}'},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sub = Subscription.objects.get(member=world.canton)
    assert sub.options == {"tier": "gold"}
    assert AuditEvent.objects.filter(action="services.subscription.created").exists()


def test_overlap_refused(world, backup):
    with pytest.raises(ValidationError, match="may not overlap"):
        do_create_subscription(backup, world.avon, start=dt.date(2027, 1, 1), acting_user=world.alice)
    assert Subscription.objects.filter(member=world.avon).count() == 1


def test_overlap_refused_on_page(world, client_for, backup):
    page = client_for("alice").post(
        reverse("services:subscription_create", args=[backup.pk]),
        {"member": world.avon.pk, "start": "2026-06-01", "units": "1"},
    )
    assert page.status_code == 200 and "may not overlap" in page.content.decode()


def test_consecutive_subscriptions_allowed(world):
    service = make_service(world.capitol)
    subscribe(service, world.avon, end=dt.date(2026, 6, 30))
    do_create_subscription(service, world.avon, start=dt.date(2026, 7, 1), acting_user=world.alice)
    assert Subscription.objects.filter(member=world.avon).count() == 2


def test_agreement_must_be_in_force(world, backup):
    with pytest.raises(ValidationError, match="not in force"):
        do_create_subscription(
            backup,
            world.canton,
            start=START,
            acting_user=world.alice,
            agreement=_agreement(world, "circulated"),
        )


def test_member_must_be_a_party(world, backup):
    agreement = _agreement(world)
    with pytest.raises(ValidationError, match="not a party"):
        do_create_subscription(
            make_service(world.capitol, "Other"),
            world.bolton,
            start=START,
            acting_user=world.alice,
            agreement=agreement,
        )


def test_withdrawn_party_refused(world, backup):
    agreement = _agreement(world, withdrawn=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="withdrawn"):
        do_create_subscription(
            backup, world.canton, start=START, acting_user=world.alice, agreement=agreement
        )


def test_agreement_in_force_accepted(world, backup):
    sub = do_create_subscription(
        backup, world.canton, start=START, acting_user=world.alice, agreement=_agreement(world)
    )
    assert sub.agreement is not None


def test_member_staff_may_not_create(world, backup):
    with pytest.raises(PermissionDenied):
        do_create_subscription(backup, world.canton, start=START, acting_user=world.bob)


def test_dated_changes_and_state_on(world, backup):
    sub = Subscription.objects.get(member=world.avon)
    do_change_subscription(sub, effective=dt.date(2026, 4, 1), units=Decimal(20), acting_user=world.alice)
    do_change_subscription(
        sub,
        effective=dt.date(2026, 7, 1),
        units=Decimal(5),
        end=dt.date(2026, 12, 31),
        acting_user=world.alice,
    )
    assert subscription_state_on(sub, dt.date(2026, 3, 31)).units == 10
    assert subscription_state_on(sub, dt.date(2026, 4, 1)).units == 20
    assert subscription_state_on(sub, dt.date(2026, 8, 1)).units == 5
    assert not subscription_state_on(sub, dt.date(2027, 1, 1)).active
    assert AuditEvent.objects.filter(action="services.subscription.changed").count() == 2


def test_change_page_and_history(world, client_for, backup):
    sub = Subscription.objects.get(member=world.avon)
    response = client_for("alice").post(
        reverse("services:subscription_change", args=[sub.pk]),
        {"effective": "2026-05-01", "units": "42", "note": "Police joined"},
    )
    assert response.status_code == 302
    page = client_for("bob").get(reverse("services:subscription_detail", args=[sub.pk])).content.decode()
    assert "Police joined" in page


def test_change_read_only_403(world, client_for, backup):
    sub = Subscription.objects.get(member=world.avon)
    assert client_for("ada").get(reverse("services:subscription_change", args=[sub.pk])).status_code == 403
    assert (
        client_for("olga").get(reverse("services:subscription_create", args=[backup.pk])).status_code == 403
    )


def test_other_member_404(world, client_for, backup):
    avon_sub = Subscription.objects.get(member=world.avon)
    carol = client_for("carol")
    assert carol.get(reverse("services:subscription_detail", args=[avon_sub.pk])).status_code == 404
    assert carol.get(reverse("services:member_subscriptions", args=[world.avon.pk])).status_code == 404


def test_member_sees_own_subscriptions_only(world, client_for, backup):
    page = (
        client_for("carol").get(reverse("services:service_subscriptions", args=[backup.pk])).content.decode()
    )
    assert "Bolton" in page and "Avon" not in page
    page = client_for("alice").get(reverse("services:subscriptions")).content.decode()
    assert "Bolton" in page and "Avon" in page
    page = (
        client_for("bob").get(reverse("services:member_subscriptions", args=[world.avon.pk])).content.decode()
    )
    assert "Shared backup" in page
