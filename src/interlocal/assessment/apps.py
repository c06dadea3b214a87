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
        from interlocal.assessment import inbox
        from interlocal.core.inbox.registry import TaskProvider, register_provider
        from interlocal.core.notifications.kinds import NotificationKind, register_kind

        register_provider(
            TaskProvider(
                "assessment.late_members", _("Campaigns due with late members"), inbox.late_members, 20
            )
        )
        register_provider(
            TaskProvider("assessment.answers_due", _("Campaign answers due"), inbox.answers_due, 21)
        )
        register_kind(
            NotificationKind(
                "assessment.campaigns",
                _("Assessment campaigns launched and responses reopened"),
                templates=("assessment/email/campaign_launched", "assessment/email/response_reopened"),
                order=20,
            )
        )
        register_kind(
            NotificationKind(
                "assessment.reminders",
                _("Campaign deadline reminders"),
                templates=("assessment/email/reminder",),
                order=21,
            )
        )
        search.register()
