"""Fixtures for API tests: tokens for the named people and clients that send them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from tests.api.helpers import make_token
from tests.conftest import World


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def token_for(world: World) -> Callable[[str], str]:
    """token_for("bob") -> a new API token secret of bob's."""
    return lambda name: make_token(getattr(world, name))


@pytest.fixture
def api_for(token_for: Callable[[str], str]) -> Callable[[str | None], Client]:
    """api_for("bob") -> a Client that authenticates as bob with a bearer token (None: no credentials)."""

    def make(name: str | None) -> Client:
        if name is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {token_for(name)}"})

    return make
