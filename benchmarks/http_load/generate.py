"""Production-scale data for the HTTP load harness, in a PostgreSQL database of its own.

At `--scale 1.0`: 20,000 members (the demo's two consortia plus one large generated consortium),
two people per member of the large consortium (member admin and member staff), the personas of
the harness (one person per role in the large consortium, MFA-enrolled where the role needs it),
20 vendors, 100,000 published solicitations (2 items each; 30 % from a demand round with demand
from 3 members; 50 % awarded with 2 bids, an award, a master contract and 4 member contracts, so
500,000 contract lines), an assessment campaign of 100 questions answered by every member
(`interlocal generate assessment`), 10 cost models with 3 scenarios of 30 participants each, and
1,000,000 audit events on a valid hash chain (COPY, appended after the chain head the demo left,
hashed with interlocal.audit.chain.event_hash under the INTERLOCAL_AUDIT_KEY that run.py passes,
common.BENCH_AUDIT_KEY, so `interlocal audit verify` passes on the result).
Every size is multiplied by `--scale`.

Idempotent: a marker table `bench_http_marker` records the scale that was built. With the same
scale nothing is done; with another scale (or after an interrupted run) the schema is dropped
and rebuilt. ANALYZE runs at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench_http \\
        .venv/bin/python benchmarks/http_load/generate.py --scale 0.01

Only `interlocal.<app>.models`, management commands and the audit chain's hash of the project are
used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import redirect_stdout
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

MARKER = "bench_http_marker"
PERSONA_DOMAIN = "bench-http.example"
PERSONA_ROLES = ["consortium_admin", "consortium_staff", "member_admin", "member_staff", "observer", "vendor"]
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
BATCH = 5000


def sizes(scale: float) -> dict[str, int]:
    """Every size of the data set at `scale` (1.0 is production scale)."""

    def n(x: int, least: int) -> int:
        return max(least, round(x * scale))

    return {
        "members": n(20_000, 60),
        "events": n(1_000_000, 2_000),
        "solicitations": n(100_000, 200),
        "questions": 100,
        "vendors": 20,
        "cost_models": 10,
        "scenarios_per_model": 3,
        "participants": 30,
    }


def _log(msg: str) -> None:
    print(f"[generate {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def marker(cursor: Any) -> dict[str, Any] | None:
    cursor.execute("SELECT to_regclass(%s)", [MARKER])
    if cursor.fetchone()[0] is None:
        return None
    cursor.execute(f"SELECT info FROM {MARKER} WHERE id = 1")  # noqa: S608 (constant)
    row = cursor.fetchone()
    return json.loads(row[0]) if row else None


# --- helpers -----------------------------------------------------------------------------------


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[no-any-return]


def copy_rows(model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows (tuples in the order of `fields`, model field names) into the model's table."""
    from django.db import connection

    opts = model._meta
    given = [opts.get_field(f) for f in fields]
    # Every other column gets its field's default (one value for all rows), as bulk_create would.
    rest = [
        f for f in opts.concrete_fields
        if f not in given and not f.primary_key and (f.has_default() or not f.null)
    ]  # fmt: skip
    extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*given, *rest])
    connection.ensure_connection()
    raw = connection.connection
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY {opts.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *extra))
            count += 1
    return count


# --- the steps ---------------------------------------------------------------------------------


