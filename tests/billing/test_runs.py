"""Billing runs: preview, issue, gapless numbers, refusals, immutability and credit notes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interlocal.billing.actions import do_credit_invoice, do_issue_run, do_record_payment
from interlocal.billing.charges import compute_run, period_amount
from interlocal.billing.models import BillingRun, CreditNote, ImmutableError, Invoice, InvoiceLine, RunStatus
from tests.billing.helpers import Q1, Q2, backup, issued, run, service, subscribe, usage

pytestmark = pytest.mark.django_db


def test_period_amount_is_prorated_by_days(world):
    assert period_amount(Decimal("120000.00"), *Q1) == Decimal("29589.04")  # 90/365
    assert period_amount(Decimal("120000.00"), dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == Decimal(
        "120000.00"
    )


def test_preview_explains_each_line(world):
    svc = backup(world)
    charges = compute_run(run(world, [svc]))
    assert not charges.problems
    assert [m.member.name for m in charges.members] == ["Avon", "Bolton", "Canton"]
    assert charges.total == period_amount(Decimal("120000.00"), *Q1)
    bolton = charges.members[1].lines[0]
    assert (bolton.days, bolton.period_days) == (59, 90)
    assert bolton.basis["population"] == "4900"
    assert "share" in bolton.basis
    assert abs(bolton.rounding) < Decimal("0.01")


def test_issue_numbers_invoices_without_gaps(world):
    a, b = backup(world, "Backup"), backup(world, "Email", rule="equal")
    first = issued(world, [a])
    second = issued(world, [b])
    assert first.status == second.status == RunStatus.ISSUED
    seqs = sorted(Invoice.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 7))
    year = timezone.localdate().year
    assert set(Invoice.objects.filter(run=first).values_list("number", flat=True)) == {
        f"{year}-00001",
        f"{year}-00002",
        f"{year}-00003",
    }


def test_two_previews_of_one_period_issue_once(world):
    svc = backup(world)
    one, two = run(world, [svc]), run(world, [svc])
    do_issue_run(one, acting_user=world.alice)
    with pytest.raises(ValidationError, match="already invoiced"):
        do_issue_run(two, acting_user=world.alice)
    assert Invoice.objects.count() == 3
    assert BillingRun.objects.get(pk=two.pk).status == RunStatus.FAILED


def test_repeated_run_refused_nothing_changed(world):
    svc = backup(world)
    issued(world, [svc])
    before = BillingRun.objects.count()
    with pytest.raises(ValidationError, match="already invoiced"):
        run(world, [svc])
    assert BillingRun.objects.count() == before


def test_closed_period_refused(world):
    svc = backup(world)
    issued(world, [svc])
    with pytest.raises(ValidationError, match="closed"):
        run(world, [svc], (dt.date(2026, 3, 1), dt.date(2026, 4, 30)))
    # The next quarter is open.
    assert run(world, [svc], Q2).status == RunStatus.PREVIEW


def test_repeated_run_allowed_after_credit(world):
    svc = backup(world)
    first = issued(world, [svc])
    for invoice in Invoice.objects.filter(run=first):
        do_credit_invoice(invoice, reason="Wrong population", acting_user=world.alice)
    again = issued(world, [svc])
    assert again.invoices.count() == 3
    assert CreditNote.objects.count() == 3
    assert sorted(CreditNote.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_issued_invoice_cannot_be_edited(world):
    issued(world, [backup(world)])
    invoice = Invoice.objects.first()
    invoice.total += 1
    with pytest.raises(ImmutableError):
        invoice.save()
    invoice.refresh_from_db()
    with pytest.raises(ImmutableError):
        invoice.delete()
    line = InvoiceLine.objects.first()
    line.amount = Decimal("1.00")
    with pytest.raises(ImmutableError):
        line.save()


def test_credit_note_and_payment_settle(world):
    issued(world, [backup(world)])
    invoice = Invoice.objects.get(member=world.avon)
    half = (invoice.total / 2).quantize(Decimal("0.01"))
    do_record_payment(invoice, amount=half, paid_on=dt.date(2026, 5, 1), acting_user=world.alice)
    line = invoice.lines.get()
    note = do_credit_invoice(
        invoice, reason="Discount", acting_user=world.alice, amounts={line.pk: invoice.total - half}
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert note.number.startswith("CN-")
    rest = do_credit_invoice(invoice, reason="Refund", acting_user=world.alice)
    assert rest.total == half
    invoice.refresh_from_db()
    assert invoice.status == "credited"
    with pytest.raises(ValidationError, match="Nothing is left"):
        do_credit_invoice(invoice, reason="Again", acting_user=world.alice)


def test_only_council_runs_billing(world):
    svc = backup(world)
    with pytest.raises(PermissionDenied):
        run(world, [svc], user="bob")


def test_engine_problem_refuses_issue(world):
    svc = service(world, "Per capita", "per_capita")
    subscribe(svc, world.avon)
    world.avon.population = None
    world.avon.save()
    r = run(world, [svc])
    assert compute_run(r).problems
    with pytest.raises(ValidationError):
        do_issue_run(r, acting_user=world.alice)
    assert not Invoice.objects.exists()


def test_by_usage_and_unit_price(world):
    use = service(world, "Storage", "by_usage")
    subscribe(use, world.avon)
    subscribe(use, world.bolton)
    usage(use, world.avon, "300")
    usage(use, world.bolton, "100")
    unit = service(world, "Seats", "unit_price", annual_amount=None, pricing_params={"unit_price": "10.00"})
    subscribe(unit, world.avon, units="3")
    charges = compute_run(run(world, [use, unit]))
    assert not charges.problems
    avon = charges.members[0]
    amounts = {line.service_name: line.amount for line in avon.lines}
    assert amounts["Seats"] == Decimal("30.00")
    assert amounts["Storage"] + charges.members[1].total == period_amount(Decimal("120000.00"), *Q1)


def _issue_queries(world, towns: int, name: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.costing.factories import add_town

    svc = service(world, name, "per_capita")
    for i in range(towns):
        subscribe(svc, add_town(world.capitol, f"{name} town {i}"))
    r = run(world, [svc])
    with CaptureQueriesContext(connection) as ctx:
        do_issue_run(r, acting_user=world.alice)
    return len(ctx.captured_queries)


def test_issue_query_count_does_not_grow_with_members(world):
    _issue_queries(world, 1, "Warm-up")  # creates the year's number counter
    assert _issue_queries(world, 3, "Small") == _issue_queries(world, 30, "Large")


def test_usage_charged_when_a_subscription_changed_before_the_period(world):
    """A segment ending before the period is no participant's usage holder (it has no day in it)."""
    from interlocal.services.models import SubscriptionChange

    use = service(world, "Storage", "by_usage")
    avon = subscribe(use, world.avon)
    SubscriptionChange.objects.create(subscription=avon, effective=dt.date(2025, 6, 1), units=Decimal(30))
    SubscriptionChange.objects.create(subscription=avon, effective=dt.date(2026, 2, 15), units=Decimal(40))
    subscribe(use, world.bolton)
    usage(use, world.avon, "300")
    usage(use, world.bolton, "100")
    charges = compute_run(run(world, [use]))
    assert not charges.problems
    amount = period_amount(Decimal("120000.00"), *Q1)
    by_member = {m.member.name: m.total for m in charges.members}
    assert by_member == {"Avon": amount * 3 / 4, "Bolton": amount / 4}
    line = charges.members[0].lines[0]
    assert (line.days, line.quantity) == (90, Decimal(300))


def test_run_form_offers_only_the_consortiums_readable_services(world):
    from interlocal.billing.forms import RunForm

    own = backup(world)
    choices = RunForm(consortium=world.capitol, user=world.alice).fields["services"].queryset
    assert list(choices) == [own]
    # Vince (a vendor, no role in Capitol) is offered none of its services.
    assert list(RunForm(consortium=world.capitol, user=world.vince).fields["services"].queryset) == []
