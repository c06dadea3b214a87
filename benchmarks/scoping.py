"""Benchmark: the cost of tenant scoping (visible_to) at national scale.

Builds an installation with many consortia, members, people and member-owned rows (audit events
stand in for a large tenant table), then times the scoped reads a page or API call makes:

- the member directory page of one consortium (visible_to + in_consortium, first 50 rows),
- a person's memberships (visible_to),
- one consortium admin's audit trail, first page of 50 (visible_to on a large table),
- get_member_for_user for an allowed and a refused member.

Usage (PostgreSQL, a database of its own; it is dropped and recreated):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench \\
        .venv/bin/python benchmarks/scoping.py --consortia 100 --members 20000 --events 1000000

Results go to stdout as a table; copy them into docs/benchmarks.md with the command.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and max wall time in milliseconds over `repeat` runs (after one warm-up)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def build(consortia: int, members: int, events: int) -> dict[str, object]:
    import random

    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from interlocal.accounts.models import User
    from interlocal.audit.chain import GENESIS
    from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership

    rng = random.Random(42)
    start = time.perf_counter()
    Consortium.objects.bulk_create(
        [Consortium(name=f"Consortium {i}", slug=f"c-{i}") for i in range(consortia)], batch_size=1000
    )
    cons = list(Consortium.objects.order_by("pk"))
    Member.objects.bulk_create(
        [
            Member(name=f"Town {i}", slug=f"t-{i}", population=rng.randint(500, 200_000))
            for i in range(members)
        ],
        batch_size=5000,
    )
    mems = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    ConsortiumMember.objects.bulk_create(
        [ConsortiumMember(consortium=cons[i % consortia], member_id=pk) for i, pk in enumerate(mems)],
        batch_size=5000,
    )
    # Two staff per member and two council people per consortium.
    unusable = make_password(None)  # nobody signs in as these people
    users = [User(email=f"staff{i}@bench.example", password=unusable) for i in range(2 * members)]
    users += [User(email=f"council{i}@bench.example", password=unusable) for i in range(2 * consortia)]
    User.objects.bulk_create(users, batch_size=5000)
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    grants = []
    for i, member_pk in enumerate(mems):
        c = cons[i % consortia]
        grants.append(
            Membership(user_id=user_ids[2 * i], consortium=c, member_id=member_pk, role="member_admin")
        )
        grants.append(
            Membership(user_id=user_ids[2 * i + 1], consortium=c, member_id=member_pk, role="member_staff")
        )
    base = 2 * members
    for j, c in enumerate(cons):
        grants.append(Membership(user_id=user_ids[base + 2 * j], consortium=c, role="consortium_admin"))
        grants.append(Membership(user_id=user_ids[base + 2 * j + 1], consortium=c, role="consortium_staff"))
    Membership.objects.bulk_create(grants, batch_size=5000)

    # Audit events spread over all consortia, written in bulk with SQL (the chain itself is not
    # what is measured here; triggers forbid only UPDATE and DELETE).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_auditevent (seq, occurred_at, actor_id, actor_label, consortium_id, member_id,
                action, object_type, object_id, object_repr, before, after, ip_address, request_id,
                prev_hash, hash, key_id)
            SELECT g, now() - (g || ' seconds')::interval, NULL, 'bench', %s + (g %% %s), NULL,
                'bench.event', 'tenancy.member', g::text, 'Town', NULL, NULL, NULL, '',
                %s, md5(g::text) || md5((g + 1)::text), ''
            FROM generate_series(1, %s) AS g
            """,
            [cons[0].pk, consortia, GENESIS, events],
        )
        cursor.execute("ANALYZE")
    return {
        "seconds": time.perf_counter() - start,
        "council_admin": User.objects.get(pk=user_ids[base]),
        "member_staff": User.objects.get(pk=user_ids[1]),
        "consortium": cons[0],
        "own_member": mems[0],
        "other_member": mems[1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--consortia", type=int, default=100)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (it is emptied).")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.http import Http404

    from interlocal.audit.models import AuditEvent
    from interlocal.tenancy.models import Member, Membership
    from interlocal.tenancy.queries import get_member_for_user

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    world = build(args.consortia, args.members, args.events)
    admin, staff = world["council_admin"], world["member_staff"]
    print(
        f"built {args.consortia} consortia, {args.members} members, {2 * args.members + 2 * args.consortia} "
        f"people, {args.events} audit events in {world['seconds']:.1f} s"
    )

    def directory() -> None:
        list(Member.objects.visible_to(staff).in_consortium(world["consortium"]).order_by("name")[:50])

    def memberships() -> None:
        list(Membership.objects.visible_to(staff).select_related("user", "member", "consortium")[:50])

    def audit_page() -> None:
        list(AuditEvent.objects.visible_to(admin).order_by("-seq")[:50])

    def audit_count() -> None:
        AuditEvent.objects.visible_to(admin).count()

    def get_allowed() -> None:
        get_member_for_user(staff, world["own_member"])

    def get_refused() -> None:
        with contextlib.suppress(Http404):
            get_member_for_user(admin, world["other_member"] + 10**9)

    rows = [
        ("member directory, first 50 (member staff)", directory),
        ("memberships visible to a person, first 50", memberships),
        ("audit trail page, first 50 (consortium admin)", audit_page),
        (f"audit trail count ({args.events // args.consortia} of {args.events} rows)", audit_count),
        ("get_member_for_user, allowed", get_allowed),
        ("get_member_for_user, missing (404)", get_refused),
    ]
    print("\n| read | median ms | max ms |\n| --- | ---: | ---: |")
    for label, fn in rows:
        median, worst = timed(fn, args.repeat)
        print(f"| {label} | {median:.2f} | {worst:.2f} |")


if __name__ == "__main__":
    main()
