"""The public catalog: each consortium's live and piloting services, for anyone (no member data)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from interlocal.core.registry import PublicSection, register_public_section
from interlocal.services.queries import (
    levels_of,
    public_catalog_by_consortium,
    public_consortium,
    public_services_of,
)

__all__ = ["catalog_section", "public_catalog", "register"]


def public_catalog(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone: a consortium's running services with their levels, hours, unit and pricing rule."""
    consortium = public_consortium(slug)
    if consortium is None:
        raise Http404
    services = [(s, levels_of(s)) for s in public_services_of(consortium.pk)]
    return render(request, "services/public_catalog.html", {"consortium": consortium, "services": services})


def catalog_section(request: HttpRequest) -> dict[Any, dict[str, Any]]:
    """Each consortium's running services, linking to its public catalog."""
    return public_catalog_by_consortium()


def register() -> None:
    """Called from ServicesConfig.ready()."""
    register_public_section(
        PublicSection(
            "services.catalog", _("Shared services"), "services/front_door/catalog.html", catalog_section, 40
        )
    )
