"""Procurement models: planning (vendors, demand rounds, solicitations) and bidding (sealed bids,
awards, contracts). One package so the app keeps one set of migrations."""

from .bidding import *  # noqa: F403
from .planning import *  # noqa: F403
from .settings import *  # noqa: F403
