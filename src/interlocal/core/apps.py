"""The site shell: home and dashboards, navigation, tables, files, health, errors, e-mail tasks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "interlocal.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from interlocal.core import views
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav
        from interlocal.core.search import members as search_members

        register_nav(NavItem("core:dashboard", _("Dashboard"), order=0))
        # Last on the dashboard: it is a to-do list, the figures come first.
        register_card(
            DashboardCard(
                "core.getting_started", "core/cards/getting_started.html", views.getting_started_card, 90
            )
        )
        search_members.register()
