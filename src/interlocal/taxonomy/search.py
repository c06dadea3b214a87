"""The taxonomy's part of the global search: service areas (the standard catalogue and a consortium's own)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from interlocal.core.search import SearchProvider, register_search
from interlocal.taxonomy.models import ServiceArea

__all__ = ["register"]


def _detail(area: Any) -> str:
    where = area.consortium.name if area.consortium_id else _("Standard catalogue")
    return f"{area.get_kind_display()} · {where}"


def _active(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    return qs.filter(is_active=True)


def register() -> None:
    register_search(
        SearchProvider(
            kind="service_areas",
            label=_("Service areas"),
            model=ServiceArea,
            fields=(("name", "A"), ("code", "B"), ("definition", "C")),
            url=lambda a: reverse("taxonomy:area_detail", args=[a.pk]),
            detail=_detail,
            refine=_active,
            select_related=("consortium",),
            order=80,
        )
    )
