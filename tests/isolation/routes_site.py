"""Site-wide routes that exist before any domain app: landing page, dashboard, health check,
the API's own documents and catch-all, and allauth's sign-in flow (as one explicit rule)."""

from __future__ import annotations

from tests.isolation.registry import AUTH, FALLBACK, PUBLIC, SIGNED_IN, Route, Rule, UrlEntry


def _from_allauth(entry: UrlEntry) -> bool:
    # Every pattern that allauth.urls includes (login, logout, password reset, e-mail, MFA, single
    # sign-on). Matched by where it was included, not by URL prefix, so that a project view mounted
    # under /accounts/ is still reported until it is registered explicitly.
    return "allauth.urls" in entry.includes and entry.module.startswith(("allauth.", "django.views.generic"))


RULES = [
    Rule("allauth's own sign-in, password, e-mail, MFA and single sign-on views", AUTH, _from_allauth),
]

ROUTES = [
    Route("core:home", PUBLIC, note="landing page; signed-in people are sent to the dashboard"),
    Route("core:front_door", PUBLIC, note="the public front door, also for signed-in people (footer link)"),
    Route("core:dashboard", SIGNED_IN),
    Route("healthz", PUBLIC),
    Route("api:openapi-json", PUBLIC, note="the API document describes operations, not data"),
    Route("api:openapi-view", PUBLIC),
    Route("api:api-root", PUBLIC, note="the API's index: links to its documentation and OpenAPI document"),
    Route("api:not-found", FALLBACK, probe="/api/v1/no-such-operation/42"),
]
