"""Completeness of the tenant-isolation registry: every URL and API operation is registered."""

from __future__ import annotations

import pytest

from tests.isolation import registry
from tests.isolation.registry import (
    SCOPED,
    SCOPED_LIST,
    Route,
    Target,
    load_registry,
    missing_registrations,
    site_urls,
    stale_registrations,
)


def test_every_url_and_api_operation_is_registered():
    missing = missing_registrations()
    assert not missing, "Unregistered routes (the isolation harness cannot check them):\n" + "\n".join(
        missing
    )


def test_no_route_is_registered_twice():
    _, _, problems = load_registry()
    assert not problems, "\n".join(problems)


def test_no_registered_route_is_stale():
    stale = stale_registrations()
    assert not stale, "Registered but gone (remove or rename the entry):\n" + "\n".join(stale)


def test_an_unregistered_url_pattern_fails_with_a_clear_message(settings):
    settings.ROOT_URLCONF = "tests.isolation.urls_with_extra"
    missing = missing_registrations()
    probe = [m for m in missing if "isolation_probe" in m]
    assert len(probe) == 1, missing
    assert "/isolation-probe/<int:pk>/" in probe[0]
    assert "tests/isolation/routes_site.py" in probe[0] and "README.md" in probe[0]


def test_an_unregistered_api_operation_fails_with_a_clear_message(monkeypatch):
    real = registry.api_operations
    monkeypatch.setattr(registry, "api_operations", lambda: [*real(), "DELETE /api/v1/members/{member_id}"])
    missing = missing_registrations()
    assert any("'DELETE /api/v1/members/{member_id}'" in m and "routes_api.py" in m for m in missing), missing


def test_rules_never_cover_project_views():
    """Third-party rules (allauth) must not swallow a project view: those are registered one by one."""
    _, rules, _ = load_registry()
    for entry in site_urls():
        if entry.module.startswith("interlocal."):
            covering = [rule.description for rule in rules if rule.matches(entry)]
            assert not covering, f"{entry.key} is covered by a rule {covering}; register it explicitly"


def test_entries_are_validated_when_declared():
    with pytest.raises(ValueError, match="kind"):
        Route("core:home", "private")
    with pytest.raises(ValueError, match="builder"):
        Route("tenancy:member_detail", SCOPED, allowed=frozenset({"ada"}))
    with pytest.raises(ValueError, match="marker"):
        Route("tenancy:members", SCOPED_LIST, build=lambda world: Target())
    with pytest.raises(ValueError, match="unknown people"):
        Route("tenancy:member_detail", SCOPED, allowed=frozenset({"mallory"}), build=lambda world: Target())
