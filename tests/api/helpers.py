"""Helpers for API tests (also used by the isolation harness and the query budgets)."""

from __future__ import annotations

from typing import Any

from interlocal.accounts.models import ApiToken, hash_token

__all__ = ["assert_error", "make_token"]


def make_token(user: Any, name: str = "test token", **fields: Any) -> str:
    """Create an API token for `user` and return its secret."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, key_prefix=raw[:10], key_hash=hash_token(raw), **fields)
    return raw


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The response is a `status` answer with the one error body; returns the body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for item in body["errors"]:
        assert set(item) == {"loc", "msg"}, item
        assert isinstance(item["loc"], list) and isinstance(item["msg"], str)
    return body
