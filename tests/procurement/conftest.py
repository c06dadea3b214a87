"""The procurement factories (tests/procurement/factories/) as fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.procurement.factories import DemandRoundFactory, SolicitationFactory, VendorFactory


@pytest.fixture
def vendor_factory(db: Any) -> type[VendorFactory]:
    return VendorFactory


@pytest.fixture
def demand_round_factory(db: Any) -> type[DemandRoundFactory]:
    return DemandRoundFactory


@pytest.fixture
def solicitation_factory(db: Any) -> type[SolicitationFactory]:
    return SolicitationFactory
