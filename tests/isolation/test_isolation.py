"""The tenant-isolation harness: for every registered route and API operation, who gets what.

- anonymous: public routes answer 2xx, the sign-in flow never fails, everything else redirects
  to sign-in (pages) or answers 401 (API);
- SCOPED: everybody not allowed gets 403 or 404 for GET, POST, PATCH and DELETE (never 2xx, never
  5xx, never a redirect), the object is unchanged afterwards and its marker never shows; allowed
  people reach it (GET 2xx);
- SCOPED_LIST: nobody gets a 5xx; only allowed people ever see the marker, and they do see it;
- SIGNED_IN: every signed-in person gets an answer below 400.

Every answer to a signed-in person is also checked for the names of consortia they hold no role
in (pat must never read "Capitol Region", Capitol's people never "MISA Prairies").

API operations are called with each person's bearer token, pages with their session.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from interlocal import audit
from interlocal.accounts.models import ApiToken, hash_token
from tests.isolation.registry import (
    ALL_PEOPLE,
    AUTH,
    FALLBACK,
    PUBLIC,
    SCOPED,
    SCOPED_LIST,
    SIGNED_IN,
    Route,
    Target,
    load_registry,
    site_urls,
)

ROUTES, _RULES, _PROBLEMS = load_registry()
SITE = {entry.key: entry for entry in site_urls()}
TRY_METHODS = ("GET", "POST", "PATCH", "DELETE")
REFUSED = {403, 404}


def _bearer_client(user: Any) -> Client:
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="isolation", key_prefix=raw[:10], key_hash=hash_token(raw))
    return Client(headers={"Authorization": f"Bearer {raw}"})


class Harness:
    """Requests one route as the named people and checks the answers."""

    def __init__(self, route: Route, world: Any) -> None:
        self.route = route
        self.world = world
        self.target = route.build(world) if route.build else Target()
        self.url = self._url()
        self._clients: dict[str | None, Client] = {}

    def _url(self) -> str:
        route, target = self.route, self.target
        if route.probe:
            url = route.probe
        elif route.is_api:
            url = route.api_path.format(**target.kwargs)
        else:
            url = reverse(route.key, kwargs=target.kwargs or None)
        if target.query:
            url = f"{url}?{urlencode(target.query)}"
        return url

    def client(self, name: str | None) -> Client:
        if name not in self._clients:
            if name is None:
                self._clients[name] = Client()
            elif self.route.is_api:
                self._clients[name] = _bearer_client(getattr(self.world, name))
            else:
                client = Client()
                client.force_login(getattr(self.world, name))
                self._clients[name] = client
        return self._clients[name]

    def request(self, name: str | None, method: str) -> Any:
        client = self.client(name)
        payload = self.route.payload if method != "GET" else None
        if self.route.is_api:
            data = json.dumps(payload or {}) if method != "GET" else None
            return client.generic(method, self.url, data=data or "", content_type="application/json")
        if method == "GET":
            return client.get(self.url)
        if method == "POST":
            return client.post(self.url, data=payload or {})
        return client.generic(method, self.url)

    def state(self) -> list[dict[str, Any] | None]:
        """What the target's rows hold now (None for a row that is gone)."""
        out: list[dict[str, Any] | None] = []
        for obj in self.target.objects:
            current = type(obj)._base_manager.filter(pk=obj.pk).first()
            out.append(audit.snapshot(current) if current is not None else None)
        return out

    def describe(self, name: str | None, method: str, response: Any) -> str:
        who = name or "anonymous"
        location = response.get("Location", "")
        return f"{method} {self.url} as {who} → {response.status_code} {location} [{self.route.key}, {self.route.source}]"


def _foreign_consortia(world: Any, name: str) -> list[str]:
    """Names of the consortia in which `name` holds no role: no page may show them to that person."""
    from interlocal.tenancy.models import Consortium

    user = getattr(world, name)
    return list(Consortium.objects.exclude(memberships__user=user).values_list("name", flat=True))


def assert_no_foreign_consortium(h: Harness, name: str, method: str, response: Any) -> None:
    body = _body(response)
    for foreign in _foreign_consortia(h.world, name):
        assert foreign not in body, f"{h.describe(name, method, response)}: shows {foreign!r}"


def _is_login_redirect(response: Any) -> bool:
    return response.status_code in {301, 302, 303} and response.get("Location", "").startswith(
        reverse("account_login")
    )


