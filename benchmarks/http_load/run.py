"""HTTP load harness: data at production scale, a production-like server, locust, query counts.

One command runs it all:

    .venv/bin/python benchmarks/http_load/run.py --scale 1.0 --users 20 --run-time 60s

1. Generates (or reuses, see generate.py) the data at `--scale` in DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/interlocal_bench_http) and at `--small-scale` (0.01) in the
   same database name with `_small` appended, for the query-count comparison.
2. Collects static files and creates, in each database, a signed-in session and an API token for
   every persona (plan.py), then counts each page's queries at both sizes (querycount.py, Django's
   test client) and flags pages whose count grows with the data.
3. Serves the app with gunicorn on 127.0.0.1 (a free port, `--workers 2`, INTERLOCAL_ENV=production,
   DEBUG off; see common.server_env), runs locust headless against it once per persona
   (`--users` clients, `--run-time` each, think time `--wait`), and stops the server.
4. Prints a table ("alone ms": one request in-process through the test client, on the large
   data, no concurrency; p50/p95 per page from locust's CSV stats, queries at both sizes, the target:
   p95 under 150 ms for list pages and API lists) and writes var/http_load/results-<scale>-u<N>.json
   and .md (N = --users; `-counts` with --skip-load). The machine's load average is recorded before and after each scenario.

Only 127.0.0.1 is ever a target; every request loop is bounded by `--run-time` and per user by
`--max-requests`. `--skip-load` only counts queries (`--only PERSONA:PAGE` just those pages); `--skip-counts` only loads. To see why a
page is slow: `--skip-load --explain "consortium_admin:solicitations (list)"` prints each of its
queries with its time and the EXPLAIN ANALYZE of the two slowest.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BENCH_AUDIT_KEY,
    DEFAULT_DB,
    HERE,
    OUT,
    ROOT,
    VENV_BIN,
    new_secrets,
    server_env,
)

PERSONAS = [
    "consortium_admin",
    "consortium_staff",
    "member_admin",
    "member_staff",
    "observer",
    "vendor",
    "anonymous",
]
TARGET_MS = 150


def log(msg: str) -> None:
    print(f"[run {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def python(script: str, *args: str, env: dict[str, str]) -> None:
    subprocess.run([str(VENV_BIN / "python"), str(HERE / script), *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def small_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1] + "_small"


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],  # noqa: S607
        capture_output=True,
        check=False,
    )


class Server:
    """gunicorn on 127.0.0.1, started and stopped by the harness."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(OUT / "gunicorn.log", "ab")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(  # noqa: S603
            [str(VENV_BIN / "gunicorn"), "interlocal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "10"],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        for _ in range(60):  # bounded: 60 tries, about a minute
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"gunicorn stopped at start-up (exit {self.proc.returncode}); see {OUT}/gunicorn.log"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:  # noqa: S310 (loopback)
                    if r.status == 200:
                        log(f"gunicorn pid {self.proc.pid} serving {self.url} ({workers} workers)")
                        return
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within a minute")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM to the gunicorn master (its own pid): graceful stop
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        log("gunicorn stopped")


def run_locust(server: Server, plan_path: Path, persona: str, args: argparse.Namespace) -> dict[str, Any]:
    prefix = OUT / f"locust-{args.scale}-u{args.users}-{persona}"
    env = dict(os.environ)
    env.update(
        HTTP_LOAD_PLAN=str(plan_path), HTTP_LOAD_PERSONA=persona, HTTP_LOAD_WAIT=args.wait,
        HTTP_LOAD_MAX_REQUESTS=str(args.max_requests),
    )  # fmt: skip
    before = load_average()
    subprocess.run(  # noqa: S603 (exit 1 when any request failed: read from the CSV instead)
        [str(VENV_BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--users", str(args.users),
         "--spawn-rate", str(args.users), "--run-time", args.run_time, "--stop-timeout", "5",
         "--host", server.url, "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        env=env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=open(f"{prefix}.log", "w"),  # noqa: SIM115
        timeout=_seconds(args.run_time) + 120,
    )  # fmt: skip
    after = load_average()
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                rows["_all"] = row
                continue
            rows[row["Name"]] = row
    return {"load_before": before, "load_after": after, "rows": rows}


def _seconds(run_time: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return int(float(run_time[:-1]) * units[run_time[-1]]) if run_time[-1] in units else int(run_time)


def is_list(name: str) -> bool:
    return "(list)" in name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small-scale", type=float, default=0.01)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--run-time", default="60s", help="per persona (locust --run-time)")
    parser.add_argument(
        "--wait", default="0.5,1.5", help="think time per user between requests, min,max seconds"
    )
    parser.add_argument("--max-requests", type=int, default=2000, help="per user and persona")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--personas", nargs="+", default=PERSONAS, choices=PERSONAS)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-counts", action="store_true")
    parser.add_argument(
        "--explain",
        action="append",
        default=[],
        metavar="PERSONA:PAGE",
        help="print query times and EXPLAIN ANALYZE of this page on the large data (repeatable)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PERSONA:PAGE",
        help="count (and --explain) only these pages, on the large data only; implies --skip-load",
    )
    args = parser.parse_args()
    if args.only:
        args.skip_load = True
    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    if not url.startswith("postgres://") or "@127.0.0.1:" not in url and "@localhost:" not in url:
        sys.exit("DATABASE_URL must be a PostgreSQL database on 127.0.0.1")
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    secret, bid_key = new_secrets()
    dbs = {"large": (args.scale, url)}
    if not args.skip_counts and not args.only:
        dbs["small"] = (args.small_scale, small_url(url))
    info: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "args": vars(args),
    }
    for label, (scale, db) in dbs.items():
        ensure_database(db)
        t = time.perf_counter()
        log(f"data at scale {scale} ({label}) in {db.rsplit('/', 1)[1]}")
        python(
            "generate.py",
            "--scale",
            str(scale),
            env={**os.environ, "DATABASE_URL": db, "INTERLOCAL_AUDIT_KEY": BENCH_AUDIT_KEY},
        )
        info[f"generate_{label}_s"] = round(time.perf_counter() - t, 1)
    env_large = server_env(url, secret, bid_key)
    python("collectstatic.py", env=env_large)
    plans: dict[str, Path] = {}
    counts: dict[str, Any] = {}
    for label, (scale, db) in dbs.items():
        env = server_env(db, secret, bid_key)
        plans[label] = OUT / f"plan-{scale}.json"
        python("plan.py", "--out", str(plans[label]), env=env)
        if not args.skip_counts:
            log(f"query counts at scale {scale}")
            out = OUT / f"counts-{scale}.json"
            explain = [x for page in args.explain for x in ("--explain", page)] if label == "large" else []
            explain += [x for page in args.only for x in ("--only", page)]
            python("querycount.py", "--plan", str(plans[label]), "--out", str(out), *explain, env=env)
            counts[label] = json.loads(out.read_text())
    plan = json.loads(plans["large"].read_text())
    load: dict[str, Any] = {}
    if not args.skip_load:
        server = Server(env_large, args.workers)
        try:
            for persona in args.personas:
                log(f"locust: {persona}, {args.users} users, {args.run_time} (load average {load_average()})")
                load[persona] = run_locust(server, plans["large"], persona, args)
        finally:
            server.stop()
    info["total_s"] = round(time.perf_counter() - started, 1)
    report(args, plan, counts, load, info)


def report(args: argparse.Namespace, plan: dict[str, Any], counts: dict[str, Any], load: dict[str, Any],
           info: dict[str, Any]) -> None:  # fmt: skip
    tag = "counts" if args.skip_load else f"u{args.users}"
    rows = []
    for persona in args.personas:
        for page in plan["personas"][persona]["pages"]:
            name = page["name"]
            small = counts.get("small", {}).get(persona, {}).get(name, {})
            large = counts.get("large", {}).get(persona, {}).get(name, {})
            stats = load.get(persona, {}).get("rows", {}).get(name)
            row = {
                "persona": persona, "page": name, "path": page["path"], "list": is_list(name),
                "status": large.get("status"), "queries_small": small.get("queries"),
                "queries_large": large.get("queries"), "inprocess_ms_large": large.get("ms"),
            }  # fmt: skip
            if stats:
                row.update(
                    requests=int(stats["Request Count"]), failures=int(stats["Failure Count"]),
                    p50=float(stats["50%"]), p95=float(stats["95%"]), max=float(stats["Max Response Time"]),
                )  # fmt: skip
            row["grows"] = (
                row["queries_small"] is not None
                and row["queries_large"] is not None
                and row["queries_large"] > row["queries_small"]
            )
            row["misses"] = bool(row["list"] and row.get("p95") is not None and row["p95"] >= TARGET_MS)
            rows.append(row)
    result = {**info, "scale": plan["scale"], "sizes": plan["sizes"], "load": {
        p: {k: v for k, v in d.items() if k != "rows"} | {"total": d["rows"].get("_all")} for p, d in load.items()
    }, "pages": rows}  # fmt: skip
    (OUT / f"results-{plan['scale']}-{tag}.json").write_text(json.dumps(result, indent=2))

    def fmt(v: Any) -> str:
        return "" if v is None else (f"{v:.0f}" if isinstance(v, float) else str(v))

    lines = [
        "| persona | page | queries (small) | queries (large) | alone ms | p50 ms | p95 ms | requests | failures | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        notes = []
        if r["grows"]:
            notes.append("queries grow")
        if r["misses"]:
            notes.append(f"p95 ≥ {TARGET_MS} ms")
        if r["status"] not in (None, 200):
            notes.append(f"HTTP {r['status']}")
        lines.append(
            f"| {r['persona']} | {r['page']} | {fmt(r['queries_small'])} | {fmt(r['queries_large'])} | "
            f"{fmt(r['inprocess_ms_large'])} | "
            f"{fmt(r.get('p50'))} | {fmt(r.get('p95'))} | {fmt(r.get('requests'))} | {fmt(r.get('failures'))} | "
            f"{'; '.join(notes)} |"
        )
    lines.append("")
    for persona, d in load.items():
        total = d["rows"].get("_all", {})
        lines.append(
            f"- {persona}: {total.get('Request Count')} requests, {float(total.get('Requests/s', 0)):.1f}/s, "
            f"load average {d['load_before']} before, {d['load_after']} after"
        )
    text = "\n".join(lines)
    (OUT / f"results-{plan['scale']}-{tag}.md").write_text(text + "\n")
    print(text)
    print(f"\nresults: {OUT}/results-{plan['scale']}-{tag}.json (total {info['total_s']:.0f} s)")


if __name__ == "__main__":
    main()
