"""Savings under uncertainty: low / likely / high inputs, Monte Carlo, tornado and break-even.

Every input of the structured model may be an `Estimate` (low, likely, high). The simulation
draws each input independently from the triangular distribution with those three points
(the mode is `likely`), so a range given by a council is read as "most likely here, never
outside this". No Django imports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .core import best_by_size
from .game import GameError, Player, StructuredModel, Tier, tiered_cost
from .shapley import shapley_structured

__all__ = [
    "BreakEven",
    "Estimate",
    "MemberSavings",
    "SavingsSimulation",
    "TornadoBar",
    "UncertainModel",
    "UncertainPlayer",
    "break_even",
    "simulate_savings",
    "tornado",
    "triangular",
]


@dataclass(frozen=True)
class Estimate:
    """A three-point estimate low ≤ likely ≤ high (all finite)."""

    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        values = (self.low, self.likely, self.high)
        if any(isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) for v in values):
            raise GameError(f"estimate {values}: low, likely and high must be finite numbers")
        if not self.low <= self.likely <= self.high:
            raise GameError(
                f"estimate ({self.low:g}, {self.likely:g}, {self.high:g}): needs low ≤ likely ≤ high"
            )

    @classmethod
    def exact(cls, value: float) -> Estimate:
        """A known value: low = likely = high."""
        return cls(value, value, value)

    @classmethod
    def of(cls, value: Estimate | float) -> Estimate:
        return value if isinstance(value, Estimate) else cls.exact(value)

    @property
    def is_exact(self) -> bool:
        return self.low == self.high


def _nonneg(est: Estimate, where: str, problems: list[str]) -> None:
    if est.low < 0:
        problems.append(f"{where}: must be ≥ 0 (low is {est.low:g})")


@dataclass(frozen=True)
class UncertainPlayer:
    """One member's inputs as estimates; `weights` are the numeric fields for proportional rules."""

    name: str
    units: Estimate = field(default_factory=lambda: Estimate.exact(0))
    member_cost: Estimate = field(default_factory=lambda: Estimate.exact(0))
    service_level: Estimate = field(default_factory=lambda: Estimate.exact(0))
    standalone: Estimate = field(default_factory=lambda: Estimate.exact(0))
    weights: Mapping[str, float] = field(default_factory=dict)

    def problems(self, where: str) -> list[str]:
        found: list[str] = []
        if not isinstance(self.name, str) or not self.name.strip():
            found.append(f"{where}.name: must be a non-empty name")
        for key in ("units", "member_cost", "service_level", "standalone"):
            _nonneg(getattr(self, key), f"{where}.{key}", found)
        for key, value in self.weights.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                found.append(f"{where}.{key}: must be a finite number")
        return found


