"""`interlocal generate assessment --members N [--questions Q] [--seed S]`: synthetic data for the
analytics benchmark.

Creates a consortium of N members (populations spread like real municipalities, several kinds),
a template of Q questions over the standard service areas (the five rated dimensions per area
first, then numbers, yes/no and contract end dates), a closed campaign in which every member has
submitted, a mix of "by name" and "aggregates only" choices, two custom peer groups, and the
answers (`assessment.demo.synthesise`: small towns less ready, some areas clearly pressing,
clustered contract ends). Rows are inserted in bulk: on PostgreSQL the answers go in through one
binary COPY built with numpy; elsewhere through bulk_create in batches.

Prints the campaign id on the last line.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from argparse import ArgumentParser
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from interlocal.assessment.demo import synthesise
from interlocal.assessment.models import (
    Answer,
    Campaign,
    PeerGroup,
    Question,
    Response,
    Section,
    Template,
    TemplateVersion,
)
from interlocal.taxonomy.models import ServiceArea
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member

DIMENSIONS = ["satisfaction", "pressing", "future", "readiness", "sharing"]
# After the five rated dimensions, an area's further questions cycle through these.
EXTRA = [
    ("number", ""),
    ("number", ""),
    ("yes_no", ""),
    ("date", ""),
    ("scaled", "pressing"),
    ("scaled", "readiness"),
    ("number", ""),
    ("scaled", "satisfaction"),
    ("scaled", "future"),
]
KINDS = [Member.Kind.TOWN] * 6 + [Member.Kind.CITY] * 2 + [Member.Kind.COUNTY, Member.Kind.MUNICIPAL_DISTRICT]


class Command(BaseCommand):
    help = "Generate synthetic data (for now: `assessment`, a completed campaign) for benchmarks."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["assessment"], help="What to generate.")
        parser.add_argument("--members", type=int, required=True, help="Number of members (1–100000).")
        parser.add_argument(
            "--questions", type=int, default=300, help="Number of questions (5–2000, default 300)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        n, q, seed = options["members"], options["questions"], options["seed"]
        if not 1 <= n <= 100_000:
            raise CommandError("--members: give 1 to 100000")
        if not 5 <= q <= 2000:
            raise CommandError("--questions: give 5 to 2000")
        started = time.perf_counter()
        campaign = generate_assessment(n, q, seed, log=self.stderr.write)
        if connection.vendor == "postgresql":
            # Planner statistics for the bulk-loaded tables (autovacuum may be off or not have run
            # yet; without them PostgreSQL plans the analysis queries as if the tables were empty).
            with connection.cursor() as cursor:
                for model in (Answer, Response, Question):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
            self.stderr.write("tables analysed")
        self.stderr.write(f"done in {time.perf_counter() - started:.1f} s")
        self.stdout.write(str(campaign.pk))


def generate_assessment(n_members: int, n_questions: int, seed: int, *, log: Any = None) -> Campaign:
    """Create the consortium, members, template, campaign, responses and answers; return the campaign."""
    rng = np.random.default_rng(seed)
    log = log or (lambda _m: None)
    areas = list(ServiceArea.objects.filter(consortium__isnull=True).order_by("sort_order", "pk"))
    if not areas:
        raise CommandError("the standard service areas are missing: run `interlocal migrate` first")
    tag = f"gen-{seed}-{n_members}-{n_questions}-{int(time.time())}"
    with transaction.atomic():
        consortium = Consortium.objects.create(name=f"Generated consortium {tag}", slug=tag[:80])
        populations = np.clip(rng.lognormal(9.0, 1.25, size=n_members), 300, 3_000_000).astype(np.int64)
        kinds = [KINDS[i] for i in rng.integers(0, len(KINDS), size=n_members)]
        members = Member.objects.bulk_create(
            [
                Member(
                    name=f"Member {i:05d}",
                    slug=f"{tag}-m{i}"[:80],
                    kind=kinds[i],
                    population=int(populations[i]),
                )
                for i in range(n_members)
            ],
            batch_size=5000,
        )
        ConsortiumMember.objects.bulk_create(
            [ConsortiumMember(consortium=consortium, member=m) for m in members], batch_size=5000
        )
        log(f"{n_members} members")
        template = Template.objects.create(consortium=consortium, name=f"Generated template {tag}")
        version = TemplateVersion.objects.create(template=template, number=1, is_locked=True)
        sections = Section.objects.bulk_create(
            [Section(version=version, area=a, title=a.name, order=i) for i, a in enumerate(areas)]
        )
        specs = []
        for i in range(n_questions):
            a = i % len(areas)
            j = i // len(areas)
            kind, dim = (
                ("scaled", DIMENSIONS[j])
                if j < len(DIMENSIONS)
                else EXTRA[(j - len(DIMENSIONS)) % len(EXTRA)]
            )
            specs.append((a, kind, dim, j))
        questions = Question.objects.bulk_create(
            [
                Question(
                    section=sections[a],
                    version=version,
                    code=f"{areas[a].code}.q{j}",
                    text=f"{areas[a].name}: question {j + 1}",
                    kind=kind,
                    dimension=dim,
                    unit="USD/year" if kind == "number" else "",
                    order=j,
                )
                for a, kind, dim, j in specs
            ],
            batch_size=2000,
        )
        log(f"{n_questions} questions")
        now = timezone.now()
        campaign = Campaign.objects.create(
            consortium=consortium,
            name=f"Generated campaign {tag}",
            template_version=version,
            opens_at=now - dt.timedelta(days=60),
            deadline=now - dt.timedelta(days=1),
            status=Campaign.Status.CLOSED,
            closed_at=now,
        )
        named = rng.random(n_members) < 0.45
        responses = Response.objects.bulk_create(
            [
                Response(
                    campaign=campaign,
                    member=m,
                    status=Response.Status.SUBMITTED,
                    visibility=Response.Visibility.NAMED if named[i] else Response.Visibility.AGGREGATE,
                    source=Response.Source.XLSX,
                    answered_count=n_questions,
                    submitted_at=now,
                )
                for i, m in enumerate(members)
            ],
            batch_size=5000,
        )
        for name, share in (("Lakeside members", 0.05), ("Shared dispatch area", 0.02)):
            group = PeerGroup.objects.create(consortium=consortium, name=name)
            picked = np.flatnonzero(rng.random(n_members) < share)
            group.members.set([members[i].pk for i in picked])
        synth = synthesise(
            rng,
            populations,
            np.array([a for a, _k, _d, _j in specs]),
            [k for _a, k, _d, _j in specs],
            [d for _a, _k, d, _j in specs],
            pressing_areas=rng.choice(len(areas), size=min(4, len(areas)), replace=False),
            n_areas=len(areas),
        )
        log(f"{len(synth.member)} answers synthesised")
        _insert_answers(
            synth,
            response_ids=np.array([r.pk for r in responses], dtype=np.int64),
            member_ids=np.array([m.pk for m in members], dtype=np.int64),
            question_ids=np.array([x.pk for x in questions], dtype=np.int64),
            campaign_id=campaign.pk,
            now=now,
        )
        log("answers stored")
    return campaign


def _insert_answers(
    synth: Any,
    *,
    response_ids: np.ndarray,
    member_ids: np.ndarray,
    question_ids: np.ndarray,
    campaign_id: int,
    now: dt.datetime,
) -> None:
    if connection.vendor == "postgresql":
        _copy_answers(synth, response_ids, member_ids, question_ids, campaign_id, now)
        return
    batch: list[Answer] = []
    for i in range(len(synth.member)):
        m, q = int(synth.member[i]), int(synth.question[i])
        num = float(synth.num[i])
        date = dt.date.fromordinal(int(synth.date[i])) if synth.date[i] else None
        batch.append(
            Answer(
                response_id=int(response_ids[m]),
                question_id=int(question_ids[q]),
                campaign_id=campaign_id,
                member_id=int(member_ids[m]),
                num=num if np.isfinite(num) else None,
                date=date,
            )
        )
        if len(batch) >= 5000:
            Answer.objects.bulk_create(batch)
            batch = []
    if batch:
        Answer.objects.bulk_create(batch)


PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
PG_EPOCH_DAY = dt.date(2000, 1, 1).toordinal()


def _copy_answers(
    synth: Any,
    response_ids: np.ndarray,
    member_ids: np.ndarray,
    question_ids: np.ndarray,
    campaign_id: int,
    now: dt.datetime,
) -> None:
    """One binary COPY: each row is built as a fixed-layout numpy record (no Python per row).

    Columns: response_id, question_id, campaign_id, member_id (int8), num (float8 or NULL),
    text (empty), date (NULL or a date), choices (jsonb "[]"), updated_at (timestamptz).
    """

    has_num = np.isfinite(synth.num)
    has_date = synth.date > 0
    # Two layouts: rows with a number (date NULL) and rows with a date (num NULL).
    common = [
        ("nfields", ">i2"),
        ("l_resp", ">i4"),
        ("resp", ">i8"),
        ("l_q", ">i4"),
        ("q", ">i8"),
        ("l_c", ">i4"),
        ("c", ">i8"),
        ("l_m", ">i4"),
        ("m", ">i8"),
    ]
    tail = [("l_text", ">i4"), ("l_choices", ">i4"), ("choices", "S3"), ("l_ts", ">i4"), ("ts", ">i8")]
    num_dtype = np.dtype([*common, ("l_num", ">i4"), ("num", ">f8"), *tail[:1], ("l_date", ">i4"), *tail[1:]])
    date_dtype = np.dtype(
        [*common, ("l_num", ">i4"), *tail[:1], ("l_date", ">i4"), ("date", ">i4"), *tail[1:]]
    )
    ts = int((now - PG_EPOCH).total_seconds() * 1_000_000)

    def fill(rec: np.ndarray, idx: np.ndarray) -> None:
        rec["nfields"] = 9
        rec["l_resp"] = rec["l_q"] = rec["l_c"] = rec["l_m"] = 8
        rec["resp"] = response_ids[synth.member[idx]]
        rec["q"] = question_ids[synth.question[idx]]
        rec["c"] = campaign_id
        rec["m"] = member_ids[synth.member[idx]]
        rec["l_text"] = 0
        rec["l_choices"] = 3
        rec["choices"] = b"\x01[]"  # jsonb binary: version 1, then the text
        rec["l_ts"] = 8
        rec["ts"] = ts

    idx_num = np.flatnonzero(has_num)
    rec_num = np.zeros(len(idx_num), dtype=num_dtype)
    fill(rec_num, idx_num)
    rec_num["l_num"] = 8
    rec_num["num"] = synth.num[idx_num]
    rec_num["l_date"] = -1
    idx_date = np.flatnonzero(has_date & ~has_num)
    rec_date = np.zeros(len(idx_date), dtype=date_dtype)
    fill(rec_date, idx_date)
    rec_date["l_num"] = -1
    rec_date["l_date"] = 4
    rec_date["date"] = synth.date[idx_date] - PG_EPOCH_DAY
    payload = io.BytesIO()
    payload.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00")
    payload.write(rec_num.tobytes())
    payload.write(rec_date.tobytes())
    payload.write(b"\xff\xff")
    table = Answer._meta.db_table
    columns = "response_id, question_id, campaign_id, member_id, num, text, date, choices, updated_at"
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection under Django's wrapper
    if raw is None:
        raise CommandError("no database connection")
    data = payload.getvalue()
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT binary)") as copy,
    ):
        step = 8 << 20
        for start in range(0, len(data), step):
            copy.write(data[start : start + step])
