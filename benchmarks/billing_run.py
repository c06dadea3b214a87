"""A billing run at scale on PostgreSQL: 1,000 members × 20 services × 12 months of usage.

Setup and run (the script migrates the database it is given and adds its own consortium):

    createdb -h 127.0.0.1 -U postgres il_billing_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/il_billing_bench \\
        .venv/bin/python benchmarks/billing_run.py --members 1000 --services 20

Measured: 240,000 usage records are bulk-created; then the wall time and query count from the
start of the run (charges computed with the engine) to the issued invoices (`do_issue_run`,
e-mails queued on commit excluded: they go to the worker), and the server-side p95 (Django
test client, in-process) of the member's page and the invoice list at that size.
Targets (issue 13): run < 10 s, query count independent of members, pages p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

RULES = ["equal", "per_capita", "by_usage", "base_plus_usage", "unit_price"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--services", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from interlocal.accounts.models import User
    from interlocal.billing.actions import do_create_run, do_issue_run
    from interlocal.services.models import Service, Subscription, UsageRecord
    from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership

    tag = str(int(time.time()))
    rng = random.Random(1)
    consortium = Consortium.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    Member.objects.bulk_create(
        [
            Member(name=f"Town {i}", slug=f"b{tag}-{i}", population=rng.randint(500, 200_000))
            for i in range(args.members)
        ]
    )
    members = list(Member.objects.filter(slug__startswith=f"b{tag}-").order_by("pk"))
    ConsortiumMember.objects.bulk_create([ConsortiumMember(consortium=consortium, member=m) for m in members])
    admin = User.objects.create_user(email=f"admin-{tag}@bench.example", password=None)
    Membership.objects.create(user=admin, consortium=consortium, role="consortium_staff")  # no MFA step
    services = []
    for s in range(args.services):
        rule = RULES[s % len(RULES)]
        params = (
            {"unit_price": "12.50"}
            if rule == "unit_price"
            else {"base_fraction": "0.3"}
            if rule == "base_plus_usage"
            else {}
        )
        services.append(
            Service.objects.create(
                consortium=consortium,
                name=f"Service {s}",
                pricing_rule=rule,
                pricing_params=params,
                annual_amount=None if rule == "unit_price" else Decimal(rng.randint(10_000, 900_000)),
            )
        )
    Subscription.objects.bulk_create(
        [
            Subscription(service=s, member=m, start=dt.date(2025, 1, 1), units=Decimal(rng.randint(1, 80)))
            for s in services
            for m in members
        ],
        batch_size=5000,
    )
    t = time.perf_counter()
    usage = [
        UsageRecord(
            service=s,
            member=m,
            period_start=dt.date(2026, month, 1),
            period_end=dt.date(2026, month + 1, 1) - dt.timedelta(days=1)
            if month < 12
            else dt.date(2026, 12, 31),
            quantity=Decimal(rng.randint(0, 500)),
        )
        for s in services
        for m in members
        for month in range(1, 13)
    ]
    UsageRecord.objects.bulk_create(usage, batch_size=10_000)
    print(f"setup: {len(usage)} usage records in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        run = do_create_run(
            consortium,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            services=services,
            acting_user=admin,
        )
        invoices = do_issue_run(run, acting_user=admin)
    elapsed = time.perf_counter() - start
    print(
        f"run: {len(invoices)} invoices, {sum(i.lines.count() for i in invoices[:1]) * len(invoices)} lines, "
        f"{elapsed:.2f} s, {len(ctx.captured_queries)} queries"
    )

    client = Client()
    client.force_login(admin)
    for label, url in (
        ("member page", reverse("billing:member", args=[members[0].pk])),
        ("invoice list", reverse("billing:invoices")),
    ):
        client.get(url)
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            response = client.get(url)
            assert response.status_code == 200, (response.status_code, response.get("Location"))
            times.append((time.perf_counter() - t) * 1000)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({args.requests} requests)"
        )


if __name__ == "__main__":
    main()
