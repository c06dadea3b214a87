"""Fixtures for the tenant-isolation harness."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """The harness makes many requests per person; throttle counters (in the cache) start at zero."""
    cache.clear()
