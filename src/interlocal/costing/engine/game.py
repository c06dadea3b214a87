"""Cost games: an explicit table of coalition costs, or the structured cost model of docs/costing.md.

Coalitions are bitmasks: bit i stands for ``players[i]``. No Django imports here.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "MAX_EXPLICIT_PLAYERS",
    "ExplicitGame",
    "Game",
    "GameError",
    "Player",
    "StructuredModel",
    "TIER_MODES",
    "Tier",
    "coalition_label",
    "tiered_cost",
]

# 2**25 float64 costs is 256 MiB: the largest table we agree to hold in memory (the nucleolus
# works through it in chunks, so it needs little more than the table itself).
MAX_EXPLICIT_PLAYERS = 25
# The exact structured algorithms hold a few (n + 1) × (U(N) + 1) float64 tables: 1.2 GB each at most.
MAX_DP_CELLS = 150_000_000


class GameError(ValueError):
    """Invalid game or allocation input; ``problems`` holds one message per problem."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


def coalition_label(members: Iterable[str]) -> str:
    return "{" + ", ".join(members) + "}"


def popcounts(n: int, dtype: type = np.int64) -> np.ndarray:
    """Size of every coalition, indexed by bitmask (doubling, like subset_sums)."""
    out: np.ndarray = np.empty(1 << n, dtype=dtype)
    out[0] = 0
    for i in range(n):
        np.add(out[: 1 << i], 1, out=out[1 << i : 2 << i])
    return out


