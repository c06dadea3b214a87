"""The needs assessment's part of the global search: campaigns."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from interlocal.assessment.models import Campaign
from interlocal.core.search import SearchProvider, register_search

__all__ = ["register"]


def _detail(campaign: Any) -> str:
    return f"{campaign.get_status_display()} · {campaign.consortium.name}"


def register() -> None:
    register_search(
        SearchProvider(
            kind="campaigns",
            label=_("Needs assessments"),
            model=Campaign,
            fields=(("name", "A"), ("description", "B")),
            url=lambda c: reverse("assessment:campaign_detail", args=[c.pk]),
            detail=_detail,
            select_related=("consortium",),
            order=20,
        )
    )
