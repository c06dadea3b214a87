"""Billing pages: happy paths, read-only 403, other member 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interlocal.billing.models import BillingRun, Invoice, RunStatus
from tests.billing.helpers import Q1, backup, issued

pytestmark = pytest.mark.django_db


def test_run_preview_and_issue(world, client_for):
    svc = backup(world)
    alice = client_for("alice")
    assert alice.get(reverse("billing:home")).status_code == 200
    assert alice.get(reverse("billing:run_new")).status_code == 200
    response = alice.post(
        reverse("billing:run_new"),
        {"start": Q1[0], "end": Q1[1], "services": [svc.pk], "due_days": 30},
    )
    run = BillingRun.objects.get()
    assert response.status_code == 302
    page = alice.get(reverse("billing:run_detail", args=[run.pk]))
    assert b"Avon" in page.content and b"population" in page.content
    alice.post(reverse("billing:run_issue", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.ISSUED
    assert Invoice.objects.count() == 3
    # A repeated run: a clear error, nothing created.
    again = alice.post(
        reverse("billing:run_new"), {"start": Q1[0], "end": Q1[1], "services": [svc.pk], "due_days": 30}
    )
    assert again.status_code == 400 and b"already invoiced" in again.content
    assert BillingRun.objects.count() == 1


def test_read_only_and_members_refused_runs(world, client_for):
    svc = backup(world)
    data = {"start": Q1[0], "end": Q1[1], "services": [svc.pk], "due_days": 30}
    assert client_for("olga").post(reverse("billing:run_new"), data).status_code == 403
    assert client_for("bob").post(reverse("billing:run_new"), data).status_code == 403
    assert not BillingRun.objects.exists()


def test_member_sees_own_invoice_not_others(world, client_for):
    issued(world, [backup(world)])
    avon = Invoice.objects.get(member=world.avon)
    bolton = Invoice.objects.get(member=world.bolton)
    bob = client_for("bob")
    for name in ("billing:invoice_detail", "billing:invoice_pdf", "billing:invoice_csv"):
        assert bob.get(reverse(name, args=[avon.pk])).status_code == 200
        assert bob.get(reverse(name, args=[bolton.pk])).status_code == 404
    listing = bob.get(reverse("billing:invoices"))
    assert avon.number.encode() in listing.content and bolton.number.encode() not in listing.content
    assert bob.get(reverse("billing:member", args=[world.avon.pk])).status_code == 200
    assert bob.get(reverse("billing:member", args=[world.bolton.pk])).status_code == 404


def test_payment_and_credit_pages(world, client_for):
    issued(world, [backup(world)])
    invoice = Invoice.objects.get(member=world.avon)
    assert (
        client_for("bob")
        .post(reverse("billing:invoice_pay", args=[invoice.pk]), {"amount": "1.00", "paid_on": "2026-05-01"})
        .status_code
        == 403
    )
    alice = client_for("alice")
    alice.post(
        reverse("billing:invoice_pay", args=[invoice.pk]),
        {"amount": str(invoice.total), "paid_on": "2026-05-01"},
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    line = invoice.lines.get()
    response = alice.post(
        reverse("billing:invoice_credit", args=[invoice.pk]), {"reason": "Error", f"line_{line.pk}": "10.00"}
    )
    assert response.status_code == 302
    assert alice.get(response["Location"]).status_code == 200
    receivables = alice.get(reverse("billing:invoices"), {"format": "csv"})
    assert receivables.status_code == 200 and invoice.number.encode() in b"".join(
        receivables.streaming_content
    )


def test_benefits_page(world, client_for):
    svc = backup(world)
    alice = client_for("alice")
    alice.post(
        reverse("billing:benefits"),
        {"kind": "benefit", "service": svc.pk, "year": 2026, "projected": "1000", "realised": "800"},
    )
    alice.post(
        reverse("billing:benefits"),
        {
            "kind": "payout",
            "member": world.avon.pk,
            "service": svc.pk,
            "year": 2026,
            "amount": "50",
            "reason": "Surplus",
        },
    )
    page = alice.get(reverse("billing:benefits"))
    assert b"800" in page.content and b"Surplus" in page.content
    assert alice.get(reverse("billing:benefits"), {"format": "csv"}).status_code == 200
    assert client_for("bob").post(reverse("billing:benefits"), {"kind": "payout"}).status_code == 403


def test_member_page_shows_its_agreements_next_deadlines(world, client_for):
    from tests.agreements.helpers import in_force

    agreement = in_force(world)  # effective 2027-01-01 for 12 months, 90 days' notice
    page = client_for("bob").get(reverse("billing:member", args=[world.avon.pk])).content.decode()
    assert agreement.title in page
    assert "2027-10-03: last day to give notice" in page
    assert "2028-01-01: renewal" in page


def test_invoice_list_filters_pages_and_ageing(world, client_for, monkeypatch):
    from interlocal.billing import views

    issued(world, [backup(world)])
    avon = Invoice.objects.get(member=world.avon)
    Invoice.objects.filter(pk=avon.pk).update(status="paid", paid=avon.total)
    alice = client_for("alice")
    url = reverse("billing:invoices")
    paid = alice.get(url, {"status": "paid"})
    assert avon.number.encode() in paid.content
    assert Invoice.objects.get(member=world.bolton).number.encode() not in paid.content
    by_member = alice.get(url, {"member": world.bolton.pk})
    assert Invoice.objects.get(member=world.bolton).number.encode() in by_member.content
    assert avon.number.encode() not in by_member.content
    # Open invoices (not yet due) are owed in the "current" bucket; the paid one is not.
    page = alice.get(url)
    owed = sum(i.balance for i in Invoice.objects.exclude(pk=avon.pk))
    assert f"current: {owed}".encode() in page.content
    # Pages keep the filters.
    monkeypatch.setattr(views.InvoiceTable, "per_page", 1)
    first = alice.get(url, {"status": "open"})
    assert b"page=2" in first.content and b"status=open" in first.content
    second = alice.get(url, {"status": "open", "page": 2})
    assert second.status_code == 200 and avon.number.encode() not in second.content