def subset_sums(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Σ_{i∈S} values[i] for every bitmask S (doubling: the second half has the next bit set).

    Filled in place, with no temporaries: at n = 25 the table alone is 256 MiB.
    """
    n = len(values)
    if out is None:
        out = np.empty(1 << n, dtype=float)
    out[0] = 0.0
    for i, v in enumerate(np.asarray(values, dtype=float).tolist()):
        np.add(out[: 1 << i], v, out=out[1 << i : 2 << i])
    return out


def _check_players(players: Sequence[str]) -> list[str]:
    problems = []
    if not players:
        problems.append("players: at least one player is needed")
    seen: set[str] = set()
    for k, name in enumerate(players):
        if not isinstance(name, str) or not name.strip():
            problems.append(f"players[{k}]: must be a non-empty name")
        elif name in seen:
            problems.append(f"players[{k}]: {name!r} is listed twice")
        else:
            seen.add(name)
    return problems


class Game(abc.ABC):
    """What every cost game offers: players, c(S) and the stand-alone and grand-coalition costs."""

    players: list[str]

    @property
    def n(self) -> int:
        return len(self.players)

    def mask_of(self, coalition: Iterable[str]) -> int:
        index = {p: i for i, p in enumerate(self.players)}
        mask = 0
        for p in coalition:
            if p not in index:
                raise GameError(f"unknown player {p!r}")
            mask |= 1 << index[p]
        return mask

    def members(self, mask: int) -> list[str]:
        return [p for i, p in enumerate(self.players) if mask >> i & 1]

    def cost(self, coalition: Iterable[str]) -> float:
        """c(S) for a collection of player names."""
        return self.cost_mask(self.mask_of(coalition))

    @abc.abstractmethod
    def cost_mask(self, mask: int) -> float:
        """c(S) for a coalition given as a bitmask over `players`."""

    @abc.abstractmethod
    def cost_table(self) -> np.ndarray:
        """c(S) for every bitmask S (index 0 is the empty coalition, cost 0)."""

    def grand_cost(self) -> float:
        return self.cost_mask((1 << self.n) - 1)

    def standalone(self) -> np.ndarray:
        return np.array([self.cost_mask(1 << i) for i in range(self.n)])

    def without_each(self) -> np.ndarray:
        """c(N \\ {i}) for every i."""
        full = (1 << self.n) - 1
        return np.array([self.cost_mask(full & ~(1 << i)) for i in range(self.n)])


class ExplicitGame(Game):
    """A cost for every non-empty coalition, held in a numpy array indexed by bitmask."""

    def __init__(self, players: Sequence[str], costs: np.ndarray, *, copy: bool = True) -> None:
        """`costs[mask]` is c(S); copy=False adopts a float64 array as is (an n = 25 table is 256 MiB)."""
        problems = _check_players(players)
        if len(players) > MAX_EXPLICIT_PLAYERS:
            problems.append(
                f"players: {len(players)} players is more than {MAX_EXPLICIT_PLAYERS} for a table"
            )
        if problems:
            raise GameError(problems)
        self.players = list(players)
        costs = np.asarray(costs, dtype=float)
        if costs.shape != (1 << self.n,):
            raise GameError(f"costs: expected {1 << self.n} entries, got {costs.shape}")
        self.costs = costs.copy() if copy else costs
        self.costs[0] = 0.0

    @classmethod
    def from_coalitions(
        cls, players: Sequence[str], entries: Iterable[tuple[Iterable[str], float]]
    ) -> ExplicitGame:
        """Build from (members, cost) pairs listing every non-empty coalition exactly once."""
        problems = _check_players(players)
        if len(players) > MAX_EXPLICIT_PLAYERS:
            problems.append(
                f"players: {len(players)} players is more than {MAX_EXPLICIT_PLAYERS} for a table"
            )
        if problems:
            raise GameError(problems)
        index = {p: i for i, p in enumerate(players)}
        n = len(players)
        costs = np.zeros(1 << n)
        given = np.zeros(1 << n, dtype=bool)
        for k, (members_in, cost) in enumerate(entries):
            members = list(members_in)
            where = f"coalitions[{k}] {coalition_label(str(m) for m in members)}"
            mask, ok = 0, True
            for m in members:
                if m not in index:
                    problems.append(f"{where}: unknown player {m!r}")
                    ok = False
                elif mask >> index[m] & 1:
                    problems.append(f"{where}: player {m!r} is listed twice")
                    ok = False
                else:
                    mask |= 1 << index[m]
            if not members:
                problems.append(f"coalitions[{k}]: members must not be empty")
                ok = False
            if isinstance(cost, bool) or not isinstance(cost, int | float) or not math.isfinite(cost):
                problems.append(f"{where}: cost must be a finite number")
                ok = False
            elif cost < 0:
                problems.append(f"{where}: cost must be ≥ 0, got {cost}")
                ok = False
            if not ok:
                continue
            if given[mask]:
                problems.append(f"{where}: this coalition's cost is given twice")
                continue
            given[mask] = True
            costs[mask] = float(cost)
        if problems:
            raise GameError(problems)
        missing = np.flatnonzero(~given[1:]) + 1
        if len(missing):
            shown = [
                f"coalition {coalition_label(p for i, p in enumerate(players) if m >> i & 1)} has no cost"
                for m in missing[:10]
            ]
            if len(missing) > 10:
                shown.append(f"... and {len(missing) - 10} more coalitions have no cost")
            raise GameError(shown)
        return cls(players, costs)

    def cost_mask(self, mask: int) -> float:
        return float(self.costs[mask])

    def cost_table(self) -> np.ndarray:
        return self.costs


@dataclass(frozen=True)
class Player:
    """One member's inputs to the structured cost model."""

    name: str
    units: int = 0
    member_cost: float = 0.0
    service_level: float = 0.0
    population: float = 0.0
    grand_list: float = 0.0
    extra: Mapping[str, float] = field(default_factory=dict)

    def weight(self, name: str) -> float | None:
        if name in ("units", "member_cost", "service_level", "population", "grand_list"):
            return float(getattr(self, name))
        return self.extra.get(name)


TIER_MODES = ("all_units", "incremental")


@dataclass(frozen=True)
class Tier:
    """A vendor price band: units up to `up_to` (None: no upper limit) cost `unit_price` each."""

    up_to: float | None
    unit_price: float


def _check_tiers(tiers: Sequence[Tier], mode: str) -> list[str]:
    problems = []
    if mode not in TIER_MODES:
        problems.append(f"variable.mode: must be one of {', '.join(TIER_MODES)}")
    if not tiers:
        problems.append("variable.tiers: at least one tier is needed")
    previous = 0.0
    for k, tier in enumerate(tiers):
        where = f"variable.tiers[{k}]"
        if not _finite_nonneg(tier.unit_price):
            problems.append(f"{where}.unit_price: must be a finite number ≥ 0")
        if tier.up_to is None:
            if k != len(tiers) - 1:
                problems.append(f"{where}.up_to: only the last tier may be open-ended (null)")
        elif not _finite_nonneg(tier.up_to) or tier.up_to <= previous:
            problems.append(f"{where}.up_to: must be a number above the previous tier's ({previous:g})")
        else:
            previous = float(tier.up_to)
    if tiers and tiers[-1].up_to is not None:
        problems.append("variable.tiers: the last tier must be open-ended (up_to: null)")
    return problems


def tiered_cost(tiers: Sequence[Tier], mode: str, u: np.ndarray | float) -> np.ndarray:
    """Vendor price of u units, vectorised over u.

    all_units: every unit costs the price of the band the total falls in (u ≤ up_to);
    incremental: the units within each band cost that band's price (like income tax brackets).
    """
    u = np.asarray(u, dtype=float)
    bounds = np.array([np.inf if t.up_to is None else float(t.up_to) for t in tiers])
    prices = np.array([float(t.unit_price) for t in tiers])
    if mode == "all_units":
        band = np.minimum(np.searchsorted(bounds, u, side="left"), len(tiers) - 1)
        return prices[band] * u
    lower = np.concatenate([[0.0], bounds[:-1]])
    out = np.zeros_like(u)
    for lo, hi, price in zip(lower, bounds, prices, strict=True):
        out += price * np.clip(u - lo, 0.0, hi - lo)
    return out


NUMERIC_FIELDS = ("member_cost", "service_level", "population", "grand_list")


def _finite_nonneg(value: object) -> bool:
    return (
        not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value) and value >= 0
    )


