"""From a scenario's rows to the engine and back: the cost game, every rule, savings, uncertainty.

The engine (`costing.engine`) is pure; this module turns Decimal database rows into its inputs
(likely values, onboarding amortised over the term, capital annualised) and its float results
into exact cents for people. Results are cached against `Scenario.updated_at`, which every
change to a scenario or its participants bumps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.core.cache import cache
from django.utils.translation import gettext as _

from interlocal.costing import engine
from interlocal.costing.engine import GameError, Player, StructuredModel, check_core, explain_core
from interlocal.costing.models import Rule, Scenario, ScenarioParticipant

__all__ = [
    "Analysis",
    "PlayerRow",
    "RuleResult",
    "Uncertainty",
    "analyse",
    "build_game",
    "rule_label",
    "uncertainty",
]

CENT = Decimal("0.01")
CACHE_SECONDS = 3600
# Nucleolus and least core need every coalition (2^n LP rows); the engine refuses above this.
# Largest groups the LP rules are offered for in a page request. The least core of the structured
# model scales (constraint generation with the exact core check as oracle); the nucleolus needs
# the cost of every group (2^n) and the closest stable allocation converges slowly far from the
# core, so both stay small (see "Size limits" in docs/costing.md).
LP_LIMITS = {"nucleolus": 20, "closest_stable": 20}
DEFAULT_BLEND = {"grand_list": 0.5, "population": 0.25, "road_miles": 0.25}


def _f(value: Decimal | int | None, default: float = 0.0) -> float:
    return default if value is None else float(value)


def _range(row: Any, base: str) -> tuple[float, float, float]:
    """(low, likely, high) of a ranged field; an empty low or high is the likely value."""
    likely = _f(getattr(row, f"{base}_likely"))
    low = getattr(row, f"{base}_low")
    high = getattr(row, f"{base}_high")
    return (likely if low is None else float(low), likely, likely if high is None else float(high))


def annual_capital(scenario: Scenario) -> float:
    """The capital cost as a yearly figure (0 without one)."""
    if not scenario.capex or not scenario.capex_life_years or scenario.capex_rate is None:
        return 0.0
    return engine.annualized_capital(
        float(scenario.capex), float(scenario.capex_rate), scenario.capex_life_years
    )


@dataclass
class PlayerRow:
    """One participant as the engine sees it, with the figures people read."""

    name: str
    member_id: int
    participant_id: int
    units: int
    own_cost_year: float
    service_level: float
    standalone: Decimal  # current stand-alone spend (likely)
    population: int | None
    grand_list: Decimal | None
    road_miles: Decimal | None
    visibility: str


@dataclass
class RuleResult:
    """One allocation rule applied to the scenario."""

    key: str
    label: str
    explanation: str
    amounts: dict[str, Decimal] | None = None  # cents, summing to c(N)
    error: str = ""
    stable: bool | None = None
    core_members: list[str] = field(default_factory=list)
    core_excess: float = 0.0
    core_sentence: str = ""
    losers: list[str] = field(default_factory=list)  # pay more than their current stand-alone spend


@dataclass
class Analysis:
    """A scenario's deterministic results (likely values)."""

    players: list[PlayerRow]
    grand_cost: Decimal
    standalone_total: Decimal
    savings_total: Decimal
    platform_year: float
    rules: list[RuleResult]
    error: str = ""

    def rule(self, key: str) -> RuleResult | None:
        return next((r for r in self.rules if r.key == key), None)

    @property
    def reference_key(self) -> str:
        return "shapley"


@dataclass
class Uncertainty:
    """Monte Carlo savings, the tornado of inputs and break-even (from the low/likely/high ranges)."""

    draws: int = 0
    p10: float = 0.0
    p50: float = 0.0
    p90: float = 0.0
    mean: float = 0.0
    probability_cheaper: float = 0.0
    histogram: list[dict[str, float]] = field(default_factory=list)  # {"low", "high", "count"}
    member_percentiles: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    tornado: list[dict[str, Any]] = field(default_factory=list)  # {"label", "low", "high", "swing"}
    break_even: list[dict[str, Any]] = field(default_factory=list)  # {"size", "saving", "members"}
    smallest_saving_size: int | None = None
    error: str = ""


# --- Rules ---------------------------------------------------------------------------------------