@dataclass(frozen=True)
class UncertainModel:
    """The structured cost model with estimated inputs (see docs/costing.md, "Savings")."""

    players: Sequence[UncertainPlayer]
    platform_cost: Estimate = field(default_factory=lambda: Estimate.exact(0))
    price: Estimate = field(default_factory=lambda: Estimate.exact(0))
    exponent: Estimate = field(default_factory=lambda: Estimate.exact(1))
    coordination_base: Estimate = field(default_factory=lambda: Estimate.exact(0))
    coordination_exponent: Estimate = field(default_factory=lambda: Estimate.exact(1))
    tiers: list[Tier] | None = None
    tier_mode: str = "all_units"

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not self.players:
            problems.append("players: at least one player is needed")
        names = [p.name for p in self.players]
        for k, p in enumerate(self.players):
            problems += p.problems(f"players[{k}]")
            if p.name in names[:k]:
                problems.append(f"players[{k}]: {p.name!r} is listed twice")
        _nonneg(self.platform_cost, "platform_cost", problems)
        _nonneg(self.price, "variable.price", problems)
        _nonneg(self.coordination_base, "coordination.base", problems)
        if self.exponent.low <= 0 or self.exponent.high > 1:
            problems.append("variable.exponent: must be in (0, 1] (low to high)")
        if self.coordination_exponent.low <= 0:
            problems.append("coordination.exponent: must be > 0 (low to high)")
        if problems:
            raise GameError(problems)
        # tiers are checked by the likely model
        self.likely()

    @property
    def n(self) -> int:
        return len(self.players)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.players]

    def likely(self) -> StructuredModel:
        """The model at every likely value (units rounded to whole numbers for the exact algorithms)."""
        players = []
        for p in self.players:
            weights = dict(p.weights)
            players.append(
                Player(
                    name=p.name,
                    units=int(round(p.units.likely)),
                    member_cost=float(p.member_cost.likely),
                    service_level=float(p.service_level.likely),
                    population=float(weights.pop("population", 0.0)),
                    grand_list=float(weights.pop("grand_list", 0.0)),
                    extra={k: float(v) for k, v in weights.items()},
                )
            )
        return StructuredModel(
            players,
            platform_cost=self.platform_cost.likely,
            price=self.price.likely,
            exponent=self.exponent.likely,
            coordination_base=self.coordination_base.likely,
            coordination_exponent=self.coordination_exponent.likely,
            tiers=self.tiers,
            tier_mode=self.tier_mode,
        )

    def standalone_likely(self) -> np.ndarray:
        """Each member's likely current stand-alone spend."""
        return np.array([p.standalone.likely for p in self.players], dtype=float)

    def member_estimates(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(low, likely, high) arrays of one member input (units, member_cost, service_level, standalone)."""
        ests = [getattr(p, key) for p in self.players]
        return (
            np.array([e.low for e in ests], dtype=float),
            np.array([e.likely for e in ests], dtype=float),
            np.array([e.high for e in ests], dtype=float),
        )

    def grand_cost(self, inputs: Mapping[str, Any]) -> np.ndarray:
        """c(N) for arrays of inputs (one row per draw), without rounding units.

        `inputs` holds units, member_cost, service_level (shape draws × n) and platform_cost,
        price, exponent, coordination_base, coordination_exponent (shape draws).
        """
        n = self.n
        total_units = inputs["units"].sum(axis=1)
        if self.tiers is not None:
            variable = tiered_cost(self.tiers, self.tier_mode, total_units)
        else:
            variable = inputs["price"] * np.power(total_units, inputs["exponent"])
        return (
            inputs["platform_cost"]
            + inputs["member_cost"].sum(axis=1)
            + variable
            + inputs["coordination_base"] * np.power(float(n), inputs["coordination_exponent"])
            + inputs["service_level"].max(axis=1)
        )


# draws × members held in memory at once: 20 million floats are 160 MB per input
MAX_DRAW_CELLS = 20_000_000

GLOBAL_INPUTS = ("platform_cost", "price", "exponent", "coordination_base", "coordination_exponent")
MEMBER_INPUTS = ("units", "member_cost", "service_level", "standalone")


def triangular(
    rng: np.random.Generator,
    low: np.ndarray | float,
    mode: np.ndarray | float,
    high: np.ndarray | float,
    size: tuple[int, ...],
) -> np.ndarray:
    """Triangular draws by inverting the CDF (vectorised; a zero-width range gives its value).

    low, mode and high broadcast against `size` along its last axis (one value per member) or
    are scalars. In place where possible: this is most of the Monte Carlo's time.
    """
    low, mode, high = (np.asarray(a, dtype=float) for a in (low, mode, high))
    width = high - low
    split = (mode - low) / np.where(width > 0, width, 1.0)
    rise = width * (mode - low)  # u below the mode: x = low + sqrt(u · rise)
    fall = width * (high - mode)  # above: x = high − sqrt((1 − u) · fall)
    u = rng.random(size)
    left = u < split
    root = np.subtract(1.0, u)
    root *= fall
    np.multiply(u, rise, out=root, where=left)
    np.sqrt(root, out=root)
    out = np.subtract(high, root)
    np.add(low, root, out=out, where=left)
    return out


@dataclass(frozen=True)
class MemberSavings:
    """One member's savings (stand-alone spend − its share of c(N)) across the draws."""

    name: str
    p10: float
    p50: float
    p90: float
    mean: float


@dataclass(frozen=True)
class SavingsSimulation:
    """Monte Carlo savings Σ stand-alone − c(N); percentiles over `draws` seeded draws."""

    draws: int
    seed: int
    p10: float
    p50: float
    p90: float
    mean: float
    probability_cheaper: float
    histogram_edges: list[float]
    histogram_counts: list[int]
    members: list[MemberSavings]
    share_rule: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "total": {"p10": self.p10, "p50": self.p50, "p90": self.p90, "mean": self.mean},
            "probability_cheaper": self.probability_cheaper,
            "histogram": {"edges": self.histogram_edges, "counts": self.histogram_counts},
            "members": {
                m.name: {"p10": m.p10, "p50": m.p50, "p90": m.p90, "mean": m.mean} for m in self.members
            },
            "share_rule": self.share_rule,
        }


