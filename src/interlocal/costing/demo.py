"""Costing demo: two Capitol Region cost models with the 30 towns and plausible ranged inputs.

"Shared data center and backup" has per capita chosen, which fails the stability check (a town
that needs round-the-clock recovery pays less than it adds, so the others would do better
without it); "Electronic document management" has the Shapley value chosen. Idempotent: a cost
model that already exists is left alone.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from interlocal.costing.actions import (
    do_choose_rule,
    do_copy_scenario,
    do_create_cost_model,
    do_save_participant,
    do_update_scenario,
)
from interlocal.costing.models import CostModel
from interlocal.tenancy.models import Consortium, Member

ORDER = 40
CONSORTIUM = "capitol-region"
DATA_CENTER = "Shared data center and backup"
EDMS = "Electronic document management"
# Towns that allow their figures to be shown by name to the other members.
NAMED = {"avon-ct", "bloomfield-ct", "canton-ct", "west-hartford-ct", "windsor-ct", "enfield-ct"}
# Towns running police dispatch around the clock: they need a four-hour recovery time.
ROUND_THE_CLOCK = {"bolton-ct"}


def _money(value: float) -> Decimal:
    return Decimal(round(value, -2)).quantize(Decimal("0.01"))


def data_center_inputs(member: Member, rng: random.Random) -> dict[str, Any]:
    """Terabytes of data to protect, onboarding, service level and today's spend, as ranges."""
    people = member.population or 10_000
    tb = max(2, round(people / 1000 * rng.uniform(0.7, 1.4)))
    onboarding = 8_000 + 350 * tb * rng.uniform(0.8, 1.2)
    level = 60_000.0 if member.slug in ROUND_THE_CLOCK else rng.choice([4_000.0, 6_000.0, 9_000.0])
    alone = 21_000 + 1_500 * tb * rng.uniform(0.85, 1.3) + level * 0.6
    return {
        "units_low": max(1, round(tb * 0.85)),
        "units_likely": tb,
        "units_high": round(tb * 1.3) + 1,
        "own_cost_low": _money(onboarding * 0.8),
        "own_cost_likely": _money(onboarding),
        "own_cost_high": _money(onboarding * 1.5),
        "service_level_low": _money(level * 0.9),
        "service_level_likely": _money(level),
        "service_level_high": _money(level * 1.2),
        "standalone_low": _money(alone * 0.85),
        "standalone_likely": _money(alone),
        "standalone_high": _money(alone * 1.15),
        "population": people,
        "grand_list": _money(people * rng.uniform(95_000, 210_000)),
        "road_miles": Decimal(round(people / 180 * rng.uniform(0.7, 1.5), 1)).quantize(Decimal("0.1")),
        "visibility": "named" if member.slug in NAMED else "aggregate",
    }


def edms_inputs(member: Member, rng: random.Random) -> dict[str, Any]:
    """Named users of a document management system, scanning backlog, today's records spend."""
    people = member.population or 10_000
    users = max(5, round(people / 400 * rng.uniform(0.7, 1.3)))
    onboarding = 5_000 + 90 * users * rng.uniform(0.8, 1.4)
    alone = 9_000 + 310 * users * rng.uniform(0.9, 1.3)
    return {
        "units_low": max(1, round(users * 0.9)),
        "units_likely": users,
        "units_high": round(users * 1.25) + 1,
        "own_cost_low": _money(onboarding * 0.8),
        "own_cost_likely": _money(onboarding),
        "own_cost_high": _money(onboarding * 1.6),
        "service_level_likely": _money(rng.choice([0, 1_500, 3_000])),
        "standalone_low": _money(alone * 0.8),
        "standalone_likely": _money(alone),
        "standalone_high": _money(alone * 1.2),
        "population": people,
        "grand_list": _money(people * rng.uniform(95_000, 210_000)),
        "road_miles": Decimal(round(people / 180 * rng.uniform(0.7, 1.5), 1)).quantize(Decimal("0.1")),
        "visibility": "named" if member.slug in NAMED else "aggregate",
    }


