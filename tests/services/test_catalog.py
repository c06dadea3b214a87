"""Catalog pages: list, detail with the members' view, create and edit; public catalog."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.services.models import Service, ServiceLevel
from tests.services.conftest import make_service

pytestmark = pytest.mark.django_db


def test_list_search_filter_and_csv(world, client_for, backup):
    make_service(world.capitol, "Help desk", status="proposed")
    bob = client_for("bob")
    page = bob.get(reverse("services:services")).content.decode()
    assert "Shared backup" in page and "Help desk" in page
    filtered = bob.get(reverse("services:services"), {"status": "proposed"}).content.decode()
    assert "Help desk" in filtered and "Shared backup" not in filtered
    assert "Help desk" not in bob.get(reverse("services:services"), {"q": "backup"}).content.decode()
    csv = bob.get(reverse("services:services"), {"format": "csv"})
    assert csv.status_code == 200 and b"Shared backup" in b"".join(csv.streaming_content)


def test_detail_shows_levels_and_participants(world, client_for, backup):
    alice = client_for("alice")
    page = alice.get(reverse("services:service_detail", args=[backup.pk])).content.decode()
    assert "480" in page and "Avon" in page and "Bolton" in page
    # Bob (Avon) sees Avon participate, not Bolton's subscription.
    page = client_for("bob").get(reverse("services:service_detail", args=[backup.pk])).content.decode()
    assert "Avon" in page


def test_council_creates_service_with_levels(world, client_for):
    response = client_for("alice").post(
        reverse("services:service_create"),
        {
            "name": "GIS portal",
            "status": "piloting",
            "unit": "seats",
            "pricing_rule": "unit_price",
            "pricing_params_text": '{"unit_price": "12.50"}',
            "support_hours_text": "mon 08:00-17:00\ntue 08:00-17:00",
            "level_critical_response": "30",
            "level_critical_resolution": "240",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(name="GIS portal")
    assert service.pricing_params == {"unit_price": "12.50"}
    assert service.support_hours["mon"] == [["08:00", "17:00"]]
    assert ServiceLevel.objects.get(service=service, priority="critical").resolution_minutes == 240
    assert AuditEvent.objects.filter(action="services.service.created").exists()


def test_council_edits_service(world, client_for, backup):
    response = client_for("sam").post(
        reverse("services:service_edit", args=[backup.pk]),
        {"name": "Shared backup", "status": "retiring", "unit": "gb", "pricing_rule": "equal"},
    )
    assert response.status_code == 302
    backup.refresh_from_db()
    assert backup.status == "retiring"
    assert AuditEvent.objects.filter(action="services.service.updated").exists()


def test_read_only_gets_403(world, client_for, backup):
    olga = client_for("olga")
    assert olga.get(reverse("services:service_create")).status_code == 403
    assert olga.get(reverse("services:service_edit", args=[backup.pk])).status_code in (403, 404)
    assert client_for("bob").get(reverse("services:service_create")).status_code == 403


def test_other_consortium_gets_404(world, client_for, backup):
    assert client_for("pat").get(reverse("services:service_detail", args=[backup.pk])).status_code == 404


def test_public_catalog_and_front_door(world, client, backup):
    make_service(world.capitol, "Secret plan", status="proposed")
    page = client.get(reverse("services:public_catalog", args=[world.capitol.slug])).content.decode()
    assert "Shared backup" in page and "Secret plan" not in page
    assert "Avon" not in page  # no member-private data
    front = client.get("/public/").content.decode()
    assert "Shared backup" in front
    assert reverse("services:public_catalog", args=[world.capitol.slug]) in front


def test_nav_and_dashboard_card(world, client_for, backup):
    page = client_for("bob").get("/", follow=True).content.decode()
    assert reverse("services:services") in page
    assert "The service catalog" in page  # the dashboard card
