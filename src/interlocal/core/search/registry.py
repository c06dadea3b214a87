"""What modules add to the global search: one provider per kind of thing a person may look up.

A module registers its providers in its AppConfig.ready(), beside its navigation entries:

    from interlocal.core.search import SearchProvider, register_search
    register_search(SearchProvider(
        kind="campaigns", label=_("Campaigns"), model=Campaign,
        fields=(("name", "A"), ("description", "B")),
        url=lambda c: reverse("assessment:campaign_detail", args=[c.pk]),
    ))

The backend reads every provider's rows through the model's scoped manager,
`Model.objects.visible_to(user)`, itself: a provider cannot widen what a person sees, only narrow
it further with `refine(queryset, user)` (e.g. documents also need the file to be downloadable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

__all__ = ["WEIGHTS", "SearchProvider", "provider_for", "providers", "register_search"]

# PostgreSQL's four weights, most important first; the SQLite fallback scores them 8/4/2/1.
WEIGHTS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class SearchProvider:
    """One kind of search result.

    - kind: a short stable key ("members"), used in `?kind=` and in the API.
    - label: the plural heading of the group (lazy translation).
    - model: the model searched; its default manager must offer `visible_to(user)`.
    - fields: (field path, weight) pairs, weight "A" (the title) to "D"; paths may cross
      foreign keys ("file__original_name"). The first field is the result's title.
    - url: the page a result links to.
    - title: the result's title (default: the first field's value).
    - detail: a short line under the title (kind, consortium, status), or None.
    - refine: narrows the scoped queryset (never widens: it receives `visible_to(user)`).
    - select_related: relations `url`, `title` or `detail` read (relations in `fields` are added).
    - order: where the group appears on the results page.
    """

    kind: str
    label: Any
    model: type[Model]
    fields: tuple[tuple[str, str], ...]
    url: Callable[[Any], str]
    title: Callable[[Any], str] | None = None
    detail: Callable[[Any], str] | None = None
    refine: Callable[[QuerySet[Any], Any], QuerySet[Any]] | None = None
    select_related: tuple[str, ...] = ()
    order: int = 50

    def __post_init__(self) -> None:
        if not self.fields:
            raise ImproperlyConfigured(f"search provider {self.kind!r} has no fields")
        if any(weight not in WEIGHTS for _path, weight in self.fields):
            raise ImproperlyConfigured(f"search provider {self.kind!r}: weights are A, B, C or D")
        if not callable(getattr(self.model._default_manager, "visible_to", None)):
            raise ImproperlyConfigured(
                f"search provider {self.kind!r}: {self.model.__name__} has no scoped manager (visible_to)"
            )

    @property
    def title_field(self) -> str:
        return self.fields[0][0]


_PROVIDERS: dict[str, SearchProvider] = {}


def register_search(provider: SearchProvider) -> None:
    """Add a provider; registering the same kind again keeps the first (ready() may run twice)."""
    _PROVIDERS.setdefault(provider.kind, provider)


def providers() -> list[SearchProvider]:
    """Every registered provider, in page order."""
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.kind))


def provider_for(kind: str) -> SearchProvider | None:
    return _PROVIDERS.get(kind)