def build_people(consortium: Any, members: list[Any]) -> None:
    """A member admin and a member staff person for every member of the large consortium."""
    from django.contrib.auth.hashers import make_password

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Membership

    unusable = make_password(None)
    users = _bulk(
        User,
        [
            User(
                email=f"{role}-{m.pk}@people.{PERSONA_DOMAIN}",
                password=unusable,
                full_name=f"{role} {m.name}",
            )
            for m in members
            for role in ("admin", "staff")
        ],
    )
    _bulk(
        Membership,
        [
            Membership(user=u, consortium=consortium, member=members[i // 2],
                       role="member_admin" if i % 2 == 0 else "member_staff")
            for i, u in enumerate(users)
        ],
    )  # fmt: skip


def build_personas(consortium: Any, member: Any, vendor: Any) -> None:
    """One person per role in the large consortium; MFA roles get a TOTP authenticator."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import make_password

    from interlocal.accounts.models import User
    from interlocal.procurement.models import VendorRegistration, VendorUser
    from interlocal.tenancy.models import Membership

    mfa = {"consortium_admin", "member_admin", "vendor"}
    for role in PERSONA_ROLES:
        user = User.objects.create(
            email=f"persona-{role.replace('_', '-')}@{PERSONA_DOMAIN}",
            password=make_password(None),
            full_name=f"Persona {role}",
        )
        on_member = role in ("member_admin", "member_staff")
        Membership.objects.create(
            user=user, consortium=consortium, member=member if on_member else None, role=role
        )
        if role == "vendor":
            VendorUser.objects.create(vendor=vendor, user=user, role=VendorUser.Role.ADMIN)
        if role in mfa:
            # What allauth stores for an activated TOTP device (the secret is never used here:
            # sessions are created server-side, already past the MFA stage).
            Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "A" * 32})
    VendorRegistration.objects.get_or_create(vendor=vendor, consortium=consortium)


def build_vendors(consortium: Any, count: int) -> list[Any]:
    from interlocal.procurement.models import Vendor, VendorRegistration

    vendors = _bulk(
        Vendor,
        [
            Vendor(name=f"Bench vendor {v}", legal_id=f"BENCH-HTTP-{v}", country="US", email=f"v{v}@{PERSONA_DOMAIN}",
                   status="active", email_verified_at=T0)
            for v in range(count)
        ],
    )  # fmt: skip
    _bulk(VendorRegistration, [VendorRegistration(vendor=v, consortium=consortium) for v in vendors])
    return vendors


def build_procurement(consortium: Any, members: list[Any], vendors: list[Any], n: int) -> None:
    """n published solicitations (the shape of benchmarks/ocds_export.py, in the large consortium)."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from interlocal.procurement.models import (
        Award,
        AwardLine,
        Bid,
        Contract,
        ContractLine,
        DemandEntry,
        DemandItem,
        DemandRound,
        DemandRoundMember,
        Solicitation,
        SolicitationItem,
    )

    nm = len(members)
    with_round = [i for i in range(n) if i % 10 < 3]
    awarded = {i for i in range(n) if i % 2 == 0}
    rounds = _bulk(
        DemandRound,
        [
            DemandRound(consortium=consortium, title=f"Round {i}", status="closed", cut_off_at=T0,
                        opened_at=T0 - dt.timedelta(days=30), created_at=T0 - dt.timedelta(days=31))
            for i in with_round
        ],
    )  # fmt: skip
    round_members = {r.pk: [members[(3 * k + j) % nm] for j in range(3)] for k, r in enumerate(rounds)}
    _bulk(
        DemandRoundMember,
        [
            DemandRoundMember(round=r, member=m, invited=True, invited_at=T0 - dt.timedelta(days=30), joined=True,
                              joined_at=T0 - dt.timedelta(days=29))
            for r in rounds
            for m in round_members[r.pk]
        ],
    )  # fmt: skip
    _log(f"{len(rounds)} demand rounds")
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
    copy_rows(
        DemandEntry,
        ["item", "member", "quantity", "current_unit_price", "delivery_location", "updated_at"],
        (
            (d.pk, m.pk, Decimal(10 * (j + 1)), Decimal("9.50"), "", T0)
            for d in demand_items
            for j, m in enumerate(round_members[d.round_id])
        ),
    )
    _log(f"{len(demand_items)} demand items, {3 * len(demand_items)} entries")
    items_of_round: dict[int, list[Any]] = {}
    for d in demand_items:
        items_of_round.setdefault(d.round_id, []).append(d)
    sols = _bulk(
        Solicitation,
        [
            Solicitation(
                consortium=consortium, demand_round=round_of.get(i), reference_number=f"H-{i}",
                title=f"Process {i}", description="Benchmark", status="awarded" if i in awarded else "published",
                published_at=T0 + dt.timedelta(minutes=i), submission_deadline=T0 + dt.timedelta(days=10),
                opening_at=T0 + dt.timedelta(days=10, hours=1), created_at=T0,
                ocds_process=f"round-{round_of[i].pk}" if i in round_of else "",
            )
            for i in range(n)
        ],
    )  # fmt: skip
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
    lines_of: dict[int, list[Any]] = {}
    for line in lines:
        lines_of.setdefault(line.solicitation_id, []).append(line)
    _log(f"{len(sols)} solicitations, {len(lines)} items")
    opened = T0 + dt.timedelta(days=10, hours=1)
    won = [sol for i, sol in enumerate(sols) if i in awarded]
    nv = len(vendors)
    bids = _bulk(
        Bid,
        [
            Bid(solicitation=sol, vendor=vendors[(j + v) % nv], idempotency_key="b", request_digest="x",
                sealed_prices=b"x", sealed_sha256="x", opened_at=opened, total=Decimal(600), submitted_at=T0)
            for j, sol in enumerate(won)
            for v in range(2)
        ],
    )  # fmt: skip
    awards = _bulk(Award, [Award(solicitation=sol, decided_at=opened + dt.timedelta(days=2)) for sol in won])
    copy_rows(
        AwardLine,
        ["award", "item", "bid", "unit_price"],
        (
            (a.pk, line.pk, bids[2 * j].pk, Decimal("8.75"))
            for j, (a, sol) in enumerate(zip(awards, won, strict=True))
            for line in lines_of[sol.pk]
        ),
    )
    _log(f"{len(bids)} bids, {len(awards)} awards")
    signed = opened + dt.timedelta(days=2, seconds=1)
    masters = _bulk(
        Contract,
        [
            Contract(consortium=consortium, solicitation=sol, award=a, vendor=bids[2 * j].vendor, kind="master",
                     reference=f"H-{sol.pk}", title=f"Contract {sol.pk}", value=Decimal(525),
                     start_date=dt.date(2026, 2, 1), end_date=dt.date(2027, 1, 31), created_at=signed)
            for j, (a, sol) in enumerate(zip(awards, won, strict=True))
        ],
    )  # fmt: skip
    member_contracts = _bulk(
        Contract,
        [
            Contract(consortium=consortium, solicitation_id=mc.solicitation_id, award_id=mc.award_id, master=mc,
                     member=members[(4 * k + j) % nm], vendor_id=mc.vendor_id, kind="member",
                     reference=f"{mc.reference}-{j}", title=f"{mc.title} {j}", value=Decimal(175),
                     start_date=mc.start_date, end_date=mc.end_date, created_at=signed)
            for k, mc in enumerate(masters)
            for j in range(4)
        ],
    )  # fmt: skip
    n_lines = copy_rows(
        ContractLine,
        ["contract", "item", "quantity", "unit_price"],
        (
            (c.pk, line.pk, Decimal(60 if c.master_id is None else 10), Decimal("8.75"))
            for c in [*masters, *member_contracts]
            for line in lines_of[c.solicitation_id]
        ),
    )
    _log(f"{len(masters) + len(member_contracts)} contracts, {n_lines} contract lines")