class StructuredModel(Game):
    """c(S) = F·[S≠∅] + Σ a_i + p·U(S)^β + h0·|S|^γ + max_{i∈S} r_i, with U(S) = Σ u_i.

    With `tiers`, the variable cost is the vendor's tiered price of U(S) instead of p·U^β
    (see `tiered_cost`); the exact algorithms only need it as a function of U, so they still work.
    """

    def __init__(
        self,
        players: Sequence[Player],
        *,
        platform_cost: float = 0.0,
        price: float = 0.0,
        exponent: float = 1.0,
        coordination_base: float = 0.0,
        coordination_exponent: float = 1.0,
        tiers: Sequence[Tier] | None = None,
        tier_mode: str = "all_units",
    ) -> None:
        problems = _check_players([p.name for p in players])
        if tiers is not None:
            problems += _check_tiers(tiers, tier_mode)
        for k, p in enumerate(players):
            if isinstance(p.units, bool) or not isinstance(p.units, int) or p.units < 0:
                problems.append(f"players[{k}].units: must be a whole number ≥ 0")
            for name in NUMERIC_FIELDS:
                if not _finite_nonneg(getattr(p, name)):
                    problems.append(f"players[{k}].{name}: must be a finite number ≥ 0")
            for name, value in p.extra.items():
                if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                    problems.append(f"players[{k}].{name}: must be a finite number")
        if not _finite_nonneg(platform_cost):
            problems.append("platform_cost: must be a finite number ≥ 0")
        if not _finite_nonneg(price):
            problems.append("variable.price: must be a finite number ≥ 0")
        if not _finite_nonneg(exponent) or not 0 < exponent <= 1:
            problems.append("variable.exponent: must be in (0, 1]")
        if not _finite_nonneg(coordination_base):
            problems.append("coordination.base: must be a finite number ≥ 0")
        if not _finite_nonneg(coordination_exponent) or coordination_exponent <= 0:
            problems.append("coordination.exponent: must be a finite number > 0")
        if problems:
            raise GameError(problems)
        self.player_inputs = list(players)
        self.players = [p.name for p in players]
        self.platform_cost = float(platform_cost)
        self.price = float(price)
        self.exponent = float(exponent)
        self.coordination_base = float(coordination_base)
        self.coordination_exponent = float(coordination_exponent)
        self.tiers = list(tiers) if tiers is not None else None
        self.tier_mode = tier_mode
        self.units = np.array([p.units for p in players], dtype=np.int64)
        self.member_cost = np.array([p.member_cost for p in players], dtype=float)
        self.service_level = np.array([p.service_level for p in players], dtype=float)

    def check_dp_size(self) -> None:
        """Refuse, with a clear message, unit totals too large for the exact (size × units) tables."""
        total = int(self.units.sum())
        if (self.n + 1) * (total + 1) > MAX_DP_CELLS:
            raise GameError(
                f"players[*].units: they add up to {total:,}, too many for the exact algorithms with "
                f"{self.n} players; count units more coarsely (e.g. hundreds of users)"
            )

    @property
    def has_variable(self) -> bool:
        """Whether the variable cost can be non-zero (else unit sums do not matter)."""
        if self.tiers is not None:
            return any(t.unit_price > 0 for t in self.tiers) and bool(self.units.any())
        return self.price > 0 and bool(self.units.any())

    def variable(self, u: np.ndarray | float) -> np.ndarray:
        """p·u^β, or the tiered vendor price (vectorised over unit sums)."""
        if self.tiers is not None:
            return tiered_cost(self.tiers, self.tier_mode, u)
        return self.price * np.power(np.asarray(u, dtype=float), self.exponent)

    def symmetric(self, k: np.ndarray | float) -> np.ndarray:
        """F + h0·k^γ for non-empty coalitions of size k."""
        k = np.asarray(k, dtype=float)
        return np.where(
            k > 0, self.platform_cost + self.coordination_base * np.power(k, self.coordination_exponent), 0.0
        )

    def cost_mask(self, mask: int) -> float:
        idx = [i for i in range(self.n) if mask >> i & 1]
        if not idx:
            return 0.0
        return float(
            self.symmetric(len(idx))
            + self.member_cost[idx].sum()
            + self.variable(int(self.units[idx].sum()))
            + self.service_level[idx].max()
        )

    def cost_table(self) -> np.ndarray:
        if self.n > MAX_EXPLICIT_PLAYERS:
            raise GameError(f"{self.n} players are too many to enumerate every coalition")
        # built in place, one table and one scratch table, so that n = 25 needs about 0.6 GB
        n = self.n
        table = subset_sums(self.units.astype(float))
        if self.tiers is not None:
            table[:] = self.variable(table)
        else:
            np.power(table, self.exponent, out=table)
            table *= self.price
        scratch = subset_sums(self.member_cost)
        table += scratch
        scratch[0] = 0.0
        for i, r in enumerate(self.service_level.tolist()):  # max_{i∈S} r_i, doubling
            np.maximum(scratch[: 1 << i], r, out=scratch[1 << i : 2 << i])
        table += scratch
        sizes = popcounts(n, np.uint8)
        fixed = self.symmetric(np.arange(n + 1))
        step = 1 << 20
        for start in range(0, 1 << n, step):
            table[start : start + step] += fixed[sizes[start : start + step]]
        return table

    def weights(self, name: str) -> np.ndarray | None:
        values = [p.weight(name) for p in self.player_inputs]
        if any(v is None for v in values):
            return None
        return np.array(values, dtype=float)

    def to_explicit(self) -> ExplicitGame:
        return ExplicitGame(self.players, self.cost_table(), copy=False)
