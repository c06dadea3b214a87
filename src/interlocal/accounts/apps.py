from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _may_invite(request: HttpRequest) -> bool:
    tenant = getattr(request, "tenant", None)
    return (
        tenant is not None
        and tenant.consortium is not None
        and (tenant.is_consortium_admin or tenant.is_member_admin)
    )


class AccountsConfig(AppConfig):
    name = "interlocal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from interlocal.accounts import receivers  # noqa: F401  (connects auth signal receivers)
        from interlocal.core.registry import NavItem, register_nav

        register_nav(NavItem("accounts:invitations", _("Invitations"), order=13, visible=_may_invite))