def build_costing(consortium: Any, members: list[Any], s: dict[str, int]) -> None:
    from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant

    rng = random.Random(7)
    for k in range(s["cost_models"]):
        cm = CostModel.objects.create(
            consortium=consortium, name=f"Shared service {k}", description="Benchmark"
        )
        for v in range(s["scenarios_per_model"]):
            sc = Scenario.objects.create(
                cost_model=cm, name=f"Option {v}", version=v + 1, capex=Decimal(650_000), capex_life_years=7,
                capex_rate=Decimal("0.04"), exponent_low=Decimal("0.78"), exponent_likely=Decimal("0.85"),
                exponent_high=Decimal("0.95"), term_years=5,
                rule="shapley" if v == 0 else "", rule_chosen_at=T0 if v == 0 else None,
            )  # fmt: skip
            picked = members[(k * 97 + v * 31) % max(1, len(members) - s["participants"]) :][
                : s["participants"]
            ]
            _bulk(
                ScenarioParticipant,
                [
                    ScenarioParticipant(
                        scenario=sc, member=m, units_low=u, units_likely=u + 2, units_high=u + 5,
                        standalone_likely=Decimal(20_000 + 1_500 * u), service_level_likely=Decimal(4_000),
                        own_cost_likely=Decimal(8_000), population=m.population or 10_000,
                        visibility="named" if rng.random() < 0.3 else "aggregate",
                    )
                    for m in picked
                    for u in [rng.randint(2, 60)]
                ],
            )  # fmt: skip


ACTIONS = [
    ("procurement.solicitation.publish", "procurement.solicitation"),
    ("procurement.entry.save", "procurement.demandentry"),
    ("assessment.response.save", "assessment.response"),
    ("costing.participant.save", "costing.scenarioparticipant"),
    ("tenancy.member.update", "tenancy.member"),
    ("accounts.login", "accounts.user"),
]


