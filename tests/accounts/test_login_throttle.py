"""Failed sign-ins are throttled by address and by account with growing delays, never as a lockout.

Wrong passwords from one address slow that address down; they must not stop the owner, with the
right password, from another address (anyone who knows an e-mail address could lock its owner out).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from interlocal.accounts import throttle
from tests.factories import PASSWORD

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
TOO_MANY = "Too many failed login attempts"


class Clock:
    """A clock the test moves by hand (the throttle's delays are in seconds of it)."""

    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture(autouse=True)
def _no_flood_limit(settings) -> None:
    """allauth's "login" limit (requests per minute per address, in real time) would stop these
    tests' many quick requests before the throttle under test is reached."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": False}


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(throttle, "now", c)
    return c


def attempt(email: str, password: str, address: str) -> tuple[int, str]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response.status_code, response.content.decode()


def test_wrong_passwords_from_one_address_do_not_lock_out_the_owner_elsewhere(world, clock):
    for _ in range(30):
        attempt(world.bob.email, "wrong-password", ATTACKER)
    status, body = attempt(world.bob.email, PASSWORD, ATTACKER)
    assert status == 200 and TOO_MANY in body  # the attacker's address is held back ...
    status, _body = attempt(world.bob.email, PASSWORD, OWNER)
    assert status == 302  # ... the owner, from their own address, signs in


def test_brute_force_from_one_address_meets_growing_delays(world, clock):
    limit = throttle.ACCOUNT_ADDRESS
    for _ in range(limit.free):
        status, body = attempt(world.bob.email, "wrong-password", ATTACKER)
        assert TOO_MANY not in body
    delays = []
    for _ in range(4):
        # Refused at once, even with the right password: the address must wait.
        status, body = attempt(world.bob.email, PASSWORD, ATTACKER)
        assert status == 200 and TOO_MANY in body
        waited = 0.0
        while TOO_MANY in body:
            clock.advance(1)
            waited += 1
            _status, body = attempt(world.bob.email, "still-wrong", ATTACKER)
        delays.append(waited)
    assert delays == sorted(delays) and delays[-1] >= 4 * delays[0]
    # After the wait the right password works from that address too.
    clock.advance(limit.cap)
    assert attempt(world.bob.email, PASSWORD, ATTACKER)[0] == 302


def test_one_address_trying_many_accounts_is_slowed(world, clock):
    people = [world.alice, world.bob, world.carol, world.olga, world.pat]
    for i in range(throttle.ADDRESS.free):
        attempt(people[i % len(people)].email, "wrong-password", ATTACKER)
    _status, body = attempt(world.carol.email, PASSWORD, ATTACKER)
    assert TOO_MANY in body
    assert attempt(world.carol.email, PASSWORD, OWNER)[0] == 302


def test_many_addresses_against_one_account_are_slowed_but_a_clean_address_is_not(world, clock):
    for i in range(throttle.ACCOUNT.free):
        attempt(world.bob.email, "wrong-password", f"203.0.113.{i % 200 + 1}")
    # An address that already failed against the account waits ...
    assert TOO_MANY in attempt(world.bob.email, PASSWORD, "203.0.113.1")[1]
    # ... one that never did (the owner's) does not.
    assert attempt(world.bob.email, PASSWORD, OWNER)[0] == 302


def test_a_successful_sign_in_clears_that_address_and_account(world, clock):
    for _ in range(throttle.ACCOUNT_ADDRESS.free - 1):
        attempt(world.bob.email, "wrong-password", OWNER)
    assert attempt(world.bob.email, PASSWORD, OWNER)[0] == 302
    for _ in range(throttle.ACCOUNT_ADDRESS.free - 1):
        assert TOO_MANY not in attempt(world.bob.email, "wrong-password", OWNER)[1]


def test_ipv6_addresses_of_one_network_count_as_one():
    assert throttle.address_key("2001:db8:1:2::1") == throttle.address_key("2001:db8:1:2:ffff::9")
    assert throttle.address_key("2001:db8:1:3::1") != throttle.address_key("2001:db8:1:2::1")
    assert throttle.address_key("203.0.113.9") == "203.0.113.9"