PLAIN: dict[str, str] = {
    "equal": "Everyone pays the same share of the total. Simple to explain, but small members pay as "
    "much as large ones and often do better on their own.",
    "population": "Each member pays in proportion to its population (per capita). Common in "
    "interlocal agreements; it ignores who drives which part of the cost, so it is the rule most "
    "likely to make a group better off alone.",
    "grand_list": "Each member pays in proportion to its equalized grand list (assessed property "
    "value): those with more taxable value pay more, whatever they use.",
    "units": "Each member pays in proportion to the units it uses (users, terabytes, devices).",
    "standalone": "Each member pays in proportion to what the service would cost it alone, so "
    "everyone saves the same percentage.",
    "blend": "A weighted mix of formulas, for example 50 % grand list, 25 % population and 25 % "
    "road miles: each part of the cost is shared by its own formula.",
    "base_fee_usage": "Everyone pays an equal base fee for the platform and coordination, its own "
    "onboarding, its share of the service level it needs, plus a usage charge for the units it uses.",
    "scrb": "Separable costs, remaining benefits: each member first pays what the group saves if it "
    "leaves; the rest is shared in proportion to what going alone would cost each member beyond "
    "that. Long used for multi-purpose water projects.",
    "shapley": "Each member pays its average extra cost over every order in which members could "
    "have joined: what it adds to the group, averaged fairly. When costs grow no faster than the "
    "group, no group of members would do better alone.",
    "nucleolus": "The allocation that makes the most dissatisfied group as well off as possible, "
    "then the next one, and so on: the usual 'most stable' answer.",
    "least_core": "Among all allocations, one where the group that would gain most by leaving "
    "gains as little as possible.",
    "closest_stable": "The stable allocation closest to per capita: it moves as few dollars as "
    "possible away from per-capita shares so that no group would be better off alone.",
}


# How each rule reads inside "Under …, these 21 members would save …".
SENTENCE_NAMES = {
    "equal": "equal shares",
    "population": "per capita",
    "grand_list": "shares by grand list",
    "units": "shares by units used",
    "standalone": "shares by stand-alone cost",
    "blend": "the weighted blend",
    "base_fee_usage": "base fee + usage",
    "scrb": "SCRB",
    "shapley": "the Shapley value",
}


def rule_label(key: str) -> str:
    return str(Rule(key).label) if key in Rule.values else key


ENGINE_NAMES = {
    "population": "proportional:population",
    "grand_list": "proportional:grand_list",
    "units": "proportional:units",
    "standalone": "proportional:standalone",
    "base_fee_usage": "base-fee-usage",
    "least_core": "least-core",
    "closest_stable": "closest-stable",
}


def explanation(key: str) -> str:
    """The rule's one plain paragraph (the engine's, or ours for rules it does not describe)."""
    try:
        return str(engine.describe_method(ENGINE_NAMES.get(key, key)))
    except KeyError:
        return _(PLAIN.get(key, ""))


def _weights(game: StructuredModel, players: list[PlayerRow], field_name: str, label: str) -> np.ndarray:
    missing = []
    values = []
    for p in players:
        value = getattr(p, field_name, None) if field_name != "units" else p.units
        if value is None:
            missing.append(p.name)
        values.append(_f(value))
    if missing:
        raise GameError(
            _("%(rule)s needs every member's %(what)s; missing for %(who)s.")
            % {"rule": label, "what": field_name.replace("_", " "), "who": ", ".join(missing[:8])}
        )
    return np.array(values, dtype=float)


def _blend(game: StructuredModel, players: list[PlayerRow], parts: dict[str, float]) -> np.ndarray:
    total_weight = sum(parts.values())
    if total_weight <= 0:
        raise GameError(_("The blend's weights add up to 0."))
    for name in parts:
        _weights(game, players, name, rule_label("blend"))  # a clear message for a missing field
    return engine.blend(game, {f"proportional:{k}": v / total_weight for k, v in parts.items() if v > 0})


def _run(key: str, game: StructuredModel, players: list[PlayerRow], params: dict[str, Any]) -> np.ndarray:
    if key == "equal":
        return engine.equal(game)
    if key in ("population", "grand_list", "units"):
        return engine.proportional(game, _weights(game, players, key, rule_label(key)))
    if key == "standalone":
        return engine.proportional(game, game.standalone())
    if key == "blend":
        parts = params.get("blend") or DEFAULT_BLEND
        return _blend(game, players, {str(k): float(v) for k, v in parts.items()})
    if key == "base_fee_usage":
        return engine.base_fee_usage(game)
    if key == "scrb":
        return engine.scrb(game)
    if key == "shapley":
        return engine.shapley(game)
    if key in ("nucleolus", "least_core", "closest_stable"):
        limit = LP_LIMITS.get(key)
        if limit is not None and game.n > limit:
            raise GameError(
                _(
                    "%(rule)s needs the cost of every group of members: with %(n)s members that is "
                    "more than the %(limit)s the engine solves exactly. Use Shapley or SCRB and check it."
                )
                % {"rule": rule_label(key), "n": game.n, "limit": limit}
            )
        if key == "nucleolus":
            return engine.nucleolus(game)
        if key == "least_core":
            return engine.least_core(game)[0]
        target = engine.proportional(game, _weights(game, players, "population", rule_label("population")))
        return engine.closest_stable(game, target)[0]
    raise GameError(f"unknown rule {key}")


