from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _in_consortium(request: HttpRequest) -> bool:
    """Planning pages are for people acting in a consortium, except vendors."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and not tenant.is_vendor


def _council(request: HttpRequest) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and tenant.is_council


def _vendor(request: HttpRequest) -> bool:
    """Vendor pages: for people who act for a vendor company."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    tenant = getattr(request, "tenant", None)
    if tenant is None or not tenant.is_vendor:
        # Vendor people hold a vendor role in each consortium their company registered with;
        # everyone else is answered without a query on every page.
        return False
    cached = getattr(request, "_procurement_is_vendor", None)
    if cached is None:
        from interlocal.procurement.models import vendor_ids_of

        cached = bool(vendor_ids_of(user))
        request._procurement_is_vendor = cached  # type: ignore[attr-defined]  # once per request
    return cached


class ProcurementConfig(AppConfig):
    name = "interlocal.procurement"
    label = "procurement"
    verbose_name = "Joint procurement"

    def ready(self) -> None:
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav
        from interlocal.procurement import search
        from interlocal.procurement.views import bidding as views_bidding
        from interlocal.procurement.views import cards as views_planning

        register_nav(
            NavItem(
                "procurement:rounds",
                _("Procurement"),
                order=40,
                visible=_in_consortium,
                children=(
                    NavItem("procurement:rounds", _("Demand rounds"), visible=_in_consortium),
                    NavItem("procurement:solicitations", _("Solicitations"), visible=_in_consortium),
                    NavItem("procurement:vendors", _("Vendors"), visible=_council),
                    NavItem("procurement:public_list", _("Public listing")),
                ),
            )
        )
        register_nav(NavItem("procurement:vendor_dashboard", _("Vendor"), order=41, visible=_vendor))
        register_card(
            DashboardCard(
                "procurement.planning", "procurement/cards/planning.html", views_planning.planning_card, 40
            )
        )
        views_bidding.register()
        search.register()
