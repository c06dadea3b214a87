"""Procurement planning: aggregated demand of a large demand round and the members' view.

Builds (once, idempotently) in the configured database a round with --items items and an entry
for each of --members members per item, then times:

1. council: `queries.demand_by_item(round, full=True)` — totals, member counts and weighted average
   current prices for every item, in one SQL query;
2. members: `demand_by_item(round, full=False)` — the same plus the disclosure verdict
   (`lib.disclosure.publishable`) over every item's contributors.

Run:

    createdb -h 127.0.0.1 -U postgres interlocal_bench_planning
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench_planning
    .venv/bin/interlocal migrate
    .venv/bin/python benchmarks/procurement_demand.py --items 500 --members 100 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from interlocal.procurement.models import DemandEntry, DemandItem, DemandRound  # noqa: E402
from interlocal.procurement.queries import demand_by_item  # noqa: E402
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member  # noqa: E402


@transaction.atomic
def build(items: int, members: int) -> DemandRound:
    title = f"Benchmark round {items}x{members}"
    consortium, _ = Consortium.objects.get_or_create(
        slug="bench-planning", defaults={"name": "Bench planning"}
    )
    found = DemandRound.objects.filter(consortium=consortium, title=title).first()
    if found is not None:
        return found
    towns = []
    for i in range(members):
        town, _ = Member.objects.get_or_create(slug=f"bench-town-{i}", defaults={"name": f"Bench town {i}"})
        ConsortiumMember.objects.get_or_create(consortium=consortium, member=town)
        towns.append(town)
    round_ = DemandRound.objects.create(
        consortium=consortium, title=title, status="open", cut_off_at=timezone.now() + dt.timedelta(days=30)
    )
    lines = DemandItem.objects.bulk_create(
        DemandItem(round=round_, line_number=n + 1, description=f"Item {n}", unit="each")
        for n in range(items)
    )
    batch = []
    for n, item in enumerate(lines):
        for i, town in enumerate(towns):
            batch.append(
                DemandEntry(
                    item=item,
                    member=town,
                    quantity=Decimal((n * 7 + i * 13) % 500 + 1),
                    current_unit_price=Decimal(f"{(n + i) % 90 + 10}.25") if i % 5 else None,
                )
            )
        if len(batch) > 20000:
            DemandEntry.objects.bulk_create(batch)
            batch = []
    DemandEntry.objects.bulk_create(batch)
    return round_


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    round_ = build(args.items, args.members)
    print(
        f"database: {connection.vendor}; round: {args.items} items x {args.members} members "
        f"= {DemandEntry.objects.filter(item__round=round_).count()} entries (setup {time.perf_counter() - t0:.1f} s)"
    )
    rows = demand_by_item(round_, full=True)
    assert len(rows) == args.items
    median, best = timed(lambda: demand_by_item(round_, full=True), args.repeat)
    print(f"council aggregates: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms")
    median, best = timed(lambda: demand_by_item(round_, full=False), args.repeat)
    print(f"members' view (with disclosure): median {median * 1000:.0f} ms, best {best * 1000:.0f} ms")


if __name__ == "__main__":
    main()
