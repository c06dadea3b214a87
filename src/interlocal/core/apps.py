"""The site shell: home and dashboards, navigation, tables, files, health, errors, e-mail tasks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "interlocal.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from interlocal.core import views
        from interlocal.core.inbox import views as inbox_views
        from interlocal.core.registry import (
            DashboardCard,
            NavItem,
            PublicLink,
            register_card,
            register_nav,
            register_public_link,
        )
        from interlocal.core.search import members as search_members

        register_nav(NavItem("core:dashboard", _("Dashboard"), order=0))
        register_nav(NavItem("core:inbox", _("Waiting on you"), order=1))
        # First on the dashboard: what waits on the person comes before the figures.
        register_card(DashboardCard("core.inbox", "core/inbox/card.html", inbox_views.inbox_card, 1))
        # Last on the dashboard: it is a to-do list, the figures come first.
        register_card(
            DashboardCard(
                "core.getting_started", "core/cards/getting_started.html", views.getting_started_card, 90
            )
        )
        # The front door's links to the API (the index at /api/v1/ links the same two documents).
        register_public_link(
            PublicLink(
                "core.api_docs",
                _("API documentation"),
                "api:openapi-view",
                _("The HTTP API at /api/v1: every operation, with a personal API token or your session."),
                order=80,
            )
        )
        register_public_link(
            PublicLink(
                "core.openapi",
                _("OpenAPI document"),
                "api:openapi-json",
                _("The machine-readable description of the API (OpenAPI 3.1, JSON)."),
                order=81,
            )
        )
        search_members.register()
