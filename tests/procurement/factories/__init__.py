"""Procurement test data by topic: vendors, planning (rounds, solicitations) and bidding (joint
purchases at the test clock's T0). The factories are also fixtures (tests/procurement/conftest.py)."""

from tests.procurement.factories.bidding import (
    DEADLINE,
    OPENING,
    JointPurchase,
    make_awarded_purchase,
    make_joint_purchase,
)
from tests.procurement.factories.planning import (
    DemandItemFactory,
    DemandRoundFactory,
    SolicitationFactory,
    SolicitationItemFactory,
    make_entry,
    make_round,
    make_solicitation,
)
from tests.procurement.factories.vendors import VendorFactory, make_vendor

__all__ = [
    "DEADLINE",
    "OPENING",
    "DemandItemFactory",
    "DemandRoundFactory",
    "JointPurchase",
    "SolicitationFactory",
    "SolicitationItemFactory",
    "VendorFactory",
    "make_awarded_purchase",
    "make_entry",
    "make_joint_purchase",
    "make_round",
    "make_solicitation",
    "make_vendor",
]