MODELS: list[dict[str, Any]] = [
    {
        "name": DATA_CENTER,
        "area": ("dr-backup", "hosting"),
        "description": "A regional data center with off-site backup and disaster recovery for the 30 "
        "towns, in place of each town's own server room and tape rotation. Units are terabytes protected.",
        "inputs": data_center_inputs,
        "scenario": {
            "platform_low": Decimal(170_000),
            "platform_likely": Decimal(210_000),
            "platform_high": Decimal(280_000),
            "capex": Decimal(650_000),
            "capex_life_years": 7,
            "capex_rate": Decimal("0.04"),
            "price_low": Decimal(650),
            "price_likely": Decimal(850),
            "price_high": Decimal(1_150),
            "exponent_low": Decimal("0.78"),
            "exponent_likely": Decimal("0.85"),
            "exponent_high": Decimal("0.95"),
            "coordination_low": Decimal(1_500),
            "coordination_likely": Decimal(2_000),
            "coordination_high": Decimal(3_000),
            "coordination_exponent": Decimal("1.1"),
            "term_years": 5,
        },
        "rule": "population",
        "seed": 4,
    },
    {
        "name": EDMS,
        "area": ("edms-records",),
        "description": "One electronic document and records management system (land records, "
        "minutes, permits) hosted for the towns. Units are named users.",
        "inputs": edms_inputs,
        "scenario": {
            "platform_low": Decimal(95_000),
            "platform_likely": Decimal(120_000),
            "platform_high": Decimal(160_000),
            "price_low": Decimal(240),
            "price_likely": Decimal(300),
            "price_high": Decimal(380),
            "exponent_low": Decimal("0.85"),
            "exponent_likely": Decimal("0.92"),
            "exponent_high": Decimal(1),
            "coordination_likely": Decimal(1_200),
            "coordination_exponent": Decimal("0.9"),
            "term_years": 5,
        },
        "rule": "shapley",
        "seed": 7,
    },
]


def _area(codes: tuple[str, ...], consortium: Consortium) -> Any:
    """The taxonomy's service area for the first of `codes` in the consortium's catalogue."""
    from interlocal.taxonomy.models import ServiceArea

    for code in codes:
        area = ServiceArea.objects.for_consortium(consortium).filter(code=code).first()
        if area is not None:
            return area
    return None


@transaction.atomic
def load(stdout: Any = None) -> list[Any]:
    """Create the two demo cost models for Capitol Region (nothing when they exist)."""
    from interlocal.accounts.models import User

    consortium = Consortium.objects.filter(slug=CONSORTIUM).first()
    alice = User.objects.filter(email="alice@capitol.example.org").first()
    if consortium is None or alice is None:
        return []
    members = list(Member.objects.filter(participations__consortium=consortium).order_by("name"))
    for spec in MODELS:
        if CostModel.objects.filter(consortium=consortium, name=spec["name"]).exists():
            continue
        model = do_create_cost_model(
            consortium,
            name=spec["name"],
            description=spec["description"],
            area=_area(spec["area"], consortium),
            acting_user=alice,
        )
        scenario = model.scenarios.get()
        scenario = do_update_scenario(scenario, acting_user=alice, **spec["scenario"])
        rng = random.Random(spec["seed"])  # noqa: S311 - demo figures, seeded on purpose
        for m in members:
            do_save_participant(scenario, m, acting_user=alice, **spec["inputs"](m, rng))
        scenario = do_update_scenario(
            scenario, acting_user=alice, notes="Inputs from the towns' 2025 survey."
        )
        do_choose_rule(scenario, rule=spec["rule"], acting_user=alice)
        if spec["name"] == DATA_CENTER:
            # A what-if for the comparison and diff pages: the round-the-clock town stays out.
            bolton = [m.pk for m in members if m.slug in ROUND_THE_CLOCK]
            do_copy_scenario(
                scenario, acting_user=alice, name="Without Bolton's 24/7 recovery", drop_members=bolton
            )
        if stdout is not None:
            stdout.write(f"  cost model: {model.name} ({len(members)} members)")
    return []
