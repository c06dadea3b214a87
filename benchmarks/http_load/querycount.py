"""Query count (and in-process time) of every page of a plan, with Django's test client.

Each page is requested once to warm up, then once under CaptureQueriesContext. Runs with the
server's environment (same secret key as the plan's sessions). Output: JSON
`{persona: {page: {"status", "queries", "ms"}}}`.

    .venv/bin/python benchmarks/http_load/querycount.py --plan plan.json --out counts.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")


def explain(connection: Any, queries: list[dict[str, str]], title: str) -> None:
    """Each query's time, then the plans of the two slowest SELECTs, to stdout."""
    print(f"\n## {title}: {len(queries)} queries")
    for i, q in enumerate(queries):
        print(f"{i:3} {float(q['time']) * 1000:8.1f} ms  {q['sql'][:160]}")
    slowest = sorted(
        (q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")),
        key=lambda q: -float(q["time"]),
    )[:2]
    with connection.cursor() as cursor:
        for q in slowest:
            print(f"\n{q['sql']}\n")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {q['sql']}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--explain",
        action="append",
        default=[],
        metavar="PERSONA:PAGE",
        help="for this page, print every query's time and EXPLAIN ANALYZE of the two slowest (repeatable)",
    )
    parser.add_argument("--only", action="append", default=[], metavar="PERSONA:PAGE")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = json.loads(Path(args.plan).read_text())
    result: dict[str, dict[str, dict[str, object]]] = {}
    for persona, entry in plan["personas"].items():
        client = Client()
        headers: dict[str, str] = {}
        if entry["cookie"]:
            client.cookies[settings.SESSION_COOKIE_NAME] = entry["cookie"].split("=", 1)[1]
        result[persona] = {}
        for page in entry["pages"]:
            if args.only and f"{persona}:{page['name']}" not in args.only:
                continue
            extra = (
                {"Authorization": f"Bearer {entry['token']}"} if page["api"] and entry["token"] else headers
            )
            client.get(page["path"], headers=extra)  # warm-up (caches, token last-used stamp)
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(page["path"], headers=extra)
                ms = (time.perf_counter() - start) * 1000
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            if f"{persona}:{page['name']}" in args.explain:
                explain(connection, ctx.captured_queries, f"{persona}: {page['name']} ({page['path']})")
            result[persona][page["name"]] = {
                "status": response.status_code,
                "queries": len(ctx),
                "ms": round(ms, 1),
            }
            print(
                f"{persona:17} {page['name']:36} {response.status_code} {len(ctx):4} q {ms:8.1f} ms",
                file=sys.stderr,
            )
    Path(args.out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
