from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _in_consortium(request: HttpRequest) -> bool:
    """Agreements are for people acting in a consortium, except vendors."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and not tenant.is_vendor


class AgreementsConfig(AppConfig):
    name = "interlocal.agreements"
    label = "agreements"
    verbose_name = "Interlocal agreements"

    def ready(self) -> None:
        from interlocal.agreements import inbox, nightly, views
        from interlocal.core.inbox.registry import TaskProvider, register_provider
        from interlocal.core.notifications.kinds import NotificationKind, register_kind
        from interlocal.core.registry import (
            DashboardCard,
            NavItem,
            NightlyJob,
            register_card,
            register_nav,
            register_nightly_job,
        )

        register_nav(NavItem("agreements:list", _("Agreements"), order=45, visible=_in_consortium))
        register_card(
            DashboardCard(
                "agreements.agreements", "agreements/cards/agreements.html", views.agreements_card, 45
            )
        )
        register_provider(
            TaskProvider("agreements.signatures", _("Signatures requested"), inbox.signatures_requested, 45)
        )
        register_kind(
            NotificationKind(
                "agreements.agreements",
                _("Agreements to sign and deadline reminders"),
                templates=("agreements/email/circulated", "agreements/email/reminder"),
                order=45,
            )
        )
        # Expire first: a term that ended needs no reminder of its renewal any more.
        register_nightly_job(NightlyJob("agreements.expire", nightly.expire, order=45))
        register_nightly_job(NightlyJob("agreements.remind", nightly.remind, order=46))
