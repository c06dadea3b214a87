"""Procurement's demo data (found by `interlocal demo`): planning first, then bidding on it."""

from __future__ import annotations

from typing import Any

from interlocal.procurement.demo import bidding, planning
from interlocal.procurement.demo.planning import (
    COMPLETED_TITLE,
    OPEN_SOLICITATION_REFERENCE,
    ORDER,
    ROUND_TITLE,
)

__all__ = ["COMPLETED_TITLE", "OPEN_SOLICITATION_REFERENCE", "ORDER", "ROUND_TITLE", "load"]


def load(stdout: Any = None) -> list[Any]:
    """Create the Capitol Region's procurement demo: rounds and solicitations, then bids and awards."""
    tasks = list(planning.load(stdout) or [])
    return tasks + list(bidding.load(stdout) or [])
