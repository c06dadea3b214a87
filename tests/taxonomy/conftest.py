"""The standard catalogue is seeded by a migration; a flushed database (transactional tests that
ran earlier) gets it back here."""

from __future__ import annotations

from typing import Any

import pytest

from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.taxonomy.models import ServiceArea


@pytest.fixture(autouse=True)
def _catalogue(db: Any) -> None:
    if not ServiceArea.objects.filter(consortium__isnull=True).exists():
        load_standard_catalogue()


def area(code: str) -> ServiceArea:
    """A standard area by code."""
    return ServiceArea.objects.get(consortium__isnull=True, code=code)
