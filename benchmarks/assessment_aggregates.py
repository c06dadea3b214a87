"""Assessment analytics at national scale: all aggregates for all peer groups and the matrix.

Setup (once; about 10 minutes for 6 million answers):

    createdb -h 127.0.0.1 -U postgres interlocal_bench_assess
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench_assess
    .venv/bin/interlocal migrate
    .venv/bin/interlocal generate assessment --members 20000 --questions 300 --seed 1
    .venv/bin/interlocal generate assessment --members 500 --questions 231 --seed 2

Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench_assess \\
        .venv/bin/python benchmarks/assessment_aggregates.py --repeat 3

What is measured, in the same run:

1. load: the campaign's numeric answers from PostgreSQL into numpy arrays (`analytics.loading._answer_arrays`,
   the loader the pages use: one query whose result is one bytea of binary records) — reported
   separately, and added to the engine's time ("load + engine").
2. engine: from those arrays, every aggregate (n, mean, SD, quartiles) for every peer group (all
   members, population bands, kinds of member, custom groups) per question and per area dimension,
   the members' area scores, the matrix (priority and readiness per area, per member and per
   group) and the disclosure verdict of every figure (`engine.analyse`).
3. pandas: a straightforward pandas groupby over the same arrays computing the same statistics
   (per group: count, mean, std, median, quartiles per question; member area means, then the same
   per area dimension; priority and readiness per member and their statistics per group) — without
   suppression, which pandas has no equivalent for.
4. report page: the campaign report at 500 members, server time in-process (Django test client,
   view + template), first request after a cache clear and a repeat request.

Every line gives the wall time and the CPU time of this process (`time.process_time`): the machine
may be shared, and the load average is printed at the start and the end. The database server's
own time shows in the wall time only (it runs in another process).

The planner needs statistics after a bulk load: if the answers table was never analysed (e.g.
autovacuum off), the script runs ANALYZE on it and the responses first, and says so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from interlocal.accounts.models import User  # noqa: E402
from interlocal.assessment import analytics  # noqa: E402
from interlocal.assessment.analytics import build as analytics_build  # noqa: E402
from interlocal.assessment.analytics import loading as analytics_loading  # noqa: E402
from interlocal.assessment.engine import DIMENSIONS, Dataset, analyse  # noqa: E402
from interlocal.assessment.models import Answer, Campaign, Question, Response  # noqa: E402
from interlocal.tenancy.models import Membership  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


CPU: dict[int, list[float]] = {}


def timed(fn, repeat: int):  # type: ignore[no-untyped-def]
    """Wall-clock times of `repeat` calls; this process's CPU times are kept in CPU[id(times)]."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[id(times)] = cpu
    return result, times


def fmt(times: list[float]) -> str:
    cpu = CPU.get(id(times), [])
    extra = f"; CPU of this process median {statistics.median(cpu):.3f} s" if cpu else ""
    return f"wall median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}){extra}"


def dataset_for(campaign: Campaign, answers) -> tuple[Dataset, np.ndarray]:  # type: ignore[no-untyped-def]
    """The engine's inputs, built exactly as analytics.build_analytics does (minus the engine call)."""
    members, custom = analytics.campaign_inputs(campaign)
    # build_analytics with a stub engine would duplicate code: reuse it and time the engine apart.
    ca = analytics.build_analytics(campaign, members, custom, answers=answers)
    return ca, ca.group_masks


def pandas_baseline(m: np.ndarray, q: np.ndarray, v: np.ndarray, question_area, question_dim, masks):  # type: ignore[no-untyped-def]
    """Straightforward pandas: one groupby per peer group for questions, areas and the matrix."""
    df = pd.DataFrame({"member": m, "question": q, "num": v})
    df["area"] = question_area[q]
    df["dim"] = question_dim[q]

    def stats(frame: pd.DataFrame, keys: list[str], col: str) -> pd.DataFrame:
        g = frame.groupby(keys)[col]
        out = g.agg(["count", "mean", "std", "median"])
        out["q1"] = g.quantile(0.25)
        out["q3"] = g.quantile(0.75)
        return out

    scaled = df[(df["area"] >= 0) & (df["dim"] >= 0)]
    member_area = scaled.groupby(["member", "area", "dim"], as_index=False)["num"].mean()
    wide = member_area.pivot_table(index=["member", "area"], columns="dim", values="num")
    wide = wide.reindex(columns=range(len(DIMENSIONS)))
    matrix = pd.DataFrame(
        {
            "priority": wide[[1, 2]].mean(axis=1),
            "readiness": wide[[3, 4]].mean(axis=1),
        }
    ).reset_index()
    results = []
    for mask in masks:
        members = np.flatnonzero(mask)
        results.append(stats(df[df["member"].isin(members)], ["question"], "num"))
        results.append(stats(member_area[member_area["member"].isin(members)], ["area", "dim"], "num"))
        part = matrix[matrix["member"].isin(members)]
        results.append(stats(part, ["area"], "priority"))
        results.append(stats(part, ["area"], "readiness"))
    return results


