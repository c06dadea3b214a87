"""Query budgets for billing pages and API lists (tests/test_query_budgets.py runs them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interlocal.billing.actions import do_create_run, do_issue_run
from interlocal.billing.models import BillingRun
from interlocal.services.models import Service, Subscription
from tests.costing.factories import add_town
from tests.test_query_budgets import Budget

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def _invoices(world: Any, start: int, count: int) -> None:
    """`count` more towns subscribed to a new service, invoiced in one run."""
    service = Service.objects.create(
        consortium=world.capitol, name=f"Budget service {start}", pricing_rule="equal", annual_amount=1000
    )
    for i in range(start, start + count):
        Subscription.objects.create(
            service=service, member=add_town(world.capitol, f"Budget town {i}"), start=START
        )
    Subscription.objects.create(service=service, member=world.avon, start=START)
    run = do_create_run(world.capitol, start=START, end=END, services=[service], acting_user=world.alice)
    do_issue_run(run, acting_user=world.alice)


def _credit_notes(world: Any, start: int, count: int) -> None:
    """`count` more invoices, each credited."""
    from interlocal.billing.actions import do_credit_invoice
    from interlocal.billing.models import Invoice

    _invoices(world, start, count)
    for invoice in Invoice.objects.exclude(status="credited"):
        do_credit_invoice(invoice, reason="Budget", acting_user=world.alice)


def _ensure_run(world: Any) -> BillingRun:
    run = BillingRun.objects.filter(status="preview").first()
    if run is None:
        service = Service.objects.create(
            consortium=world.capitol, name="Budget preview", pricing_rule="per_capita", annual_amount=1000
        )
        run = do_create_run(world.capitol, start=START, end=END, services=[service], acting_user=world.alice)
    return run


def _preview(world: Any, start: int, count: int) -> None:
    """A run in preview whose service gains `count` more subscribed towns."""
    run = _ensure_run(world)
    service = run.services.get()
    for i in range(start, start + count):
        Subscription.objects.create(
            service=service, member=add_town(world.capitol, f"Preview town {i}"), start=START
        )


def _run_pk(world: Any) -> dict[str, Any]:
    return {"pk": _ensure_run(world).pk}


BUDGETS = [
    Budget("billing:invoices", "alice", _invoices, query={}),
    Budget("billing:run_detail", "alice", _preview, query={}, kwargs=_run_pk),
    Budget("billing:member", "alice", _invoices, query={}, kwargs=lambda w: {"member_pk": w.avon.pk}),
    Budget("GET /api/v1/billing/invoices", "alice", _invoices),
    Budget("GET /api/v1/billing/credit-notes", "alice", _credit_notes),
]
