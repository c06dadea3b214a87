from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _in_consortium(request: HttpRequest) -> bool:
    """Assessments are for people acting in a consortium, except vendors."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.consortium is not None and not tenant.is_vendor


class AssessmentConfig(AppConfig):
    name = "interlocal.assessment"
    label = "assessment"
    verbose_name = "Needs assessment"

    def ready(self) -> None:
        from interlocal.assessment import search, views
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav

        register_nav(
            NavItem(
                "assessment:campaigns",
                _("Needs assessments"),
                order=20,
                visible=_in_consortium,
                children=(
                    NavItem("assessment:templates", _("Templates"), visible=_in_consortium),
                    NavItem("assessment:peer_groups", _("Peer groups"), visible=_in_consortium),
                ),
            )
        )
        register_card(
            DashboardCard(
                "assessment.open", "assessment/cards/open_responses.html", views.open_responses_card, 20
            )
        )
        search.register()
