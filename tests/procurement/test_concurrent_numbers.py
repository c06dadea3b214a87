"""Two people adding lines to the same draft at once both succeed, with distinct numbers.

Line numbers (and criteria positions, addenda numbers, demand items) are "the largest so far plus
one" under a unique constraint; without a lock on the parent row two concurrent adds read the
same largest number and the second fails on the constraint (a 500). Only PostgreSQL runs the
adds truly at once (SQLite's IMMEDIATE transactions serialise writers): marked `postgres`, it is
deselected on SQLite (tests/conftest.py) and runs in CI's PostgreSQL run.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from interlocal.procurement import actions
from tests.procurement.factories import make_solicitation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_line_adds_both_succeed(world: Any) -> None:
    sol = make_solicitation(world.capitol, status="draft", items=())
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def add(n: int) -> None:
        try:
            start.wait(timeout=10)
            actions.do_add_solicitation_item(
                sol, acting_user=world.sam, description=f"Item {n}", unit="each", total_quantity="1"
            )
        except BaseException as exc:  # the assertion below names it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert sorted(sol.items.values_list("line_number", flat=True)) == [1, 2]
