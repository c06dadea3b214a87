"""Benchmark: bid tabulation for one solicitation (issue 5: 500 items x 50 bids under 1 s).

Pure mode (the default) times `procurement.tabulation.tabulate_decimal` end to end from Decimal
prices (as the opening reads them) to ranks, lowest bid per item and totals; and `tabulate` alone
over integer arrays. Every fifth bid leaves out every 7th item (a bid need not offer every item)
and two bids are non-responsive. No database: the module is pure.

`--database` measures end to end in the configured database (DATABASE_URL). Each run builds a fresh
consortium (unique slug) with one published solicitation of --items items and --bids vendors, each
submitting a real sealed bid through `actions.do_submit_bid` (every fifth bid leaves out
every 7th item) under a frozen clock; the clock then moves to the opening time and
`do_open_bids` unseals them (timed once, as it happens). Then, with medians over --repeat runs of
wall and CPU (`time.process_time`, this process only: the database server's CPU is not in it):

1. `queries.tabulation_of(solicitation)` (reading the opened bids and lines), with its
   query count;
2. the whole tabulation page `GET /procurement/solicitations/<pk>/tabulation/` through
   `django.test.Client` as consortium staff (status 200 checked), with its query count.

Usage:

    .venv/bin/python benchmarks/procurement_tabulation.py --items 500 --bids 50 --repeat 5

    createdb -h 127.0.0.1 -U postgres interlocal_bench_tab
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench_tab
    .venv/bin/interlocal migrate
    .venv/bin/python benchmarks/procurement_tabulation.py --database --items 500 --bids 50 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import numpy as np  # noqa: E402

from interlocal.procurement.tabulation import tabulate, tabulate_decimal  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--bids", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--database",
        action="store_true",
        help="end to end in the configured database (DATABASE_URL): sealed bids, opening, page",
    )
    args = parser.parse_args()
    if args.database:
        database_main(args.items, args.bids, args.repeat)
        return
    rng = random.Random(5)  # noqa: S311 - benchmark data, not secrets
    prices: list[list[Decimal | None]] = [
        [
            None if b % 5 == 0 and i % 7 == 0 else Decimal(rng.randint(100, 10_000_000)).scaleb(-2)
            for i in range(args.items)
        ]
        for b in range(args.bids)
    ]
    quantities = [Decimal(rng.randint(1, 5_000_000)).scaleb(-3) for _ in range(args.items)]
    responsive = [b not in (3, 17) for b in range(args.bids)]

    best_dec = best_arr = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = tabulate_decimal(prices, quantities, responsive, decimals=2)
        totals = [result.total(b) for b in range(args.bids)]
        best_dec = min(best_dec, time.perf_counter() - start)
    minor = np.array([[0 if p is None else int(p * 100) for p in row] for row in prices], dtype=np.int64)
    offered = np.array([[p is not None for p in row] for row in prices])
    qty = np.array([int(q * 10000) for q in quantities], dtype=np.int64)
    resp = np.array(responsive)
    for _ in range(args.repeat):
        start = time.perf_counter()
        tabulate(minor, offered, qty, resp, decimals=2)
        best_arr = min(best_arr, time.perf_counter() - start)
    print(f"{args.items} items x {args.bids} bids, best of {args.repeat}")
    print(f"  from Decimal prices (with totals as Decimal): {best_dec * 1000:.1f} ms")
    print(f"  integer arrays only:                          {best_arr * 1000:.1f} ms")
    print(f"  lowest total: bid {result.lowest_total()} = {totals[result.lowest_total()]}")


# --- End to end in the database (--database) -------------------------------------------------------
def _load() -> str:
    avg = os.getloadavg()
    return f"{avg[0]:.2f} {avg[1]:.2f} {avg[2]:.2f} ({os.cpu_count()} CPUs)"


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """Median wall, median CPU (this process) and best wall, in seconds."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), min(walls)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class _QueryCount:
    """Counts the queries run inside it (CaptureQueriesContext would lose a request's: the
    request_started signal resets the connection's query log)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return self.n


class _Clock:
    """A frozen `django.utils.timezone.now` (as the tests' Clock), restored by `release()`."""

    def __init__(self, start: dt.datetime) -> None:
        from django.utils import timezone

        self.now = start
        self._timezone = timezone
        self._real = timezone.now
        timezone.now = lambda: self.now

    def release(self) -> None:
        self._timezone.now = self._real


def database_main(n_items: int, n_bids: int, repeat: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")
    os.environ.setdefault("INTERLOCAL_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import logging

    import django

    django.setup()
    logging.getLogger("django_tasks").setLevel(logging.WARNING)  # one bid receipt e-mail per bid

    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from interlocal.procurement.actions import do_open_bids, do_submit_bid
    from interlocal.procurement.models import (
        Bid,
        BidLine,
        DemandItem,
        DemandRound,
        Solicitation,
        SolicitationItem,
        Vendor,
        VendorRegistration,
        VendorUser,
    )
    from interlocal.procurement.queries import tabulation_of
    from interlocal.tenancy.models import Consortium, Membership

    print(f"load average at start: {_load()}")
    User = get_user_model()
    tag = f"{int(time.time() * 1000):x}{os.getpid():x}"  # a fresh consortium per run
    # Bids arrive at T0 (a frozen clock); the opening is an hour after the deadline, in the past,
    # so the page is read on the real clock after the opening.
    t0 = (dt.datetime.now(dt.UTC) - dt.timedelta(days=10)).replace(microsecond=0)
    deadline = t0 + dt.timedelta(days=7)
    opening = deadline + dt.timedelta(hours=1)
    rng = random.Random(5)  # noqa: S311 - benchmark data, not secrets
    clock = _Clock(t0)
    try:
        start = time.perf_counter()
        with transaction.atomic():
            consortium = Consortium.objects.create(
                name=f"Bench tabulation {tag}", slug=f"bench-tab-{tag}", region="CT", country="US"
            )
            staff = User.objects.create_user(
                email=f"staff-{tag}@bench-tab.example", password=None, full_name="Bench Staff"
            )
            Membership.objects.create(user=staff, consortium=consortium, member=None, role="consortium_staff")
            rnd = DemandRound.objects.create(
                consortium=consortium, title=f"Bench round {tag}", status=DemandRound.Status.CLOSED,
                cut_off_at=t0 - dt.timedelta(days=10),
            )  # fmt: skip
            demand = DemandItem.objects.bulk_create(
                DemandItem(round=rnd, line_number=n + 1, description=f"Item {n + 1}", unit="each")
                for n in range(n_items)
            )
            solicitation = Solicitation.objects.create(
                consortium=consortium, demand_round=rnd, reference_number=f"IFB-BENCH-{tag}",
                title=f"Bench tabulation {n_items}x{n_bids}", method=Solicitation.Method.IFB,
                status=Solicitation.Status.PUBLISHED, published_at=t0 - dt.timedelta(days=5),
                submission_deadline=deadline, opening_at=opening, currency="USD",
                award_basis=Solicitation.AwardBasis.LOWEST_PRICE, ocds_process=f"round-{rnd.pk}",
            )  # fmt: skip
            items = SolicitationItem.objects.bulk_create(
                SolicitationItem(
                    solicitation=solicitation,
                    demand_item=d,
                    line_number=d.line_number,
                    description=d.description,
                    unit=d.unit,
                    total_quantity=Decimal(rng.randint(1, 5_000_000)).scaleb(-3),
                )  # fmt: skip
                for d in demand
            )
            # Vendors as tests/procurement/factories/vendors.py make_vendor: active, verified, with
            # an authenticator app, registered with the consortium.
            bidders = []
            for b in range(n_bids):
                user = User.objects.create_user(
                    email=f"bidder{b}-{tag}@bench-tab.example", password=None, full_name=f"Bidder {b}"
                )
                vendor = Vendor.objects.create(
                    name=f"Bench Vendor {b:03d}", legal_id=f"BENCH-{tag}-{b}",
                    email=f"sales{b}@bench-tab.example", email_verified_at=t0 - dt.timedelta(days=30),
                    status=Vendor.Status.ACTIVE,
                )  # fmt: skip
                VendorUser.objects.create(vendor=vendor, user=user, role="admin")
                if not Authenticator.objects.filter(user=user).exists():
                    TOTP.activate(user, generate_totp_secret())
                    RecoveryCodes.activate(user)
                VendorRegistration.objects.create(vendor=vendor, consortium=consortium)
                Membership.objects.create(user=user, consortium=consortium, member=None, role="vendor")
                bidders.append((vendor, user))
        built = time.perf_counter() - start

        start = time.perf_counter()
        for b, (vendor, user) in enumerate(bidders):
            prices = {
                item.pk: str(Decimal(rng.randint(100, 10_000_000)).scaleb(-2))
                for i, item in enumerate(items)
                if not (b % 5 == 0 and i % 7 == 0)
            }
            do_submit_bid(
                solicitation, acting_user=user, vendor=vendor, prices=prices, idempotency_key=f"bench-{b}"
            )
        submitted = time.perf_counter() - start

        clock.now = opening
        cpu, start = time.process_time(), time.perf_counter()
        opening_queries = _QueryCount()
        with connection.execute_wrapper(opening_queries):
            solicitation = do_open_bids(solicitation, acting_user=staff)
        opened_wall, opened_cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        clock.release()

    lines = BidLine.objects.filter(bid__solicitation=solicitation).count()
    opened_bids = Bid.objects.filter(solicitation=solicitation, opened_at__isnull=False).count()
    print(
        f"database: {connection.vendor}; solicitation {solicitation.pk} ({consortium.slug}): "
        f"{n_items} items x {opened_bids} opened bids = {lines} bid lines"
    )
    print(f"  build (consortium, items, {n_bids} vendors):      {built:.1f} s")
    print(f"  {n_bids} sealed bids through do_submit_bid:        {submitted:.1f} s")
    print(
        f"  do_open_bids (unseal, store lines, retabulate): {_ms(opened_wall)} wall, {_ms(opened_cpu)} CPU, "
        f"{len(opening_queries)} queries"
    )

    tab = tabulation_of(solicitation)
    assert tab is not None and len(tab.bids) == n_bids and len(tab.items) == n_items
    assert len(tab.cells) == lines
    tab_queries = _QueryCount()
    with connection.execute_wrapper(tab_queries):
        tabulation_of(solicitation)
    wall, cpu, best = _timed(lambda: tabulation_of(solicitation), repeat)
    print(f"median of {repeat}:")
    print(
        f"  tabulation_of:   {_ms(wall)} wall (best {_ms(best)}), {_ms(cpu)} CPU, {len(tab_queries)} queries"
    )

    client = Client()
    client.force_login(staff)
    url = reverse("procurement:tabulation", args=[solicitation.pk])
    size = 0

    def page() -> None:
        nonlocal size
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert b"Bench Vendor 000" in response.content and b"?format=csv" in response.content
        size = len(response.content)

    page()  # warm: templates loaded, session read once
    page_queries = _QueryCount()
    with connection.execute_wrapper(page_queries):
        page()
    wall, cpu, best = _timed(page, repeat)
    print(
        f"  tabulation page: {_ms(wall)} wall (best {_ms(best)}), {_ms(cpu)} CPU, "
        f"{len(page_queries)} queries, {size / 1e6:.2f} MB of HTML  (GET {url})"
    )
    print(f"load average at end: {_load()}")


if __name__ == "__main__":
    main()