def _draw_inputs(model: UncertainModel, draws: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    inputs: dict[str, np.ndarray] = {}
    for key in GLOBAL_INPUTS:
        est: Estimate = getattr(model, key)
        inputs[key] = triangular(rng, est.low, est.likely, est.high, (draws,))
    for key in MEMBER_INPUTS:
        low, likely, high = model.member_estimates(key)
        if (low == high).all():  # nothing uncertain: no need to draw draws × n numbers
            inputs[key] = np.broadcast_to(likely, (draws, model.n))
        else:
            inputs[key] = triangular(rng, low, likely, high, (draws, model.n))
    return inputs


SHAPLEY_SHARES = "shares of the likely Shapley value, applied to each draw's c(N)"
STANDALONE_SHARES = (
    "shares of the likely stand-alone costs c({i}), applied to each draw's c(N) "
    "(too many units for the exact Shapley value)"
)


def likely_shares(model: UncertainModel) -> tuple[np.ndarray, str]:
    """Each member's share of c(N) under the likely model's Shapley value, and the rule's description.

    Falls back on shares of the stand-alone costs c({i}) when the units are too many for the
    exact Shapley value, so the savings page still works.
    """
    likely = model.likely()
    try:
        phi, rule = shapley_structured(likely), SHAPLEY_SHARES
    except GameError:
        phi, rule = likely.standalone(), STANDALONE_SHARES
    total = phi.sum()
    return (phi / total if total > 0 else np.full(model.n, 1.0 / model.n)), rule


def simulate_savings(
    model: UncertainModel, *, draws: int = 10_000, seed: int = 0, bins: int = 40
) -> SavingsSimulation:
    """Monte Carlo estimate of the savings of the whole group sharing, with per-member savings.

    Each draw takes every input independently from its triangular (low, likely, high)
    distribution and computes c(N) with real-valued units. Member i's charge in a draw is
    share_i · c(N), where share_i is its share of the likely model's Shapley value: cheap per
    draw (no allocation is recomputed) and the same rule the comparison page defaults to.
    """
    if draws < 1:
        raise GameError("draws: at least 1")
    if draws * model.n > MAX_DRAW_CELLS:
        # every draw of every member's inputs is held at once (per-member percentiles need them)
        raise GameError(
            f"draws: {draws:,} draws × {model.n} members is too many; use at most {MAX_DRAW_CELLS // model.n:,}"
        )
    rng = np.random.default_rng(seed)
    inputs = _draw_inputs(model, draws, rng)
    grand = model.grand_cost(inputs)
    standalone = inputs["standalone"]
    savings = standalone.sum(axis=1) - grand
    p10, p50, p90 = np.percentile(savings, [10, 50, 90])
    counts, edges = np.histogram(savings, bins=bins)
    shares, rule = likely_shares(model)
    member_savings = standalone - grand[:, None] * shares[None, :]
    mp = np.percentile(member_savings, [10, 50, 90], axis=0)
    means = member_savings.mean(axis=0)
    members = [
        MemberSavings(name, float(mp[0, i]), float(mp[1, i]), float(mp[2, i]), float(means[i]))
        for i, name in enumerate(model.names)
    ]
    return SavingsSimulation(
        draws=draws,
        seed=seed,
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        mean=float(savings.mean()),
        probability_cheaper=float(np.mean(savings > 0)),
        histogram_edges=[float(e) for e in edges],
        histogram_counts=[int(c) for c in counts],
        members=members,
        share_rule=rule,
    )


@dataclass(frozen=True)
class TornadoBar:
    """Total savings with one input group at its low and at its high value (the rest likely)."""

    label: str
    low: float
    high: float
    swing: float


TORNADO_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Platform cost", ("platform_cost",)),
    ("Unit price", ("price",)),
    ("Economies of scale (exponent β)", ("exponent",)),
    ("Coordination overhead (h0, γ)", ("coordination_base", "coordination_exponent")),
    ("Members' units", ("units",)),
    ("Members' own costs", ("member_cost",)),
    ("Members' service levels", ("service_level",)),
    ("Members' stand-alone spend", ("standalone",)),
)


