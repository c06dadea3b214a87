"""Costing's part of the global search: cost models and their scenarios."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from interlocal.core.search import SearchProvider, register_search
from interlocal.costing.models import CostModel, Scenario

__all__ = ["register"]


def _model_detail(model: Any) -> str:
    area = f"{model.area.name} · " if model.area_id else ""
    return f"{area}{model.consortium.name}"


def _scenario_detail(scenario: Any) -> str:
    return _("%(model)s · version %(version)s · %(status)s") % {
        "model": scenario.cost_model.name,
        "version": scenario.version,
        "status": scenario.get_status_display(),
    }


def register() -> None:
    register_search(
        SearchProvider(
            kind="cost_models",
            label=_("Cost models"),
            model=CostModel,
            fields=(("name", "A"), ("description", "B"), ("area__name", "C")),
            url=lambda m: reverse("costing:cost_model_detail", args=[m.pk]),
            detail=_model_detail,
            select_related=("consortium",),
            order=30,
        )
    )
    register_search(
        SearchProvider(
            kind="scenarios",
            label=_("Cost scenarios"),
            model=Scenario,
            fields=(("name", "A"), ("notes", "B"), ("cost_model__name", "C")),
            url=lambda s: reverse("costing:scenario_detail", args=[s.pk]),
            detail=_scenario_detail,
            order=31,
        )
    )
