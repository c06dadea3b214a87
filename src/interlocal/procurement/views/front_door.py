"""Procurement's sections and links on the site's public front door (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from interlocal.core.registry import PublicLink, PublicSection, register_public_link, register_public_section
from interlocal.procurement.queries.front_door import (
    public_awards_by_consortium,
    public_documents_by_consortium,
    public_open_by_consortium,
)

__all__ = ["awards_section", "documents_section", "open_solicitations_section", "register"]


def open_solicitations_section(request: HttpRequest) -> dict[Any, dict[str, Any]]:
    """Each consortium's solicitations open for bids, nearest deadline first."""
    return {c: {"rows": b.rows, "total": b.total} for c, b in public_open_by_consortium().items()}


def awards_section(request: HttpRequest) -> dict[Any, dict[str, Any]]:
    """Each consortium's recent awards (the award notice is on the public solicitation page)."""
    return {c: {"rows": b.rows, "total": b.total} for c, b in public_awards_by_consortium().items()}


def documents_section(request: HttpRequest) -> dict[Any, dict[str, Any]]:
    """Each consortium's newest public documents of solicitations open for bids."""
    return {c: {"rows": b.rows} for c, b in public_documents_by_consortium().items()}


def register() -> None:
    """Called from ProcurementConfig.ready()."""
    register_public_section(
        PublicSection(
            "procurement.open",
            _("Open solicitations"),
            "procurement/front_door/open.html",
            open_solicitations_section,
            order=10,
        )
    )
    register_public_section(
        PublicSection(
            "procurement.awards", _("Recent awards"), "procurement/front_door/awards.html", awards_section, 20
        )
    )
    register_public_section(
        PublicSection(
            "procurement.documents",
            _("Public documents"),
            "procurement/front_door/documents.html",
            documents_section,
            order=30,
        )
    )
    register_public_link(
        PublicLink(
            "procurement.public_list",
            _("All open solicitations"),
            "procurement:public_list",
            _("Every consortium's solicitations open for bids, with search and past ones."),
            order=10,
        )
    )
    register_public_link(
        PublicLink(
            "procurement.vendor_register",
            _("Register as a vendor"),
            "procurement:vendor_register",
            _("Companies register once to follow solicitations, ask questions and submit sealed bids."),
            order=20,
        )
    )
    register_public_link(
        PublicLink(
            "procurement.ocds",
            _("Open contracting data (OCDS)"),
            "procurement:ocds_downloads",
            _("Each consortium's contracting processes as OCDS 1.1 release packages, free to download."),
            order=30,
        )
    )
    register_public_link(
        PublicLink(
            "procurement.feed",
            _("New solicitations feed (Atom)"),
            "procurement:public_feed",
            _("Follow newly published solicitations in a feed reader."),
            order=40,
        )
    )
