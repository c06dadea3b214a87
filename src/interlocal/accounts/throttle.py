"""Throttling of failed sign-ins: growing delays by address and by account, never a lockout.

A plain "N failures lock the account" rule lets anyone who knows an e-mail address lock its owner
out. Here failures make the *address* that produced them wait, longer after each one:

- by account and address: a few free failures, then a delay that doubles with each failure;
- by address, whatever the account: the same, with more free failures (an office behind one
  address mistypes more often than one person), to slow password spraying;
- by account, whatever the address: once an account has collected many failures, every address
  that has itself failed against it waits too, so a guessing campaign spread over many addresses
  gets one try per new address. An address that never failed against the account — the owner's,
  usually — is not held back.

While an address waits, every sign-in from it for that account is refused, right password or not,
so the refusal tells an attacker nothing. State lives in the cache (shared by the processes when
INTERLOCAL_REDIS_URL is set); entries are forgotten some time after their last failure.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.core.cache import cache

__all__ = [
    "ACCOUNT",
    "ACCOUNT_ADDRESS",
    "ADDRESS",
    "Rule",
    "address_key",
    "clear_account",
    "clear_success",
    "record_failure",
    "retry_after",
]

now = time.time  # replaced by tests


@dataclass(frozen=True)
class Rule:
    """`free` failures pass; the next waits `base` seconds, doubling per failure up to `cap`."""

    name: str
    free: int
    base: float
    cap: float

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return float(min(self.base * 2 ** (failures - self.free), self.cap))

    @property
    def forget_after(self) -> int:
        """Seconds after the last failure when the count starts again from zero."""
        return int(self.cap * 4)


ACCOUNT_ADDRESS = Rule("aa", free=5, base=15, cap=15 * 60)
ADDRESS = Rule("a", free=20, base=15, cap=60 * 60)
ACCOUNT = Rule("acc", free=20, base=15, cap=60 * 60)


def address_key(ip: str) -> str:
    """The address as throttled: IPv4 as is, IPv6 by its /64 (one subscriber's network)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((addr, 64), strict=False))
    return str(addr.ipv4_mapped or addr) if isinstance(addr, ipaddress.IPv6Address) else str(addr)


def _account_key(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode("utf-8")).hexdigest()[:32]


def _keys(login: str, ip: str) -> dict[Rule, str]:
    account, address = _account_key(login), address_key(ip)
    return {
        ACCOUNT_ADDRESS: f"il:login:{ACCOUNT_ADDRESS.name}:{account}:{address}",
        ADDRESS: f"il:login:{ADDRESS.name}:{address}",
        ACCOUNT: f"il:login:{ACCOUNT.name}:{account}",
    }


def retry_after(login: str, ip: str) -> float:
    """Seconds this address must still wait before trying `login` again (0: it may try now)."""
    keys = _keys(login, ip)
    state = cache.get_many(list(keys.values()))
    t = now()
    waits = []
    for rule, key in keys.items():
        entry = state.get(key)
        if entry is None:
            continue
        if rule is ACCOUNT and keys[ACCOUNT_ADDRESS] not in state:
            continue  # an address that never failed against this account is not held back by it
        waits.append(entry["until"] - t)
    return max([0.0, *waits])


def record_failure(login: str, ip: str) -> None:
    """Count one failed sign-in against the address, the account and the pair."""
    t = now()
    for rule, key in _keys(login, ip).items():
        # get-then-set is not atomic: two simultaneous failures may count once. The delays only
        # need to grow, not to be exact.
        failures = (cache.get(key) or {"failures": 0})["failures"] + 1
        cache.set(key, {"failures": failures, "until": t + rule.delay(failures)}, rule.forget_after)


def clear_success(login: str, ip: str) -> None:
    """A right password from this address: forget the pair's failures (not the address's, nor the
    account's, so an attacker with an account of their own cannot reset them by signing in)."""
    cache.delete(_keys(login, ip)[ACCOUNT_ADDRESS])


def clear_account(login: str) -> None:
    """A completed password reset: the account's own count starts again."""
    cache.delete(_keys(login, "")[ACCOUNT])