def _assert_api_error(response: Any, where: str) -> None:
    assert response["Content-Type"].startswith("application/json"), where
    body = response.json()
    assert set(body) == {"detail", "errors"}, where


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def check_anonymous(h: Harness) -> None:
    route = h.route
    if route.kind == PUBLIC:
        response = h.request(None, "GET")
        assert 200 <= response.status_code < 300, h.describe(None, "GET", response)
        return
    if route.kind == AUTH:
        response = h.request(None, "GET")
        assert response.status_code < 500, h.describe(None, "GET", response)
        return
    if route.kind == FALLBACK:
        response = h.request(None, "GET")
        assert response.status_code == 404, h.describe(None, "GET", response)
        return
    methods = (route.api_method,) if route.is_api else TRY_METHODS
    for method in methods:
        before = h.state()
        response = h.request(None, method)
        where = h.describe(None, method, response)
        if route.is_api:
            assert response.status_code == 401, where
            _assert_api_error(response, where)
        elif method in route.methods:
            assert _is_login_redirect(response), where
        else:
            assert _is_login_redirect(response) or response.status_code in {403, 404, 405}, where
        assert h.state() == before, f"{where}: the object changed"
        if h.target.marker:
            assert h.target.marker not in _body(response), f"{where}: the marker leaked"


def check_refused(h: Harness) -> None:
    """Everybody not allowed: 403/404 for every method, nothing changes, the marker never shows."""
    route = h.route
    methods = (route.api_method,) if route.is_api else TRY_METHODS
    for name in ALL_PEOPLE:
        if name in route.allowed:
            continue
        for method in methods:
            before = h.state()
            response = h.request(name, method)
            where = h.describe(name, method, response)
            expected = REFUSED if (route.is_api or method in route.methods) else REFUSED | {405}
            assert response.status_code in expected, f"{where}: expected one of {sorted(expected)}"
            if route.is_api:
                _assert_api_error(response, where)
            assert h.state() == before, f"{where}: the object changed"
            if h.target.marker:
                assert h.target.marker not in _body(response), f"{where}: the marker leaked"
            assert_no_foreign_consortium(h, name, method, response)


def check_allowed(h: Harness) -> None:
    """Allowed people reach it (checked for GET; other methods' happy paths live in the app's tests)."""
    route = h.route
    readable = route.api_method == "GET" if route.is_api else "GET" in route.methods
    if not readable:
        return
    for name in sorted(route.allowed):
        response = h.request(name, "GET")
        where = h.describe(name, "GET", response)
        assert 200 <= response.status_code < 300, where
        if h.target.marker:
            assert h.target.marker in _body(response), (
                f"{where}: the marker is missing, so the check proves nothing"
            )
        assert_no_foreign_consortium(h, name, "GET", response)


def check_list(h: Harness) -> None:
    """Lists: never a 5xx or a sign-in redirect; the marker shows to allowed people only."""
    for name in ALL_PEOPLE:
        response = h.request(name, "GET")
        where = h.describe(name, "GET", response)
        assert response.status_code < 500 and not _is_login_redirect(response), where
        if name in h.route.allowed:
            assert 200 <= response.status_code < 300, where
            assert h.target.marker and h.target.marker in _body(response), f"{where}: the marker is missing"
        else:
            assert response.status_code in {200, 403, 404}, where
            assert h.target.marker not in _body(response), f"{where}: the marker leaked"
            if name in FOREIGN and _has_parent(h) and not h.route.public_parent:
                # A list under another consortium's object: an empty 200 would still tell that the
                # object exists (and "missing" would answer 404). It must be refused like the object.
                assert response.status_code in {403, 404}, (
                    f"{where}: a list under a foreign parent must be 404"
                )
        assert_no_foreign_consortium(h, name, "GET", response)


# People who hold no role in the consortium that owns the harness's objects (Capitol Region).
FOREIGN = frozenset({"pat"})


def _has_parent(h: Harness) -> bool:
    """Whether the list hangs under one object (an id in its path), not a top-level list."""
    if h.route.is_api:
        return "{" in h.route.api_path
    return SITE[h.route.key].has_args


def check_signed_in(h: Harness) -> None:
    for name in ALL_PEOPLE:
        response = h.request(name, "GET")
        where = h.describe(name, "GET", response)
        assert response.status_code < 400 and not _is_login_redirect(response), where
        assert_no_foreign_consortium(h, name, "GET", response)


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_route_isolation(key, world):
    route = ROUTES[key]
    if not route.is_api:
        assert key in SITE, f"{key} is registered in {route.source} but the site has no such URL"
        assert route.build is not None or not SITE[key].has_args or route.probe or route.kind == AUTH, (
            f"{key} takes URL arguments: give its Route a build= that returns them"
        )
    h = Harness(route, world)
    check_anonymous(h)
    if route.kind == SCOPED:
        check_refused(h)
        check_allowed(h)
    elif route.kind == SCOPED_LIST:
        check_list(h)
    elif route.kind == SIGNED_IN:
        check_signed_in(h)


def test_allauth_sign_in_flow_answers_anonymous_people(world):
    """The rule-registered allauth pages that take no arguments: an anonymous GET never fails."""
    checked = 0
    for entry in SITE.values():
        if entry.key in ROUTES or entry.has_args or not any(rule.matches(entry) for rule in _RULES):
            continue
        response = Client().get("/" + entry.route)
        assert response.status_code < 500, f"GET /{entry.route} as anonymous → {response.status_code}"
        checked += 1
    assert checked >= 10, "the allauth rule should cover the sign-in flow's pages"