# --- Building the game ---------------------------------------------------------------------------


def _players(scenario: Scenario, participants: list[ScenarioParticipant]) -> list[PlayerRow]:
    counts: dict[str, int] = {}
    for p in participants:
        counts[p.member.name] = counts.get(p.member.name, 0) + 1
    rows = []
    for p in participants:
        # Names are the engine's player keys; two members with one name get their slugs added.
        name = p.member.name if counts[p.member.name] == 1 else f"{p.member.name} ({p.member.slug})"
        rows.append(
            PlayerRow(
                name=name,
                member_id=p.member_id,
                participant_id=p.pk,
                units=int(p.units_likely or 0),
                own_cost_year=_f(p.own_cost_likely) / max(1, scenario.term_years),
                service_level=_f(p.service_level_likely),
                standalone=p.standalone_likely or Decimal(0),
                population=p.population,
                grand_list=p.grand_list,
                road_miles=p.road_miles,
                visibility=p.visibility,
            )
        )
    return rows


def build_game(scenario: Scenario, players: list[PlayerRow], participants: list[Any]) -> StructuredModel:
    """The structured cost model at the likely values (raises GameError for bad inputs)."""
    extra = {p.pk: p.extra_weights or {} for p in participants}
    engine_players = [
        Player(
            name=row.name,
            units=row.units,
            member_cost=row.own_cost_year,
            service_level=row.service_level,
            population=_f(row.population),
            grand_list=_f(row.grand_list),
            extra={
                "road_miles": _f(row.road_miles),
                **{k: float(v) for k, v in extra[row.participant_id].items()},
            },
        )
        for row in players
    ]
    kwargs: dict[str, Any] = {
        "platform_cost": _f(scenario.platform_likely) + annual_capital(scenario),
        "price": _f(scenario.price_likely),
        "exponent": _f(scenario.exponent_likely, 1.0),
        "coordination_base": _f(scenario.coordination_likely),
        "coordination_exponent": _f(scenario.coordination_exponent, 1.0),
    }
    if scenario.price_tiers:
        kwargs["tiers"] = _tiers(scenario.price_tiers)
    return StructuredModel(engine_players, **kwargs)


def _tiers(tiers: list[dict[str, Any]]) -> list[engine.Tier]:
    return [
        engine.Tier(None if t.get("up_to") is None else float(t["up_to"]), float(t["price"])) for t in tiers
    ]


def _participants(scenario: Scenario) -> list[ScenarioParticipant]:
    # Every participant, whoever asks: results are computed once and disclosed per viewer later.
    return list(
        ScenarioParticipant.objects.filter(scenario=scenario)
        .select_related("member")
        .order_by("member__name")
    )


def _cache_key(kind: str, scenario: Scenario) -> str:
    return f"costing:{kind}:v1:{scenario.pk}:{scenario.updated_at.timestamp()}"


def analyse(scenario: Scenario, participants: list[ScenarioParticipant] | None = None) -> Analysis:
    """Every rule's allocation and core check, and the deterministic savings (cached).

    Pass the scenario's participants (with members) when already loaded: no further query then.
    """
    key = _cache_key("analysis", scenario)
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = _analyse(scenario, participants)
    cache.set(key, result, CACHE_SECONDS)
    return result


