"""Usage: staff entry, bad input (one test each), all-or-nothing uploads, the list and its export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from interlocal.audit.models import AuditEvent
from interlocal.services.actions import UsageRow, do_record_usage
from interlocal.services.models import UsageRecord
from tests.services.conftest import usage

pytestmark = pytest.mark.django_db

FEB = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_staff_enters_usage(world, client_for, backup):
    response = client_for("sam").post(
        reverse("services:usage_create"),
        {
            "member": world.avon.pk,
            "service": backup.pk,
            "period_start": "2026-02-01",
            "period_end": "2026-02-28",
            "quantity": "12.5",
        },
    )
    assert response.status_code == 302
    assert UsageRecord.objects.get().quantity == Decimal("12.5")
    assert AuditEvent.objects.filter(action="services.usage.recorded").exists()


def test_negative_quantity_refused(world, backup):
    with pytest.raises(ValidationError, match="negative"):
        do_record_usage(UsageRow(world.avon, backup, *FEB, Decimal(-1)), acting_user=world.alice)
    assert not UsageRecord.objects.exists()


def test_period_end_before_start_refused(world, backup):
    with pytest.raises(ValidationError, match="ends before"):
        do_record_usage(UsageRow(world.avon, backup, FEB[1], FEB[0], Decimal(1)), acting_user=world.alice)
    assert not UsageRecord.objects.exists()


def test_unsubscribed_member_refused(world, backup):
    with pytest.raises(ValidationError, match="does not subscribe"):
        do_record_usage(UsageRow(world.canton, backup, *FEB, Decimal(1)), acting_user=world.alice)
    assert not UsageRecord.objects.exists()


def test_period_before_subscription_refused(world, backup):
    with pytest.raises(ValidationError, match="does not subscribe"):
        do_record_usage(
            UsageRow(world.avon, backup, dt.date(2025, 12, 1), dt.date(2026, 1, 31), Decimal(1)),
            acting_user=world.alice,
        )


def test_negative_on_page_shows_error(world, client_for, backup):
    page = client_for("alice").post(
        reverse("services:usage_create"),
        {
            "member": world.avon.pk,
            "service": backup.pk,
            "period_start": "2026-02-01",
            "period_end": "2026-02-28",
            "quantity": "-3",
        },
    )
    assert page.status_code == 200 and "must not be negative" in page.content.decode()
    assert not UsageRecord.objects.exists()


def _csv(*lines: str) -> SimpleUploadedFile:
    body = "member,service,period_start,period_end,quantity\n" + "\n".join(lines) + "\n"
    return SimpleUploadedFile("usage.csv", body.encode(), content_type="text/csv")


def test_upload_loads_every_row(world, client_for, backup):
    response = client_for("alice").post(
        reverse("services:usage_upload"),
        {
            "file": _csv(
                "Avon,Shared backup,2026-02-01,2026-02-28,10", "Bolton,Shared backup,2026-02-01,2026-02-28,4"
            )
        },
    )
    assert response.status_code == 302
    assert UsageRecord.objects.filter(source="upload").count() == 2
    assert AuditEvent.objects.filter(action="services.usage.imported").exists()


def test_upload_is_atomic_with_cell_errors(world, client_for, backup):
    page = (
        client_for("alice")
        .post(
            reverse("services:usage_upload"),
            {
                "file": _csv(
                    "Avon,Shared backup,2026-02-01,2026-02-28,10",
                    "Bolton,Shared backup,2026-02-01,2026-02-28,4",
                    "Avon,Shared backup,2026-03-01,2026-03-31,-2",
                    "Canton,Shared backup,2026-02-01,2026-02-28,1",
                    "Avon,Shared backup,2026-03-31,2026-03-01,1",
                )
            },
        )
        .content.decode()
    )
    assert "row 4, column quantity: must not be negative" in page
    assert "row 5, column member" in page
    assert "row 6, column period_end" in page
    assert not UsageRecord.objects.exists()


def test_upload_xlsx(world, client_for, backup):
    book = Workbook()
    sheet = book.active
    sheet.append(["member", "service", "period_start", "period_end", "quantity"])
    sheet.append(["Avon", "Shared backup", dt.date(2026, 2, 1), dt.date(2026, 2, 28), 3])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("usage.xlsx", data.getvalue())
    response = client_for("alice").post(reverse("services:usage_upload"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert UsageRecord.objects.get().quantity == 3


def test_upload_read_only_403(world, client_for, backup):
    assert client_for("olga").get(reverse("services:usage_upload")).status_code == 403
    assert client_for("bob").post(reverse("services:usage_upload"), {"file": _csv()}).status_code == 403
    assert client_for("bob").get(reverse("services:usage_create")).status_code == 403


def test_usage_list_scoped_and_csv(world, client_for, backup):
    usage(backup, world.avon, "11")
    usage(backup, world.bolton, "22")
    carol = client_for("carol")
    page = carol.get(reverse("services:usage")).content.decode()
    assert "Bolton" in page and "Avon" not in page
    csv = b"".join(client_for("alice").get(reverse("services:usage"), {"format": "csv"}).streaming_content)
    assert b"Avon" in csv and b"Bolton" in csv
    filtered = client_for("alice").get(reverse("services:usage"), {"service": backup.pk}).content.decode()
    assert "Avon" in filtered
