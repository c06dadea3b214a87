from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _in_consortium(request: HttpRequest) -> bool:
    """Cost models are for people acting in a consortium, except vendors."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and not tenant.is_vendor


class CostingConfig(AppConfig):
    name = "interlocal.costing"
    label = "costing"
    verbose_name = "Costing"

    def ready(self) -> None:
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav
        from interlocal.costing import search, views

        register_nav(NavItem("costing:cost_models", _("Cost models"), order=40, visible=_in_consortium))
        register_card(
            DashboardCard("costing.models", "costing/cards/cost_models.html", views.cost_models_card, 40)
        )
        search.register()
