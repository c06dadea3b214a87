"""The services app (see docs/architecture.md)."""

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _in_consortium(request: HttpRequest) -> bool:
    """The catalog is for people acting in a consortium, except vendors."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and not tenant.is_vendor


class ServicesConfig(AppConfig):
    name = "interlocal.services"
    label = "services"
    verbose_name = "Shared services"

    def ready(self) -> None:
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav
        from interlocal.services import views
        from interlocal.services.views import public

        register_nav(
            NavItem(
                "services:services",
                _("Services"),
                order=45,
                visible=_in_consortium,
                children=(
                    NavItem("services:subscriptions", _("Subscriptions"), visible=_in_consortium),
                    NavItem("services:usage", _("Usage"), visible=_in_consortium),
                ),
            )
        )
        register_card(
            DashboardCard("services.catalog", "services/cards/services.html", views.services_card, 45)
        )
        public.register()
