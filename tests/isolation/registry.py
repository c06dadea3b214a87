"""The tenant-isolation registry: every URL pattern and API operation, and who may reach it.

Each `tests/isolation/routes_<app>.py` defines `ROUTES` (a list of `Route`) and optionally
`RULES` (a list of `Rule`, for whole groups of third-party patterns). They are discovered by
file name; see README.md for the format. The harness (test_isolation.py) then checks, for each
entry, what anonymous people, allowed people and everybody else get.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

__all__ = [
    "ALL_PEOPLE",
    "API_PREFIX",
    "AUTH",
    "CAPITOL",
    "CAPITOL_NON_VENDOR",
    "COUNCIL",
    "FALLBACK",
    "KINDS",
    "PUBLIC",
    "SCOPED",
    "SCOPED_LIST",
    "SIGNED_IN",
    "Route",
    "Rule",
    "Target",
    "UrlEntry",
    "api_operations",
    "load_registry",
    "missing_registrations",
    "site_urls",
    "stale_registrations",
]

# --- Kinds ---------------------------------------------------------------------------------------
PUBLIC = "public"  # anonymous people get a 2xx (landing page, health check, API document)
AUTH = "auth"  # the sign-in flow: anonymous people may use it (never a 5xx)
SIGNED_IN = "signed_in"  # any signed-in person; shows no tenant data (dashboard shell, /me)
SCOPED = "scoped"  # one tenant object: only `allowed` people reach it, others get 403/404
SCOPED_LIST = "scoped_list"  # a list: everybody may call it, but only `allowed` see the marker
FALLBACK = "fallback"  # answers 404 to everybody (the API's catch-all)
KINDS = frozenset({PUBLIC, AUTH, SIGNED_IN, SCOPED, SCOPED_LIST, FALLBACK})

# --- People (tests/conftest.py) ------------------------------------------------------------------
ALL_PEOPLE = ("alice", "sam", "ada", "bob", "carol", "olga", "vince", "pat")
CAPITOL = frozenset({"alice", "sam", "ada", "bob", "carol", "olga", "vince"})  # every role in Capitol Region
CAPITOL_NON_VENDOR = CAPITOL - {"vince"}
COUNCIL = frozenset({"alice", "sam"})  # consortium admin and staff of Capitol Region

API_PREFIX = "/api/v1"
HERE = Path(__file__).resolve().parent


@dataclass
class Target:
    """What a builder made: URL kwargs, the rows a refused request must not change, a marker text."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    objects: list[models.Model] = field(default_factory=list)
    marker: str | None = None
    query: dict[str, str] = field(default_factory=dict)


Builder = Callable[[Any], Target]  # receives the `world` fixture


@dataclass(frozen=True)
class Route:
    """One URL pattern (by name, e.g. "tenancy:member_detail") or API operation ("PATCH /api/v1/members/{member_id}").

    - kind: one of KINDS.
    - allowed: named people who may reach it (SCOPED) or see the marker (SCOPED_LIST).
    - build: for SCOPED / SCOPED_LIST (and any route with URL kwargs): creates an object owned by
      member A (Avon) or consortium A (Capitol Region) and returns a Target.
    - methods: the HTTP methods the route answers; refused people are tried with GET, POST, PATCH
      and DELETE (methods not listed here may also answer 405).
    - payload: form data (pages) or JSON (API) sent with unsafe methods; make it a real change.
    - probe: a literal URL to request, for patterns that cannot be reversed (catch-alls).
    """

    key: str
    kind: str
    allowed: frozenset[str] = frozenset()
    build: Builder | None = None
    methods: tuple[str, ...] = ("GET",)
    payload: dict[str, Any] | None = None
    probe: str | None = None  # a literal URL to request instead of reversing the name (catch-alls)
    note: str = ""
    # SCOPED_LIST under a parent that is public (a published solicitation's answered questions):
    # people of another consortium may read the list; otherwise they must get 403/404.
    public_parent: bool = False
    source: str = ""  # filled in by load_registry: the routes_<app>.py file

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: kind {self.kind!r} is not one of {sorted(KINDS)}")
        if self.kind in {SCOPED, SCOPED_LIST} and self.build is None:
            raise ValueError(
                f"{self.key}: {self.kind} routes need a builder that creates Avon's or Capitol's object"
            )
        if self.kind == SCOPED_LIST and not self.allowed:
            raise ValueError(f"{self.key}: say who may see the marker (allowed=...)")
        unknown = set(self.allowed) - set(ALL_PEOPLE)
        if unknown:
            raise ValueError(f"{self.key}: unknown people {sorted(unknown)}")

    @property
    def is_api(self) -> bool:
        return " " in self.key and self.key.split(" ", 1)[1].startswith(API_PREFIX + "/")

    @property
    def api_method(self) -> str:
        return self.key.split(" ", 1)[0]

    @property
    def api_path(self) -> str:
        return self.key.split(" ", 1)[1]


