"""Helpers for the accounts tests: a clean throttling cache, TOTP codes, signing in through the forms."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    """Rate limits and used TOTP codes live in the cache; every test starts without any."""
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The code an authenticator app shows now for `secret` (offset in 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    """Post the sign-in form as a person would."""
    return client.post(reverse("account_login"), {"login": email, "password": password})
