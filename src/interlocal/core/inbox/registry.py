"""What waits on a person: task providers that apps register, merged into one inbox.

An app registers its providers in its AppConfig.ready(), like navigation entries and cards:

    from interlocal.core.inbox.registry import TaskProvider, register_provider
    register_provider(TaskProvider("assessment.answers_due", _("Campaign answers due"), my_items))

`items(user, now)` returns the InboxItems waiting on `user`, computed through the app's scoped
queries and the same `*_rights` / right predicates its `do_*` actions enforce, so an item never
links to a page that would refuse the person. Providers read; they never write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

__all__ = ["InboxAction", "InboxItem", "TaskProvider", "inbox_for", "provider_kinds", "register_provider"]

HIGH, NORMAL, LOW = 1, 2, 3


@dataclass(frozen=True)
class InboxAction:
    """A button on an item that does the job from the inbox (a POST to `url`).

    `enabled` False shows the button disabled with `note` (e.g. "Reminded 3 hours ago").
    """

    label: Any
    url: str
    enabled: bool = True
    note: Any = ""


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting on a person: what, why, by when, and where the job is done."""

    kind: str
    title: str
    why: Any
    url: str
    due: dt.datetime | None = None
    priority: int = NORMAL
    key: str = ""
    actions: tuple[InboxAction, ...] = ()

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()

    @property
    def priority_label(self) -> str:
        return {HIGH: "high", NORMAL: "normal", LOW: "low"}.get(self.priority, "normal")


@dataclass(frozen=True)
class TaskProvider:
    """A source of inbox items: `items(user, now)` answers what waits on `user`."""

    kind: str
    label: Any
    items: Callable[[Any, dt.datetime], list[InboxItem]] = field(repr=False)
    order: int = 50


_PROVIDERS: list[TaskProvider] = []


def register_provider(provider: TaskProvider) -> None:
    """Add a provider (once per kind)."""
    if all(p.kind != provider.kind for p in _PROVIDERS):
        _PROVIDERS.append(provider)


def provider_kinds() -> list[tuple[str, Any]]:
    """(kind, label) of every provider, for the inbox's filter."""
    return [(p.kind, p.label) for p in sorted(_PROVIDERS, key=lambda p: (p.order, p.kind))]


def _sort_key(item: InboxItem) -> tuple[Any, ...]:
    # Due date first (undated last), then priority, then title: a stable, readable order.
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return (item.due or far, item.priority, item.title, item.key)


def inbox_for(user: Any, *, kind: str = "", now: dt.datetime | None = None) -> list[InboxItem]:
    """Everything waiting on `user` (of one provider's kind, if given), soonest due first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    moment = now or timezone.now()
    items: list[InboxItem] = []
    for provider in sorted(_PROVIDERS, key=lambda p: (p.order, p.kind)):
        if kind and provider.kind != kind:
            continue
        items.extend(provider.items(user, moment))
    return sorted(items, key=_sort_key)
