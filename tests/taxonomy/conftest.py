"""The standard catalogue is seeded by a migration; a flushed database (transactional tests that
ran earlier) gets it back here. The taxonomy factories (tests/taxonomy/factories.py) as fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.taxonomy.models import ServiceArea
from tests.taxonomy.factories import ServiceAreaFactory, SynonymFactory, UnmatchedTermFactory


@pytest.fixture(autouse=True)
def _catalogue(db: Any) -> None:
    if not ServiceArea.objects.filter(consortium__isnull=True).exists():
        load_standard_catalogue()


def area(code: str) -> ServiceArea:
    """A standard area by code."""
    return ServiceArea.objects.get(consortium__isnull=True, code=code)


@pytest.fixture
def service_area_factory(db: Any) -> type[ServiceAreaFactory]:
    """A consortium's own area (pass consortium=...)."""
    return ServiceAreaFactory


@pytest.fixture
def synonym_factory(db: Any) -> type[SynonymFactory]:
    return SynonymFactory


@pytest.fixture
def unmatched_term_factory(db: Any) -> type[UnmatchedTermFactory]:
    return UnmatchedTermFactory