def _analyse(scenario: Scenario, participants: list[ScenarioParticipant] | None) -> Analysis:
    participants = _participants(scenario) if participants is None else participants
    players = _players(scenario, participants)
    standalone_total = sum((p.standalone for p in players), Decimal(0))
    if not players:
        return Analysis(
            players, Decimal(0), standalone_total, Decimal(0), 0.0, [], _("No members take part yet.")
        )
    try:
        game = build_game(scenario, players, participants)
    except GameError as exc:
        return Analysis(players, Decimal(0), standalone_total, Decimal(0), 0.0, [], "; ".join(exc.problems))
    grand = game.grand_cost()
    grand_cents = (Decimal(grand) / CENT).to_integral_value(rounding=ROUND_HALF_UP) * CENT
    params = scenario.rule_params or {}
    rules = []
    for key in Rule.values:
        label = rule_label(key)
        result = RuleResult(key=key, label=label, explanation=explanation(key))
        try:
            x = _run(key, game, players, params)
        except GameError as exc:
            result.error = "; ".join(exc.problems)
            rules.append(result)
            continue
        result.amounts = engine.to_cents(engine.as_dict(game, x), grand)
        check = check_core(game, np.asarray(x, dtype=float))
        result.stable = check.stable
        result.core_members = check.members
        result.core_excess = check.excess
        result.core_sentence = explain_core(check, SENTENCE_NAMES.get(key, label))
        result.losers = [p.name for p in players if result.amounts[p.name] > p.standalone]
        rules.append(result)
    return Analysis(
        players=players,
        grand_cost=grand_cents,
        standalone_total=standalone_total,
        savings_total=standalone_total - grand_cents,
        platform_year=float(game.platform_cost),
        rules=rules,
    )


# --- Uncertainty ---------------------------------------------------------------------------------


def uncertainty(
    scenario: Scenario, draws: int = 10_000, participants: list[ScenarioParticipant] | None = None
) -> Uncertainty:
    """Monte Carlo savings (seeded), tornado and break-even from the ranges (cached)."""
    key = _cache_key(f"uncertainty-{draws}", scenario)
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = _uncertainty(scenario, draws, participants)
    cache.set(key, result, CACHE_SECONDS)
    return result


def _uncertain_model(scenario: Scenario, participants: list[Any], players: list[PlayerRow]) -> Any:
    est = engine.Estimate
    term = max(1, scenario.term_years)
    capital = annual_capital(scenario)
    uplayers = []
    for row, p in zip(players, participants, strict=True):
        own = _range(p, "own_cost")
        uplayers.append(
            engine.UncertainPlayer(
                name=row.name,
                units=est(*_range(p, "units")),
                member_cost=est(own[0] / term, own[1] / term, own[2] / term),
                service_level=est(*_range(p, "service_level")),
                standalone=est(*_range(p, "standalone")),
                weights={
                    "population": _f(p.population),
                    "grand_list": _f(p.grand_list),
                    "road_miles": _f(p.road_miles),
                },
            )
        )
    platform = _range(scenario, "platform")
    exponent = _range(scenario, "exponent")
    return engine.UncertainModel(
        players=uplayers,
        platform_cost=est(platform[0] + capital, platform[1] + capital, platform[2] + capital),
        price=est(*_range(scenario, "price")),
        exponent=est(*exponent),
        coordination_base=est(*_range(scenario, "coordination")),
        coordination_exponent=est.exact(_f(scenario.coordination_exponent, 1.0)),
        tiers=_tiers(scenario.price_tiers) if scenario.price_tiers else None,
    )


def _uncertainty(
    scenario: Scenario, draws: int, participants: list[ScenarioParticipant] | None
) -> Uncertainty:
    participants = _participants(scenario) if participants is None else participants
    players = _players(scenario, participants)
    if not players:
        return Uncertainty(error=_("No members take part yet."))
    try:
        model = _uncertain_model(scenario, participants, players)
        sim = engine.simulate_savings(model, draws=draws, seed=0)
        bars = engine.tornado(model)
        standalone = np.array([float(p.standalone) for p in players])
        be = engine.break_even(model.likely(), standalone)
    except GameError as exc:
        return Uncertainty(error="; ".join(exc.problems))
    edges = sim.histogram_edges
    return Uncertainty(
        draws=sim.draws,
        p10=float(sim.p10),
        p50=float(sim.p50),
        p90=float(sim.p90),
        mean=float(sim.mean),
        probability_cheaper=float(sim.probability_cheaper),
        histogram=[
            {"low": float(edges[i]), "high": float(edges[i + 1]), "count": float(c)}
            for i, c in enumerate(sim.histogram_counts)
        ],
        member_percentiles={m.name: (float(m.p10), float(m.p50), float(m.p90)) for m in sim.members},
        tornado=[
            {"label": b.label, "low": float(b.low), "high": float(b.high), "swing": float(b.swing)}
            for b in bars
        ],
        break_even=[
            {"size": k + 1, "saving": float(v), "members": be.best_group_by_size[k]}
            for k, v in enumerate(be.best_saving_by_size)
        ],
        smallest_saving_size=be.size,
    )
