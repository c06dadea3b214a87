"""Demo data: an open needs-assessment campaign for the Capitol Region consortium.

The answers are seeded-random with real structure, so the matrix and the report are worth
looking at: small towns are less ready to collaborate, a few areas are clearly pressing
everywhere, contracts for some areas end close together for some towns, and about half the
members share their answers by name. Figures follow population at plausible rates (an IT budget
of about 55 USD and one IT person per 3,500 residents; see NUMBER_SCALES). The campaign is open
(deadline three weeks after loading): most members have submitted, a few have not, Avon (the demo's
member staff) has started and Bolton has not, so member staff have something to do.
`synthesise` is also used by `interlocal generate assessment` (the benchmark's data generator),
vectorised for millions of answers.

Idempotent: a second run finds the campaign and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

ORDER = 40  # after tenancy (0) and taxonomy; the standard template is installed by migration
CAMPAIGN_NAME = "Regional IT needs assessment 2026"
SEED = 2026
# Areas (standard codes, as far as the catalogue has them) that are clearly pressing in the demo.
PRESSING_AREAS = ("edms-records", "dr-backup", "permitting-inspections", "financial-erp")

# Members that have not submitted when the demo is loaded: (slug, share of the questions answered).
# Avon and Bolton are the demo's member staff (bob, carol).
STILL_TO_ANSWER = {
    "avon-ct": 0.4,
    "bolton-ct": 0.0,
    "east-granby-ct": 0.7,
    "scotland-ct": 0.0,
    "windham-ct": 0.2,
    "wethersfield-ct": 0.0,
}

# Number questions by code suffix: (per resident, rounding step, least plausible value).
# Municipal IT runs at roughly 40-80 USD per resident and one IT person per 3,000-4,000 residents;
# per service area a system costs a few dollars per resident, takes under an FTE in a town of
# 20,000, and has a user for every few hundred residents.
NUMBER_SCALES: dict[str, tuple[float, float, float]] = {
    "it-budget": (55.0, 1000.0, 25_000.0),
    "it-fte": (1 / 3500, 0.5, 0.5),
    "annual-cost": (3.0, 100.0, 1_500.0),
    "fte": (1 / 25_000, 0.1, 0.1),
    "users": (1 / 250, 1.0, 3.0),
}
# Any other number question: a per-resident figure of the same order as the area cost.
DEFAULT_SCALE = (1.8, 100.0, 0.0)

__all__ = ["NUMBER_SCALES", "ORDER", "STILL_TO_ANSWER", "Synthesis", "load", "number_scales", "synthesise"]


def number_scales(codes: list[str]) -> np.ndarray:
    """Per question code, its (per resident, step, floor) from NUMBER_SCALES, as an (n, 3) array."""
    rows = [NUMBER_SCALES.get(code.rsplit(".", 1)[-1], DEFAULT_SCALE) for code in codes]
    return np.array(rows, dtype=float).reshape(len(codes), 3)


@dataclass
class Synthesis:
    """Synthetic answers as arrays: one row per (member, question) answered."""

    member: np.ndarray
    question: np.ndarray
    num: np.ndarray  # NaN where the answer is a date
    date: np.ndarray  # day ordinals; 0 where the answer is not a date


def synthesise(
    rng: np.random.Generator,
    population: np.ndarray,
    question_area: np.ndarray,
    question_kind: list[str],
    question_dimension: list[str],
    *,
    pressing_areas: np.ndarray | None = None,
    n_areas: int | None = None,
    answer_rate: float = 1.0,
    scales: np.ndarray | None = None,
) -> Synthesis:
    """Plausible answers for members of the given populations to the given questions.

    Scaled questions: pressing and future concern follow an area's base level (some areas
    clearly pressing), readiness and willingness to share grow with population (small towns are
    less ready), satisfaction runs against concern. Numbers scale with population; contract end
    dates cluster per area around a few common renewal months, so coalitions show. `scales` gives
    each question's (per resident, rounding step, floor) for numbers (`number_scales`); without it
    every number is DEFAULT_SCALE.
    """
    n_members = len(population)
    n_q = len(question_area)
    n_areas = int(n_areas if n_areas is not None else (question_area.max() + 1 if n_q else 0))
    area_base = rng.uniform(2.0, 3.4, size=max(n_areas, 1))
    if pressing_areas is not None and len(pressing_areas):
        area_base[pressing_areas] = rng.uniform(4.0, 4.5, size=len(pressing_areas))
    area_ready = rng.uniform(-0.5, 0.6, size=max(n_areas, 1))
    size = np.log10(np.clip(population.astype(float), 500, 2_000_000) / 2_000)
    member_ready = 2.5 + 0.55 * size + rng.normal(0, 0.45, size=n_members)
    member_concern = rng.normal(0, 0.35, size=n_members)
    # Renewal clusters: per area, two or three common months in 2027–2029.
    base_day = dt.date(2027, 1, 1).toordinal()
    clusters = base_day + rng.integers(0, 3 * 365, size=(max(n_areas, 1), 3))

    members = np.repeat(np.arange(n_members), n_q)
    questions = np.tile(np.arange(n_q), n_members)
    if answer_rate < 1.0:
        keep = rng.random(len(members)) < answer_rate
        members, questions = members[keep], questions[keep]
    n = len(members)
    area = np.where(question_area[questions] >= 0, question_area[questions], 0)
    kind = np.array(question_kind, dtype=object)[questions] if n_q else np.zeros(0, dtype=object)
    dim = np.array(question_dimension, dtype=object)[questions] if n_q else np.zeros(0, dtype=object)
    noise = rng.normal(0, 0.75, size=n)

    concern = area_base[area] + member_concern[members]
    mean = np.full(n, 3.0)
    mean = np.where(dim == "pressing", concern, mean)
    mean = np.where(dim == "future", concern + 0.4, mean)
    mean = np.where(dim == "readiness", member_ready[members] + area_ready[area], mean)
    mean = np.where(dim == "sharing", member_ready[members] + area_ready[area] - 0.3, mean)
    mean = np.where(dim == "satisfaction", 6.0 - concern, mean)
    num = np.clip(np.rint(mean + noise), 1, 5)

    pop = population[members].astype(float)
    lognormal = rng.lognormal(0, 0.35, size=n)
    scale = (
        np.asarray(scales, dtype=float) if scales is not None else np.tile(DEFAULT_SCALE, (max(n_q, 1), 1))
    )
    per_resident, step, floor = (scale[questions, i] if n else np.zeros(0) for i in range(3))
    raw = np.maximum(pop * per_resident * lognormal, floor)
    numbers = np.where(np.isin(kind, ["number"]), np.round(np.round(raw / step) * step, 2), num)
    num = np.where(kind == "number", numbers, num)
    num = np.where(kind == "yes_no", (rng.random(n) < 0.35 + 0.1 * size[members]).astype(float), num)
    date = np.zeros(n, dtype=np.int64)
    is_date = kind == "date"
    if is_date.any():
        pick = rng.integers(0, 3, size=int(is_date.sum()))
        spread = rng.normal(0, 75, size=int(is_date.sum())).astype(np.int64)
        date[is_date] = clusters[area[is_date], pick] + spread
    num = np.where(np.isin(kind, ["scaled", "number", "yes_no"]), num, np.nan)
    return Synthesis(members, questions, num, date)


def _tasks(waiting: int) -> list[Any]:
    """What the open campaign leaves the demo people to do (printed under their sign-ins)."""
    from interlocal.tenancy.demo import DemoTask

    return [
        DemoTask("bob@avon.example.org", f"Finish Avon's answers to “{CAMPAIGN_NAME}” and submit them."),
        DemoTask("ada@avon.example.org", f"Check and submit Avon's answers to “{CAMPAIGN_NAME}”."),
        DemoTask("carol@bolton.example.org", f"Answer “{CAMPAIGN_NAME}” for Bolton (not started)."),
        DemoTask(
            "alice@capitol.example.org",
            f"Follow up “{CAMPAIGN_NAME}”: {waiting} members still to submit; see the benchmarks so far.",
        ),
    ]


def load(stdout: Any = None) -> list[Any]:
    """Load the open Capitol Region campaign, most members submitted (idempotent)."""
    from interlocal.assessment.actions import (
        do_create_campaign,
        do_save_answers,
        do_set_visibility,
        do_submit_response,
    )
    from interlocal.assessment.models import Campaign, PeerGroup, Question, Response, Template
    from interlocal.tenancy.models import Consortium

    consortium = Consortium.objects.filter(slug="capitol-region").first()
    if consortium is None:
        return []
    if Campaign.objects.filter(consortium=consortium, name=CAMPAIGN_NAME).exists():
        if stdout is not None:
            stdout.write("  assessment: the demo campaign is already there")
        return _tasks(len(STILL_TO_ANSWER))
    template = Template.objects.filter(consortium__isnull=True, key="standard").first()
    version = template.versions.order_by("-number").first() if template else None
    if version is None:
        return []
    members = list(consortium.members.order_by("name"))
    questions = list(
        Question.objects.filter(version=version)
        .select_related("section", "section__area")  # codes, kinds and areas of all questions
        .order_by("section__order", "order", "pk")
    )
    area_ids = sorted({q.section.area_id for q in questions if q.section.area_id})
    area_pos = {a: i for i, a in enumerate(area_ids)}
    pressing = np.array(
        [
            area_pos[q.section.area.pk]
            for q in questions
            if q.section.area is not None
            and q.section.area.code in PRESSING_AREAS
            and q.code.endswith(".pressing")
        ],
        dtype=np.int64,
    )
    if not pressing.size:
        pressing = np.arange(min(3, len(area_ids)))
    rng = np.random.default_rng(SEED)
    synth = synthesise(
        rng,
        np.array([m.population or 5000 for m in members]),
        np.array([area_pos.get(q.section.area_id, -1) if q.section.area_id else -1 for q in questions]),
        [q.kind for q in questions],
        [q.dimension for q in questions],
        pressing_areas=pressing,
        n_areas=len(area_ids),
        scales=number_scales([q.code for q in questions]),
    )
    with transaction.atomic():
        campaign = do_create_campaign(
            consortium,
            actor=None,
            name=CAMPAIGN_NAME,
            template_version=version,
            members=members,
            deadline=timezone.now() + dt.timedelta(days=21),
            description="Every member rated each service area: satisfaction today, how pressing it is now "
            "and in 3–5 years, readiness to collaborate and willingness to share data.",
            launch=True,
        )
        responses = {r.member_id: r for r in Response.objects.filter(campaign=campaign)}
        hosting = ["On premises", "Vendor-hosted (SaaS)", "Hosted by another municipality"]
        for i, member in enumerate(members):
            values: dict[str, Any] = {}
            rows = np.flatnonzero(synth.member == i)
            share = STILL_TO_ANSWER.get(member.slug, 1.0)
            if share < 1.0:
                # Still answering: the first part of the workbook, or nothing yet.
                rows = rows[: int(len(rows) * share)]
            for row in rows:
                q = questions[int(synth.question[row])]
                if q.kind in ("scaled", "yes_no", "number") and np.isfinite(synth.num[row]):
                    value = float(synth.num[row])
                    if q.max_value is not None:
                        value = min(value, q.max_value)
                    values[q.code] = int(value) if q.kind != "number" else value
                elif q.kind == "date" and synth.date[row]:
                    values[q.code] = dt.date.fromordinal(int(synth.date[row]))
                elif q.kind == "single" and q.choices:
                    values[q.code] = (
                        hosting[(i + int(synth.question[row])) % len(hosting)]
                        if set(hosting) <= set(q.choices)
                        else q.choices[0]
                    )
            response = responses[member.pk]
            if values:
                do_save_answers(response, values, actor=None, source=Response.Source.BROWSER)
            # A little under half share by name; Avon does (the demo's member admin sees it named).
            named = member.slug == "avon-ct" or (i * 7919 + SEED) % 100 < 45
            do_set_visibility(
                response, Response.Visibility.NAMED if named else Response.Visibility.AGGREGATE, actor=None
            )
            if share >= 1.0:
                do_submit_response(response, actor=None)
        # A custom peer group: the towns along the Farmington River.
        river = [
            m
            for m in members
            if m.name in {"Avon", "Canton", "Farmington", "Simsbury", "Granby", "Bloomfield"}
        ]
        if river and not PeerGroup.objects.filter(consortium=consortium, name="Farmington Valley").exists():
            from interlocal.assessment.analytics import do_save_peer_group

            do_save_peer_group(
                consortium,
                actor=None,
                name="Farmington Valley",
                description="Towns along the Farmington River.",
                members=river,
            )
    waiting = sum(1 for m in members if m.slug in STILL_TO_ANSWER)
    if stdout is not None:
        stdout.write(
            f"  assessment: open campaign “{CAMPAIGN_NAME}”, {len(members) - waiting} of {len(members)} "
            "members submitted"
        )
    return _tasks(waiting)
