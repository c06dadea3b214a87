"""The allocation engine: cost games, allocation rules and the core check (no Django imports)."""

from .allocation import METHODS, allocate, as_dict, equal, proportional, scrb, weights_for
from .core import CoreCheck, check_core
from .explain import explain_core
from .game import ExplicitGame, Game, GameError, Player, StructuredModel
from .io import parse_allocation, parse_game
from .lp import closest_stable, least_core, nucleolus
from .shapley import shapley

__all__ = [
    "METHODS",
    "CoreCheck",
    "ExplicitGame",
    "Game",
    "GameError",
    "Player",
    "StructuredModel",
    "allocate",
    "as_dict",
    "check_core",
    "closest_stable",
    "equal",
    "explain_core",
    "least_core",
    "nucleolus",
    "parse_allocation",
    "parse_game",
    "proportional",
    "scrb",
    "shapley",
    "weights_for",
]