@dataclass(frozen=True)
class Rule:
    """Registers a whole group of URL patterns at once (for third-party URL sets such as allauth's)."""

    description: str
    kind: str
    matches: Callable[[UrlEntry], bool]
    source: str = ""


@dataclass(frozen=True)
class UrlEntry:
    """One URL pattern of the site, as the resolver sees it."""

    key: str  # "namespace:name", or "route:<full route>" for unnamed patterns
    name: str | None  # qualified name, usable with reverse()
    route: str  # full route, e.g. "members/<int:pk>/" or "accounts/^confirm-email/(?P<key>...)$"
    module: str  # the view's module
    includes: tuple[str, ...]  # the urlconf modules it was included through, outermost first
    has_args: bool  # whether the route captures arguments

    @property
    def app(self) -> str:
        """The project app whose routes_<app>.py should register it."""
        parts = self.module.split(".")
        if parts[0] == "interlocal" and len(parts) > 1:
            return parts[1]
        return "site"

    @property
    def api_path(self) -> str | None:
        """The OpenAPI path this pattern serves, when it is an API operation's pattern."""
        if not self.route.startswith(API_PREFIX.lstrip("/") + "/"):
            return None
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.route)


# --- Discovery -----------------------------------------------------------------------------------


def _view_module(callback: Any) -> str:
    for candidate in (callback, getattr(callback, "func", None), getattr(callback, "view_class", None)):
        module = getattr(candidate, "__module__", None)
        if module and module != "functools":
            return str(module)
    return "unknown"


def _walk(
    patterns: list[Any], prefix: str, namespaces: tuple[str, ...], includes: tuple[str, ...]
) -> Iterator[UrlEntry]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            conf = pattern.urlconf_name
            conf_name = conf if isinstance(conf, str) else getattr(conf, "__name__", type(conf).__name__)
            ns = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns, (*includes, conf_name))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            has_args = bool(re.search(r"<[^>]+>|\(", route))
            yield UrlEntry(
                key=name or f"route:{route}",
                name=name,
                route=route,
                module=_view_module(pattern.callback),
                includes=includes,
                has_args=has_args,
            )


def site_urls(urlconf: str | None = None) -> list[UrlEntry]:
    """Every URL pattern of the site (recursively through includes), in resolution order."""
    resolver = get_resolver(urlconf)
    return list(_walk(resolver.url_patterns, "", (), ()))


def api_operations() -> list[str]:
    """Every operation in the API's OpenAPI document, as "METHOD /path"."""
    from interlocal.api import api

    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def _route_modules() -> list[str]:
    return sorted(p.stem for p in HERE.glob("routes_*.py"))


def load_registry() -> tuple[dict[str, Route], list[Rule], list[str]]:
    """All entries and rules from routes_*.py, plus problems (duplicates) to report."""
    routes: dict[str, Route] = {}
    rules: list[Rule] = []
    problems: list[str] = []
    for stem in _route_modules():
        module = importlib.import_module(f"tests.isolation.{stem}")
        source = f"tests/isolation/{stem}.py"
        for route in getattr(module, "ROUTES", []):
            route = Route(**{**route.__dict__, "source": source})
            if route.key in routes:
                problems.append(
                    f"{route.key} is registered twice: in {routes[route.key].source} and {source}"
                )
                continue
            routes[route.key] = route
        for rule in getattr(module, "RULES", []):
            rules.append(Rule(rule.description, rule.kind, rule.matches, source))
    return routes, rules, problems


def _where(entry: UrlEntry) -> str:
    return f"tests/isolation/routes_{entry.app}.py"


def missing_registrations(urlconf: str | None = None) -> list[str]:
    """A message for every URL pattern and API operation that the registry does not know."""
    routes, rules, _ = load_registry()
    operations = set(api_operations())
    api_paths = {op.split(" ", 1)[1] for op in operations}
    messages: list[str] = []
    for entry in site_urls(urlconf):
        if entry.key in routes:
            continue
        if entry.api_path in api_paths:
            continue  # an API operation's pattern: the operations are checked below, per method
        if any(rule.matches(entry) for rule in rules):
            continue
        messages.append(
            f"URL {entry.key!r} (/{entry.route}, view in {entry.module}) is not registered for the "
            f"tenant-isolation harness: add a Route({entry.key!r}, ...) to {_where(entry)} "
            "(see tests/isolation/README.md)."
        )
    for op in sorted(operations - set(routes)):
        messages.append(
            f"API operation {op!r} is not registered for the tenant-isolation harness: add a "
            f"Route({op!r}, ...) to tests/isolation/routes_api.py (see tests/isolation/README.md)."
        )
    return messages


def stale_registrations(urlconf: str | None = None) -> list[str]:
    """Entries that name a URL or operation the site no longer has (renamed or removed)."""
    routes, _, _ = load_registry()
    known = {entry.key for entry in site_urls(urlconf)} | set(api_operations())
    return [
        f"{key} (in {route.source}) matches no URL or API operation"
        for key, route in routes.items()
        if key not in known
    ]