def bench_national(campaign: Campaign, repeat: int) -> None:
    print(f"campaign {campaign.pk}: {campaign.name}")
    answers, load_times = timed(lambda: analytics_loading._answer_arrays(campaign.pk), repeat)
    m_ids, q_ids, v = answers
    print(f"  answers: {len(v):,}")
    print(f"  load from PostgreSQL into arrays: {fmt(load_times)}")
    ca, masks = dataset_for(campaign, answers)
    print(
        f"  members {len(ca.members):,}, questions {len(ca.questions)}, areas {len(ca.areas)}, "
        f"peer groups {len(ca.groups)}: {', '.join(g.label for g in ca.groups)}"
    )
    # The same arrays the engine sees: indices, not ids (every answer's member and question is
    # among the campaign's: all responses are submitted).
    member_ids = np.array([m.id for m in ca.members], dtype=np.int64)
    question_ids = np.array([q.id for q in ca.questions], dtype=np.int64)
    m_order, q_order = np.argsort(member_ids), np.argsort(question_ids)
    m_idx = m_order[np.searchsorted(member_ids[m_order], m_ids)]
    q_idx = q_order[np.searchsorted(question_ids[q_order], q_ids)]
    assert (member_ids[m_idx] == m_ids).all() and (question_ids[q_idx] == q_ids).all()
    dims = {d: i for i, d in enumerate(DIMENSIONS)}
    question_area = np.array([q.area for q in ca.questions], dtype=np.int64)
    question_dim = np.array(
        [dims.get(q.dimension, -1) if q.kind == Question.Kind.SCALED else -1 for q in ca.questions],
        dtype=np.int64,
    )
    data = Dataset(
        n_members=len(ca.members),
        n_questions=len(ca.questions),
        n_areas=len(ca.areas),
        private=np.array([not x.named for x in ca.members]),
        question_area=question_area,
        question_dimension=question_dim,
        member=m_idx,
        question=q_idx,
        value=v,
    )
    k = analytics.min_members()
    result, engine_times = timed(lambda: analyse(data, masks, k=k), repeat)
    print(f"  engine (all groups: questions, areas, matrix, suppression): {fmt(engine_times)}")
    print(
        f"  load + engine (medians): wall {statistics.median(load_times) + statistics.median(engine_times):.3f} s; "
        f"CPU of this process {statistics.median(CPU[id(load_times)]) + statistics.median(CPU[id(engine_times)]):.3f} s"
    )
    shown = int(
        result.questions.published.sum() + result.areas.published.sum() + result.matrix.published.sum()
    )
    total = result.questions.published.size + result.areas.published.size + result.matrix.published.size
    print(f"    figures published {shown:,} of {total:,}")
    _pd, pandas_times = timed(
        lambda: pandas_baseline(m_idx, q_idx, v, question_area, question_dim, masks), repeat
    )
    print(f"  pandas groupby (same statistics, no suppression): {fmt(pandas_times)}")
    print(
        f"  speed-up engine vs pandas (medians): "
        f"{statistics.median(pandas_times) / statistics.median(engine_times):.1f}x"
    )
    # Cross-check one figure against pandas: the mean of question 0 for all members.
    expected = float(v[q_idx == 0].mean())
    assert abs(result.questions.mean[0, 0] - expected) < 1e-9, (result.questions.mean[0, 0], expected)


def bench_report(campaign: Campaign, repeat: int) -> None:
    print(f"campaign {campaign.pk}: {campaign.name} (report page)")
    user, _ = User.objects.get_or_create(email="bench-analytics@example.org", defaults={"full_name": "Bench"})
    Membership.objects.get_or_create(
        user=user, consortium=campaign.consortium, member=None, role="consortium_staff"
    )
    client = Client()
    client.force_login(user)
    url = reverse("assessment:analytics_report", args=[campaign.pk])

    def cold():  # type: ignore[no-untyped-def]
        analytics_build._CACHE.clear()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def warm():  # type: ignore[no-untyped-def]
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    cold()  # first request of the process: imports, template compilation
    with CaptureQueriesContext(connection) as captured:
        cold()
    print(f"  queries on a first request: {len(captured.captured_queries)}")
    _r, cold_times = timed(cold, max(repeat, 5))
    _r, warm_times = timed(warm, max(repeat, 5))
    print(f"  first request after a cache clear (loads and computes): {fmt(cold_times)}")
    print(f"  repeat request (analysis kept in memory): {fmt(warm_times)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--national", type=int, help="Campaign id of the national-scale campaign.")
    parser.add_argument("--report", type=int, help="Campaign id of the 500-member campaign.")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; figures are not comparable", file=sys.stderr)
    else:
        analyse_if_never_analysed()
    campaigns = Campaign.objects.annotate().order_by("pk")
    by_size = {c.pk: c.responses.count() for c in campaigns}
    national = args.national or max(by_size, key=by_size.get)
    report = args.report or min(
        (pk for pk, n in by_size.items() if n >= 400), key=lambda pk: by_size[pk], default=None
    )
    bench_national(Campaign.objects.select_related("consortium").get(pk=national), args.repeat)
    if report:
        bench_report(Campaign.objects.select_related("consortium").get(pk=report), args.repeat)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def analyse_if_never_analysed() -> None:
    """ANALYZE the answers and responses if PostgreSQL has no statistics for them yet.

    Without statistics after a bulk load the planner guesses a handful of responses and picks a
    nested loop over the answers' indexes: minutes instead of seconds.
    """
    tables = [Answer._meta.db_table, Response._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = ANY(%s) "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL",
            [tables],
        )
        (never,) = cursor.fetchone()
        if never:
            print("  no planner statistics yet: ANALYZE " + ", ".join(tables))
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


if __name__ == "__main__":
    main()
