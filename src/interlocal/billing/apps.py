"""The billing app (see docs/architecture.md)."""

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _in_consortium(request: HttpRequest) -> bool:
    """Billing is for people acting in a consortium, except vendors."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and not tenant.is_vendor


class BillingConfig(AppConfig):
    name = "interlocal.billing"
    label = "billing"
    verbose_name = "Chargeback billing"

    def ready(self) -> None:
        from interlocal.billing import views
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav

        register_nav(NavItem("billing:home", _("Billing"), order=60, visible=_in_consortium))
        register_card(
            DashboardCard("billing.receivables", "billing/cards/receivables.html", views.billing_card, 60)
        )
