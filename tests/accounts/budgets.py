"""Query budgets for the account list pages (run by tests/test_query_budgets.py)."""

from __future__ import annotations

from typing import Any

from interlocal.accounts.models import ApiToken, Invitation, UserSession, hash_token
from tests.test_query_budgets import Budget


def _invitations(world: Any, start: int, count: int) -> None:
    members = [world.avon, world.bolton, None]
    for i in range(start, start + count):
        member = members[i % 3]
        Invitation.objects.create(
            email=f"budget{i}@capitol.example",
            consortium=world.capitol,
            member=member,
            role="member_admin" if member else "observer",
            invited_by=world.alice,
            token_hash=hash_token(f"budget-invitation-{i}"),
        )


def _tokens(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        raw = f"il_budget-token-{i}"
        ApiToken.objects.create(
            user=world.bob, name=f"Budget token {i}", key_prefix=raw[:12], key_hash=hash_token(raw)
        )


def _sessions(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        UserSession.objects.create(
            user=world.bob, session_key=f"budget-session-{i:024d}", user_agent=f"Browser {i}"
        )


BUDGETS = [
    Budget("accounts:invitations", "alice", _invitations, query={}),
    Budget("accounts:tokens", "bob", _tokens, query={}),
    Budget("accounts:sessions", "bob", _sessions, query={}),
]
