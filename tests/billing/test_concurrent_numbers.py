"""Two billing runs issued at the same moment get distinct, gapless invoice numbers.

Numbers come from a `NumberCounter` row locked with SELECT … FOR UPDATE, created on first use.
Both threads here find no counter for the year yet, so both race to create it as well as to
advance it. Only PostgreSQL runs the two transactions truly at once (SQLite serialises writers):
marked `postgres`, this runs in CI's PostgreSQL run.

Today an audited action also takes the audit chain's head row lock (audit.recorder) before it
allocates, which serialises the two issues as well; the counter's own lock is what keeps numbers
gapless if that ever changes, and this test holds either way.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connections

from interlocal.billing import actions
from interlocal.billing.actions import do_credit_invoice, do_issue_run
from interlocal.billing.models import CreditNote, Invoice
from tests.billing.helpers import backup, issued, run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _slow_after_allocating(monkeypatch: Any) -> None:
    """Hold each transaction open a moment after it takes its numbers, so the other one
    certainly asks for numbers before the first commits (the race the lock must win)."""
    allocate = actions.allocate_numbers

    def slow(*args: Any, **kwargs: Any) -> int:
        first = allocate(*args, **kwargs)
        time.sleep(0.5)
        return first

    monkeypatch.setattr(actions, "allocate_numbers", slow)


def _at_once(jobs: list[Any]) -> list[BaseException]:
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def go(job: Any) -> None:
        try:
            start.wait(timeout=10)
            job()
        except BaseException as exc:  # the assertion names it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_two_runs_issued_at_once_number_without_gaps_or_repeats(world: Any) -> None:
    runs = [run(world, [backup(world, f"Backup {n}")]) for n in range(2)]
    errors = _at_once([lambda r=r: do_issue_run(r, acting_user=world.alice) for r in runs])
    assert not errors, errors
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[0]
    assert numbers == [f"{year}-{n:05d}" for n in range(1, 7)]  # three members in each run


def test_two_credit_notes_at_once_number_without_gaps_or_repeats(world: Any) -> None:
    issued(world, [backup(world)])
    invoices = list(Invoice.objects.order_by("number")[:2])
    errors = _at_once(
        [lambda i=i: do_credit_invoice(i, acting_user=world.alice, reason="Raced") for i in invoices]
    )
    assert not errors, errors
    notes = sorted(CreditNote.objects.values_list("number", flat=True))
    year = notes[0].split("-")[1]
    assert notes == [f"CN-{year}-00001", f"CN-{year}-00002"]
