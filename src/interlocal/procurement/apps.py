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
        from interlocal.procurement.views import front_door as views_front_door
        from interlocal.procurement.views import vendor_area as views_vendor_area

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
        register_card(
            DashboardCard(
                "procurement.vendor_area",
                "procurement/cards/vendor_area.html",
                views_vendor_area.vendor_area_card,
                39,
            )
        )
        views_bidding.register()
        views_front_door.register()
        from interlocal.core.inbox.registry import TaskProvider, register_provider
        from interlocal.core.notifications.kinds import NotificationKind, register_kind
        from interlocal.procurement import inbox

        register_provider(
            TaskProvider("procurement.bids_to_open", _("Bids ready to open"), inbox.bids_to_open, 40)
        )
        register_provider(
            TaskProvider("procurement.questions", _("Questions to answer"), inbox.questions_waiting, 41)
        )
        register_provider(
            TaskProvider("procurement.rounds_closing", _("Demand rounds closing"), inbox.rounds_closing, 42)
        )
        for kind in (
            NotificationKind(
                "procurement.rounds",
                _("Demand round invitations and cut-off reminders"),
                templates=("procurement/email/round_invitation", "procurement/email/round_reminder"),
                order=40,
            ),
            NotificationKind(
                "procurement.solicitations",
                _("Addenda and published answers"),
                templates=("procurement/email/addendum_issued", "procurement/email/answer_published"),
                order=41,
            ),
            # A bid's receipt and an award are records of a legal step: always e-mailed.
            NotificationKind(
                "procurement.bids",
                _("Bid receipts and awards"),
                templates=("procurement/bidding/email/receipt", "procurement/bidding/email/award"),
                email_required=True,
                order=42,
            ),
            # Vendor sign-up mail carries one-time links: always e-mailed, never copied in-app.
            NotificationKind(
                "procurement.vendor_access",
                _("Vendor registration and invitations"),
                templates=(
                    "procurement/email/vendor_exists",
                    "procurement/email/vendor_invitation",
                    "procurement/email/vendor_verify",
                ),
                email_required=True,
                in_app_content=False,
                order=43,
            ),
            NotificationKind(
                "procurement.vendor_status",
                _("Vendor suspension and reinstatement"),
                templates=("procurement/email/vendor_suspended", "procurement/email/vendor_reinstated"),
                email_required=True,
                order=44,
            ),
        ):
            register_kind(kind)
        search.register()
