"""What modules add to the shell: side-navigation entries, dashboard cards and the public front door.

A module registers in its AppConfig.ready():

    from interlocal.core.registry import NavItem, register_nav
    register_nav(NavItem("assessment:campaigns", _("Assessments"), order=20))

The public front door (`/` for anonymous visitors, `/public/` for everyone) shows, per consortium,
the sections modules register with `register_public_section` (procurement: open solicitations,
awards, public documents; a service catalog or document library registers its own the same way),
and below them the site-wide links of `register_public_link` (open data, vendor registration, API).

Scheduled work a module needs once a night registers with `register_nightly_job`; the nightly
`interlocal maintenance` runs every registered job (core knows no module by name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

__all__ = [
    "DashboardCard",
    "NavItem",
    "NightlyJob",
    "PublicLink",
    "PublicSection",
    "cards_for",
    "front_door_for",
    "navigation_for",
    "nightly_jobs",
    "register_card",
    "register_nav",
    "register_nightly_job",
    "register_public_link",
    "register_public_section",
]


@dataclass(frozen=True)
class NavItem:
    """A side-navigation link, shown when `visible(request)` is true."""

    url_name: str
    label: Any
    order: int = 50
    visible: Callable[[HttpRequest], bool] = field(default=lambda request: True)
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class DashboardCard:
    """A card on the dashboard: `render(request)` returns a context dict for `template`, or None to hide it."""

    key: str
    template: str
    render: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 50


@dataclass(frozen=True)
class PublicSection:
    """A section of the public front door, shown per consortium.

    `collect(request)` reads what anyone may see (the module's public queries, never a person's
    scope) for every consortium at once and returns `{consortium: context}` for the consortia that
    have something to show; each is rendered with `template`. A consortium no section returns
    anything for is not listed.
    """

    key: str
    title: Any
    template: Any  # a template name, or a template object
    collect: Callable[[HttpRequest], Mapping[Any, dict[str, Any]]]
    order: int = 50


@dataclass(frozen=True)
class PublicLink:
    """A site-wide link on the public front door (open data, vendor registration, API documents)."""

    key: str
    label: Any
    url_name: str
    description: Any = ""
    order: int = 50


@dataclass(frozen=True)
class NightlyJob:
    """Work `interlocal maintenance` runs once a night: `run()` does it and returns a one-line summary.

    A job must be safe to run again (twice the same night does nothing new).
    """

    key: str
    run: Callable[[], str]
    order: int = 50


_NAV: list[NavItem] = []
_CARDS: list[DashboardCard] = []
_PUBLIC_SECTIONS: list[PublicSection] = []
_PUBLIC_LINKS: list[PublicLink] = []
_NIGHTLY_JOBS: list[NightlyJob] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _NAV):
        _NAV.append(item)


def register_card(card: DashboardCard) -> None:
    if all(existing.key != card.key for existing in _CARDS):
        _CARDS.append(card)


def register_public_section(section: PublicSection) -> None:
    if all(existing.key != section.key for existing in _PUBLIC_SECTIONS):
        _PUBLIC_SECTIONS.append(section)


def register_public_link(link: PublicLink) -> None:
    if all(existing.key != link.key for existing in _PUBLIC_LINKS):
        _PUBLIC_LINKS.append(link)


def register_nightly_job(job: NightlyJob) -> None:
    if all(existing.key != job.key for existing in _NIGHTLY_JOBS):
        _NIGHTLY_JOBS.append(job)


def nightly_jobs() -> list[NightlyJob]:
    """The registered nightly jobs in the order they run."""
    return sorted(_NIGHTLY_JOBS, key=lambda j: (j.order, j.key))


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The entries this person may see, with their URL and whether they are current."""
    items = []
    for item in sorted(_NAV, key=lambda i: (i.order, str(i.label))):
        if not item.visible(request):
            continue
        url = reverse(item.url_name)
        items.append(
            {
                "label": item.label,
                "url": url,
                "current": request.path == url or (url != "/" and request.path.startswith(url)),
                "children": [
                    {
                        "label": c.label,
                        "url": reverse(c.url_name),
                        "current": request.path == reverse(c.url_name),
                    }
                    for c in item.children
                    if c.visible(request)
                ],
            }
        )
    return items


def cards_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The dashboard cards for this person, rendered to template + context."""
    out = []
    for card in sorted(_CARDS, key=lambda c: (c.order, c.key)):
        context = card.render(request)
        if context is not None:
            out.append({"key": card.key, "template": card.template, "context": context})
    return out


def front_door_for(request: HttpRequest) -> dict[str, Any]:
    """The public front door: per consortium (by name) its sections in order, and the site-wide links."""
    by_consortium: dict[Any, list[dict[str, Any]]] = {}
    for section in sorted(_PUBLIC_SECTIONS, key=lambda s: (s.order, s.key)):
        for consortium, context in section.collect(request).items():
            by_consortium.setdefault(consortium, []).append(
                {"key": section.key, "title": section.title, "template": section.template, "context": context}
            )
    consortia = [
        {"consortium": consortium, "sections": sections}
        for consortium, sections in sorted(by_consortium.items(), key=lambda kv: (str(kv[0]), kv[0].pk))
    ]
    links = [
        {"key": link.key, "label": link.label, "url": reverse(link.url_name), "description": link.description}
        for link in sorted(_PUBLIC_LINKS, key=lambda lk: (lk.order, lk.key))
    ]
    return {"consortia": consortia, "links": links}
