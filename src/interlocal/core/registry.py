"""What modules add to the shell: side-navigation entries and dashboard cards.

A module registers in its AppConfig.ready():

    from interlocal.core.registry import NavItem, register_nav
    register_nav(NavItem("assessment:campaigns", _("Assessments"), order=20))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

__all__ = ["DashboardCard", "NavItem", "cards_for", "navigation_for", "register_card", "register_nav"]


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


_NAV: list[NavItem] = []
_CARDS: list[DashboardCard] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _NAV):
        _NAV.append(item)


def register_card(card: DashboardCard) -> None:
    if all(existing.key != card.key for existing in _CARDS):
        _CARDS.append(card)


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
