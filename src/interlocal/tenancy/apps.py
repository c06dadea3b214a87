from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _in_consortium(request: HttpRequest) -> bool:
    """Consortium pages are for people acting in a consortium, except vendors."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and not tenant.is_vendor


class TenancyConfig(AppConfig):
    name = "interlocal.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self) -> None:
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav
        from interlocal.tenancy import views

        register_nav(NavItem("tenancy:consortium", _("Consortium"), order=10, visible=_in_consortium))
        register_nav(NavItem("tenancy:members", _("Members"), order=11, visible=_in_consortium))
        register_nav(NavItem("tenancy:people", _("People and roles"), order=12, visible=_in_consortium))
        register_card(
            DashboardCard("tenancy.consortium", "tenancy/cards/consortium.html", views.consortium_card, 10)
        )
        register_card(DashboardCard("tenancy.member", "tenancy/cards/member.html", views.member_card, 11))
        register_card(DashboardCard("tenancy.people", "tenancy/cards/people.html", views.people_card, 12))