def build_audit(consortium_ids: list[int], members: list[Any], actor_ids: list[int], count: int) -> None:
    """`count` events appended after the chain head, hashed as interlocal.audit records them."""
    from interlocal.audit.chain import GENESIS, event_hash
    from interlocal.audit.keys import current_key
    from interlocal.audit.models import AuditEvent, AuditHead

    kid, key = current_key()
    head = AuditHead.objects.filter(pk=1).first()
    seq0, prev = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    fields = [
        "seq", "occurred_at", "actor", "actor_label", "consortium", "member", "action", "object_type",
        "object_id", "object_repr", "before", "after", "ip_address", "request_id", "prev_hash", "hash",
        "key_id",
    ]  # fmt: skip
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=count * 30 + 3600)
    big = consortium_ids[-1]
    nm, na = len(members), len(actor_ids)

    def rows() -> Iterable[tuple[Any, ...]]:
        nonlocal prev
        for i in range(count):
            seq = seq0 + 1 + i
            occurred = start + dt.timedelta(seconds=30 * i)
            # 90 % of the trail is the large consortium's; members are its members.
            cons = big if i % 10 else consortium_ids[i % len(consortium_ids)]
            member = members[i % nm].pk if cons == big and i % 3 else None
            actor = actor_ids[i % na]
            action, otype = ACTIONS[i % len(ACTIONS)]
            oid = str(i % 50_000 + 1)
            chain = {
                "seq": seq, "occurred_at": occurred.isoformat(), "actor_id": actor,
                "actor_label": f"person{actor}@{PERSONA_DOMAIN}", "consortium_id": cons, "member_id": member,
                "action": action, "object_type": otype, "object_id": oid, "object_repr": f"Object {oid}",
                "before": None, "after": {"n": i % 7}, "ip_address": None, "request_id": "", "key_id": kid,
            }  # fmt: skip
            h = event_hash(prev, chain, key)
            yield (seq, occurred, actor, chain["actor_label"], cons, member, action, otype, oid,
                   chain["object_repr"], None, json.dumps(chain["after"]), None, "", prev, h, kid)  # fmt: skip
            prev = h

    copy_rows(AuditEvent, fields, rows())
    AuditHead.objects.update_or_create(pk=1, defaults={"last_seq": seq0 + count, "last_hash": prev})


# --- the whole build ---------------------------------------------------------------------------


def generate(scale: float, *, force: bool = False) -> dict[str, Any]:
    """Build (or reuse) the data set at `scale`; return the marker info."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from interlocal.assessment.models import Campaign
    from interlocal.tenancy.models import Consortium, Member

    s = sizes(scale)
    with connection.cursor() as cursor:
        info = marker(cursor)
    if info and info.get("scale") == scale and info.get("done") and not force:
        _log(f"scale {scale}: data already there (built in {info['seconds']:.0f} s), reused")
        return info
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def step(name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        result = fn()
        timings[name] = round(time.perf_counter() - t, 1)
        _log(f"{name}: {timings[name]} s")
        return result

    _log(f"scale {scale}: building {s}")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    step("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
    with redirect_stdout(io.StringIO()):
        step("demo", lambda: call_command("demo", load_only=True, no_migrate=True, stdout=io.StringIO()))
    demo_members = Member.objects.count()
    n_large = max(50, s["members"] - demo_members)
    out = io.StringIO()
    step(
        "assessment (generate)",
        lambda: call_command(
            "generate", "assessment", members=n_large, questions=s["questions"], seed=1, stdout=out,
            stderr=io.StringIO(),
        ),
    )  # fmt: skip
    campaign = Campaign.objects.get(pk=int(out.getvalue().strip().splitlines()[-1]))
    consortium = Consortium.objects.get(pk=campaign.consortium_id)
    Consortium.objects.filter(pk=consortium.pk).update(name="Large bench consortium")
    members = list(Member.objects.filter(consortia=consortium).order_by("pk"))

    with transaction.atomic():
        step("people", lambda: build_people(consortium, members))
        vendors = step("vendors", lambda: build_vendors(consortium, s["vendors"]))
        step("personas", lambda: build_personas(consortium, members[0], vendors[0]))
    with transaction.atomic():
        step("procurement", lambda: build_procurement(consortium, members, vendors, s["solicitations"]))
    with transaction.atomic():
        step("costing", lambda: build_costing(consortium, members, s))
    from interlocal.accounts.models import User

    actor_ids = list(User.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    cons_ids = sorted(set(Consortium.objects.values_list("pk", flat=True)) - {consortium.pk}) + [
        consortium.pk
    ]
    with transaction.atomic():
        step("audit", lambda: build_audit(cons_ids, members, actor_ids, s["events"]))
    with connection.cursor() as cursor:
        step("analyze", lambda: cursor.execute("ANALYZE"))
    info = {
        "scale": scale,
        "done": True,
        "sizes": s,
        "members_total": Member.objects.count(),
        "consortium_id": consortium.pk,
        "campaign_id": campaign.pk,
        "seconds": round(time.perf_counter() - started, 1),
        "timings": timings,
        "built_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (id int PRIMARY KEY, info text NOT NULL)")
        cursor.execute(
            f"INSERT INTO {MARKER} (id, info) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET info = EXCLUDED.info",  # noqa: S608
            [json.dumps(info)],
        )
    _log(f"scale {scale}: built in {info['seconds']:.0f} s")
    return info


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true", help="rebuild even if the marker says it is there")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (its schema is dropped).")
    print(json.dumps(generate(args.scale, force=args.force), indent=2))


if __name__ == "__main__":
    main()
