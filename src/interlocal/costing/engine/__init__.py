"""The allocation engine: cost games, allocation rules and the core check (no Django imports)."""

from .allocation import (
    METHODS,
    allocate,
    as_dict,
    base_fee_usage,
    blend,
    equal,
    parse_blend,
    proportional,
    scrb,
    weights_for,
)
from .core import CoreCheck, check_core
from .explain import describe_method, explain_core
from .game import ExplicitGame, Game, GameError, Player, StructuredModel, Tier
from .io import parse_allocation, parse_game, parse_uncertain_model
from .lp import closest_stable, least_core, nucleolus
from .money import annualized_capital, capital_recovery_factor, to_cents
from .shapley import shapley
from .uncertainty import (
    BreakEven,
    Estimate,
    MemberSavings,
    SavingsSimulation,
    TornadoBar,
    UncertainModel,
    UncertainPlayer,
    break_even,
    simulate_savings,
    tornado,
)

__all__ = [
    "METHODS",
    "BreakEven",
    "CoreCheck",
    "Estimate",
    "ExplicitGame",
    "Game",
    "GameError",
    "MemberSavings",
    "Player",
    "SavingsSimulation",
    "StructuredModel",
    "Tier",
    "TornadoBar",
    "UncertainModel",
    "UncertainPlayer",
    "allocate",
    "annualized_capital",
    "as_dict",
    "base_fee_usage",
    "blend",
    "break_even",
    "capital_recovery_factor",
    "check_core",
    "closest_stable",
    "describe_method",
    "equal",
    "explain_core",
    "least_core",
    "nucleolus",
    "parse_allocation",
    "parse_blend",
    "parse_game",
    "parse_uncertain_model",
    "proportional",
    "scrb",
    "shapley",
    "simulate_savings",
    "to_cents",
    "tornado",
    "weights_for",
]