def tornado(model: UncertainModel) -> list[TornadoBar]:
    """Which inputs matter most: savings at each group's low and high, sorted by swing (largest first).

    Groups: platform cost, unit price, exponent (both skipped with vendor tiers), coordination
    overhead (base and exponent together), and every member's units, own costs, service levels
    and stand-alone spend (all members' values of one kind move together). Groups whose inputs
    are all exact are left out.
    """
    scenarios: list[tuple[str, tuple[str, ...]]] = []
    for label, keys in TORNADO_GROUPS:
        if model.tiers is not None and keys[0] in ("price", "exponent"):
            continue
        exact = all(
            getattr(model, k).is_exact
            if k in GLOBAL_INPUTS
            else all(getattr(p, k).is_exact for p in model.players)
            for k in keys
        )
        if not exact:
            scenarios.append((label, keys))
    # one row per scenario end: row 0 is all likely, then (low, high) per group
    rows = 1 + 2 * len(scenarios)
    inputs: dict[str, np.ndarray] = {}
    for key in GLOBAL_INPUTS:
        est = getattr(model, key)
        inputs[key] = np.full(rows, float(est.likely))
    for key in MEMBER_INPUTS:
        inputs[key] = np.tile(model.member_estimates(key)[1], (rows, 1))
    for s, (_, keys) in enumerate(scenarios):
        for key in keys:
            if key in GLOBAL_INPUTS:
                est = getattr(model, key)
                inputs[key][1 + 2 * s] = est.low
                inputs[key][2 + 2 * s] = est.high
            else:
                low, _, high = model.member_estimates(key)
                inputs[key][1 + 2 * s] = low
                inputs[key][2 + 2 * s] = high
    savings = inputs["standalone"].sum(axis=1) - model.grand_cost(inputs)
    bars = [
        TornadoBar(
            label,
            float(savings[1 + 2 * s]),
            float(savings[2 + 2 * s]),
            float(abs(savings[2 + 2 * s] - savings[1 + 2 * s])),
        )
        for s, (label, _) in enumerate(scenarios)
    ]
    return sorted(bars, key=lambda b: -b.swing)


@dataclass(frozen=True)
class BreakEven:
    """The smallest group that saves money, an example, and the best saving for every group size.

    `size` is None (and `members` empty) when no group of any size saves money.
    `best_saving_by_size[k - 1]` is the largest Σ stand-alone − c(S) over groups of k members.
    """

    size: int | None
    members: list[str]
    saving: float
    best_saving_by_size: list[float]
    best_group_by_size: list[list[str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "members": self.members,
            "saving": self.saving,
            "best_saving_by_size": self.best_saving_by_size,
        }


def break_even(model: StructuredModel, standalone: np.ndarray) -> BreakEven:
    """The smallest k for which some k-member group S saves money (Σ_{i∈S} standalone_i > c(S)), exactly.

    For a fixed size k the platform and coordination terms F + h0·k^γ are the same for every
    group, so the best group maximises Σ (standalone_i − a_i) − f(U(S)) − max_{i∈S} r_i: the
    same knapsack over (size, unit sum) per service level as the core check (`best_by_size`),
    with the stand-alone spend in place of the allocation. One pass gives every size.
    """
    standalone = np.asarray(standalone, dtype=float)
    if standalone.shape != (model.n,):
        raise GameError(f"standalone: expected {model.n} amounts, got {standalone.shape}")
    values, masks = best_by_size(model, standalone - model.member_cost, model.n)
    by_size = [float(v) for v in values[1:]]
    groups = [model.members(m) for m in masks[1:]]
    # savings within rounding of zero are not savings
    tolerance = 1e-9 * max(1.0, float(np.abs(standalone).sum()))
    size = next((k + 1 for k, v in enumerate(by_size) if v > tolerance), None)
    if size is None:
        return BreakEven(None, [], 0.0, by_size, groups)
    return BreakEven(size, groups[size - 1], by_size[size - 1], by_size, groups)
