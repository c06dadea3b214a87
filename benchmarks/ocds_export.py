"""OCDS export: N published processes written as one release package, streaming.

Builds (once per size, with bulk_create) a consortium `bench-ocds-<N>` with 5 members, 2 vendors
and N published solicitations of 2 items each: 30 % issued from a demand round (demand from 3
members, so items and contracts per buyer), 10 % of all awarded (bids opened, award, master
contract and one contract per member). Then, in a fresh process so the peak RSS is the export's
own, streams `publication.releases(consortium)` through `stream_release_package` to a file and
reports wall time, CPU time (of the export process; the database server's is not counted),
releases, bytes, peak RSS and the load average (the machine may be shared). The tables are
ANALYZEd first, as autovacuum would have done in production.

Run:

    createdb -h 127.0.0.1 -U postgres interlocal_bench_ocds
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench_ocds
    .venv/bin/interlocal migrate
    .venv/bin/python benchmarks/ocds_export.py --processes 10000 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import CharField, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402

from interlocal.procurement import publication  # noqa: E402
from interlocal.procurement.models import (  # noqa: E402
    Award,
    AwardLine,
    Bid,
    Contract,
    ContractLine,
    DemandEntry,
    DemandItem,
    DemandRound,
    Solicitation,
    SolicitationItem,
    Vendor,
)
from interlocal.procurement.ocds import stream_release_package  # noqa: E402
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member  # noqa: E402

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
BATCH = 5000


def _bulk(model: type, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined, no-any-return]


@transaction.atomic
def build(n: int) -> Consortium:
    """The benchmark consortium with `n` published processes (made once)."""
    consortium, created = Consortium.objects.get_or_create(
        slug=f"bench-ocds-{n}", defaults={"name": f"Bench OCDS {n}", "country": "US"}
    )
    if not created and Solicitation.objects.filter(consortium=consortium).count() == n:
        return consortium
    members = []
    for i in range(5):
        m, _ = Member.objects.get_or_create(slug=f"bench-ocds-town-{i}", defaults={"name": f"Town {i}"})
        ConsortiumMember.objects.get_or_create(consortium=consortium, member=m)
        members.append(m)
    vendors = [
        Vendor.objects.get_or_create(
            legal_id=f"BENCH-OCDS-{v}", country="US",
            defaults={"name": f"Vendor {v}", "email": f"v{v}@bench.example", "status": "active"},
        )[0]
        for v in range(2)
    ]  # fmt: skip
    with_round = [i for i in range(n) if i % 10 < 3]
    awarded = {i for i in range(n) if i % 10 == 0}  # all of them from a round
    rounds = _bulk(
        DemandRound,
        [
            DemandRound(
                consortium=consortium, title=f"Round {i}", status="closed", cut_off_at=T0,
                opened_at=T0 - dt.timedelta(days=30), created_at=T0 - dt.timedelta(days=31),
            )
            for i in with_round
        ],
    )  # fmt: skip
    round_of = dict(zip(with_round, rounds, strict=True))
    demand_items = _bulk(
        DemandItem,
        [
            DemandItem(round=r, line_number=k, description=f"Item {k}", unit="each", classification_scheme="UNSPSC",
                       classification_code="44121600")
            for r in rounds
            for k in (1, 2)
        ],
    )  # fmt: skip
    _bulk(
        DemandEntry,
        [
            DemandEntry(item=d, member=members[j], quantity=Decimal(10 * (j + 1)), current_unit_price=Decimal("9.50"))
            for d in demand_items
            for j in range(3)
        ],
    )  # fmt: skip
    items_of_round = {}
    for d in demand_items:
        items_of_round.setdefault(d.round_id, []).append(d)
    sols = _bulk(
        Solicitation,
        [
            Solicitation(
                consortium=consortium, demand_round=round_of.get(i), reference_number=f"B-{i}",
                title=f"Process {i}", description="Benchmark", status="awarded" if i in awarded else "published",
                published_at=T0, submission_deadline=T0 + dt.timedelta(days=10),
                opening_at=T0 + dt.timedelta(days=10, hours=1), created_at=T0,
                ocds_process=f"round-{round_of[i].pk}" if i in round_of else "",
            )
            for i in range(n)
        ],
    )  # fmt: skip
    # Stamped as do_publish_solicitation does: a standalone solicitation is a process of its own.
    Solicitation.objects.filter(consortium=consortium, demand_round__isnull=True).update(
        ocds_process=Concat(Value("solicitation-"), Cast("pk", CharField()))
    )
    lines = []
    for i, sol in enumerate(sols):
        demand = items_of_round.get(round_of[i].pk, []) if i in round_of else []
        for k in (1, 2):
            lines.append(
                SolicitationItem(
                    solicitation=sol, line_number=k, description=f"Item {k}", unit="each",
                    demand_item=demand[k - 1] if demand else None, total_quantity=Decimal(60),
                    classification_scheme="UNSPSC", classification_code="44121600",
                )
            )  # fmt: skip
    lines = _bulk(SolicitationItem, lines)
    lines_of = {}
    for line in lines:
        lines_of.setdefault(line.solicitation_id, []).append(line)
    opened = T0 + dt.timedelta(days=10, hours=1)
    won = [sol for i, sol in enumerate(sols) if i in awarded]
    bids = _bulk(
        Bid,
        [
            Bid(solicitation=sol, vendor=v, idempotency_key="b", request_digest="x", sealed_prices=b"x",
                sealed_sha256="x", opened_at=opened, total=Decimal(600), submitted_at=T0)
            for sol in won
            for v in vendors
        ],
    )  # fmt: skip
    awards = _bulk(Award, [Award(solicitation=sol, decided_at=opened + dt.timedelta(days=2)) for sol in won])
    _bulk(
        AwardLine,
        [
            AwardLine(award=a, item=line, bid=bids[2 * j], unit_price=Decimal("8.75"))
            for j, (a, sol) in enumerate(zip(awards, won, strict=True))
            for line in lines_of[sol.pk]
        ],
    )
    signed = opened + dt.timedelta(days=2, seconds=1)
    masters = _bulk(
        Contract,
        [
            Contract(consortium=consortium, solicitation=sol, award=a, vendor=vendors[0], kind="master",
                     reference=f"B-{sol.pk}", title=f"Contract {sol.pk}", value=Decimal(525),
                     start_date=dt.date(2026, 2, 1), end_date=dt.date(2027, 1, 31), created_at=signed)
            for a, sol in zip(awards, won, strict=True)
        ],
    )  # fmt: skip
    member_contracts = _bulk(
        Contract,
        [
            Contract(consortium=consortium, solicitation_id=mc.solicitation_id, award_id=mc.award_id, master=mc,
                     member=members[j], vendor=vendors[0], kind="member", reference=f"{mc.reference}-{j}",
                     title=f"{mc.title} {j}", value=Decimal(175), start_date=mc.start_date, end_date=mc.end_date,
                     created_at=signed)
            for mc in masters
            for j in range(3)
        ],
    )  # fmt: skip
    _bulk(
        ContractLine,
        [ContractLine(contract=c, item=line, quantity=Decimal(60), unit_price=Decimal("8.75"))
         for c in masters for line in lines_of[c.solicitation_id]]
        + [ContractLine(contract=c, item=line, quantity=Decimal(10), unit_price=Decimal("8.75"))
           for c in member_contracts for line in lines_of[c.solicitation_id]],
    )  # fmt: skip
    return consortium


def export(consortium_id: int, path: str) -> None:
    """Stream the release package to `path`; print the figures (child process)."""
    started, cpu = time.perf_counter(), time.process_time()
    count = size = 0
    with open(path, "w", encoding="utf-8") as f:
        for chunk in stream_release_package(
            publication.releases(consortium_id), **publication.package_header()
        ):
            f.write(chunk)
            count += 1
            size += len(chunk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # ru_maxrss survives fork+exec on Linux (the child starts with the builder's peak), so the
    # export's own peak is read from VmHWM, which exec resets; ru_maxrss is printed for reference.
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{count - 2} releases, {size / 1e6:.0f} MB, {elapsed:.1f} s wall, {cpu:.1f} s CPU, "
        f"peak RSS {hwm / 1024:.0f} MB (VmHWM; ru_maxrss {maxrss / 1024:.0f} MB); "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "ocds-bench.json"))
    parser.add_argument("--export-only", type=int, help=argparse.SUPPRESS)  # child: consortium id
    args = parser.parse_args()
    if args.export_only:
        export(args.export_only, args.out)
        return
    for n in args.processes:
        started = time.perf_counter()
        consortium = build(n)
        # Fresh planner statistics, as autovacuum keeps them in production (it may be off on a
        # development server): without them PostgreSQL plans for empty tables after bulk_create.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{n} processes: built in {time.perf_counter() - started:.0f} s; export: ", end="", flush=True)
        subprocess.run(  # noqa: S603 (this script, fixed arguments)
            [sys.executable, __file__, "--export-only", str(consortium.pk), "--out", args.out], check=True
        )


if __name__ == "__main__":
    main()
