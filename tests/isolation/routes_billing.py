"""Billing pages: runs are the council's; invoices, credit notes and the member's page are the
member's (its people and the council read them); benefits are consortium-wide.
"""

from __future__ import annotations

from typing import Any

from interlocal.billing.actions import do_credit_invoice, do_record_payout
from interlocal.billing.models import Invoice
from tests.billing.helpers import backup, issued, run
from tests.isolation.registry import COUNCIL, SCOPED, SCOPED_LIST, Route, Target

MARKER = "ISO-MARKER-BILLING"
AVON = COUNCIL | {"ada", "bob"}


def run_list(world: Any) -> Target:
    r = run(world, [backup(world, f"Backup {MARKER}")])
    return Target(objects=[r], marker=MARKER)


def nothing(world: Any) -> Target:
    return Target()


def preview(world: Any) -> Target:
    r = run(world, [backup(world, f"Backup {MARKER}")])
    return Target(kwargs={"pk": r.pk}, objects=[r], marker=MARKER)


def _invoice(world: Any) -> Invoice:
    issued(world, [backup(world, f"Backup {MARKER}")])
    return Invoice.objects.get(member=world.avon)


def invoice(world: Any) -> Target:
    inv = _invoice(world)
    return Target(kwargs={"pk": inv.pk}, objects=[inv], marker=MARKER)


def invoice_binary(world: Any) -> Target:
    inv = _invoice(world)
    return Target(kwargs={"pk": inv.pk}, objects=[inv])


def invoice_list(world: Any) -> Target:
    inv = _invoice(world)
    Invoice.objects.filter(pk=inv.pk)
    return Target(objects=[inv], marker=inv.number)


def credit_note(world: Any) -> Target:
    inv = _invoice(world)
    note = do_credit_invoice(inv, reason=f"Correction {MARKER}", acting_user=world.alice)
    return Target(kwargs={"pk": note.pk}, objects=[note, inv], marker=MARKER)


def avon_page(world: Any) -> Target:
    backup(world, f"Backup {MARKER}")
    return Target(kwargs={"member_pk": world.avon.pk}, objects=[world.avon], marker=MARKER)


def payouts(world: Any) -> Target:
    svc = backup(world, "Backup")
    payout = do_record_payout(
        world.capitol,
        member=world.avon,
        service=svc,
        year=2026,
        amount=10,
        reason=MARKER,
        acting_user=world.alice,
    )
    return Target(objects=[payout], marker=MARKER)


ROUTES = [
    Route("billing:home", SCOPED_LIST, allowed=COUNCIL, build=run_list),
    Route("billing:run_new", SCOPED, allowed=COUNCIL | {"pat"}, build=nothing, methods=("GET", "POST")),
    Route("billing:run_detail", SCOPED, allowed=COUNCIL, build=preview),
    Route("billing:run_progress", SCOPED, allowed=COUNCIL, build=preview),
    Route("billing:run_issue", SCOPED, allowed=COUNCIL, build=preview, methods=("POST",)),
    Route("billing:invoices", SCOPED_LIST, allowed=AVON, build=invoice_list),
    Route("billing:invoice_detail", SCOPED, allowed=AVON, build=invoice),
    Route("billing:invoice_pdf", SCOPED, allowed=AVON, build=invoice_binary),
    Route("billing:invoice_csv", SCOPED, allowed=AVON, build=invoice),
    Route(
        "billing:invoice_pay",
        SCOPED,
        allowed=COUNCIL,
        build=invoice,
        methods=("POST",),
        payload={"amount": "1.00", "paid_on": "2026-05-01"},
    ),
    Route(
        "billing:invoice_credit",
        SCOPED,
        allowed=COUNCIL,
        build=invoice,
        methods=("POST",),
        payload={"reason": "x"},
    ),
    Route("billing:credit_note_detail", SCOPED, allowed=AVON, build=credit_note),
    Route("billing:benefits", SCOPED_LIST, allowed=AVON, build=payouts),
    Route("billing:member", SCOPED, allowed=AVON, build=avon_page),
]


def invoice_api(world: Any) -> Target:
    inv = _invoice(world)
    return Target(kwargs={"invoice_id": inv.pk}, objects=[inv], marker=MARKER)


def invoice_api_list(world: Any) -> Target:
    inv = _invoice(world)
    return Target(objects=[inv], marker=inv.number)


def credit_note_api(world: Any) -> Target:
    inv = _invoice(world)
    note = do_credit_invoice(inv, reason=f"Correction {MARKER}", acting_user=world.alice)
    return Target(kwargs={"credit_note_id": note.pk}, objects=[note], marker=MARKER)


def credit_note_api_list(world: Any) -> Target:
    inv = _invoice(world)
    note = do_credit_invoice(inv, reason=f"Correction {MARKER}", acting_user=world.alice)
    return Target(objects=[note], marker=MARKER)


ROUTES += [
    Route("GET /api/v1/billing/invoices", SCOPED_LIST, allowed=AVON, build=invoice_api_list),
    Route("GET /api/v1/billing/invoices/{invoice_id}", SCOPED, allowed=AVON, build=invoice_api),
    Route("GET /api/v1/billing/credit-notes", SCOPED_LIST, allowed=AVON, build=credit_note_api_list),
    Route("GET /api/v1/billing/credit-notes/{credit_note_id}", SCOPED, allowed=AVON, build=credit_note_api),
]
