"""Benchmark: appending to the audit chain, and verifying a long chain.

1. `--append N` events through audit.record() one transaction each (the real write path, with
   the chain head locked), single writer: events per second.
2. A valid chain of `--chain N` events written in bulk (hashes computed exactly as record() does),
   then `interlocal audit verify` over all of it: seconds and the process's peak memory.

Usage (a database of its own; it is emptied):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench \\
        .venv/bin/python benchmarks/audit_chain.py --append 5000 --chain 1000000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--append", type=int, default=5000)
    parser.add_argument("--chain", type=int, default=1_000_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (it is emptied).")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from interlocal import audit
    from interlocal.audit.chain import event_hash
    from interlocal.audit.keys import current_key
    from interlocal.audit.models import AuditEvent, AuditHead
    from interlocal.tenancy.models import Consortium

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    consortium = Consortium.objects.create(name="Bench", slug="bench")

    start = time.perf_counter()
    for i in range(args.append):
        audit.record(None, "bench.appended", consortium, after={"i": i}, actor_label="bench")
    append_s = time.perf_counter() - start
    print(
        f"append through record(): {args.append} events in {append_s:.1f} s = {args.append / append_s:.0f} events/s"
    )

    # Continue the same chain in bulk up to --chain events, hashing as record() does.
    kid, key = current_key()
    head = AuditHead.objects.get(pk=1)
    seq, prev = head.last_seq, head.last_hash
    base = datetime(2026, 1, 1, tzinfo=UTC)
    start = time.perf_counter()
    batch: list[AuditEvent] = []
    while seq < args.chain:
        seq += 1
        event = AuditEvent(
            seq=seq,
            occurred_at=base + timedelta(seconds=seq),
            actor_label="bench",
            consortium_id=consortium.pk,
            action="bench.bulk",
            object_type="tenancy.consortium",
            object_id=str(consortium.pk),
            object_repr="Bench",
            after={"seq": seq},
            request_id="",
            prev_hash=prev,
            key_id=kid,
        )
        event.hash = event_hash(prev, event.chain_fields(), key)
        prev = event.hash
        batch.append(event)
        if len(batch) == 20_000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
    AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    print(f"bulk chain written: {seq} events in {time.perf_counter() - start:.0f} s")

    # Verify in a process of its own, as an operator runs it. The child reports the high-water
    # mark of its own address space (VmHWM): Linux carries the pre-exec peak of a forked child
    # into ru_maxrss, which would count this (large) process instead.
    child = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('audit', 'verify'); "
        "print('peak_kb', next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    start = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", child], capture_output=True, text=True, check=False
    )
    verify_s = time.perf_counter() - start
    lines = result.stdout.strip().splitlines()
    peak = next((int(x.split()[1]) for x in lines if x.startswith("peak_kb")), 0) / 1024
    print("\n".join(x for x in lines if not x.startswith("peak_kb")) or result.stderr.strip())
    print(
        f"audit verify: {seq} events in {verify_s:.1f} s = {seq / verify_s:,.0f} events/s; peak memory {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
