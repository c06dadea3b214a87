from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _signed_in(request: HttpRequest) -> bool:
    """The standard catalogue is readable by every signed-in person."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _reads_queue(request: HttpRequest) -> bool:
    """The review queue is for the consortium-wide roles: admins, staff and observers."""
    from interlocal.taxonomy.queries import can_read_queue
    from interlocal.taxonomy.views import _consortium_id

    return _signed_in(request) and can_read_queue(request.user, _consortium_id(request))


class TaxonomyConfig(AppConfig):
    name = "interlocal.taxonomy"
    label = "taxonomy"
    verbose_name = "Service taxonomy"

    def ready(self) -> None:
        from interlocal.core.registry import DashboardCard, NavItem, register_card, register_nav
        from interlocal.taxonomy import search, views

        register_nav(
            NavItem(
                "taxonomy:areas",
                _("Service taxonomy"),
                order=40,
                visible=_signed_in,
                children=(NavItem("taxonomy:queue", _("Review queue"), visible=_reads_queue),),
            )
        )
        register_card(DashboardCard("taxonomy.queue", "taxonomy/cards/queue.html", views.queue_card, 15))
        from interlocal.core.inbox.registry import TaskProvider, register_provider
        from interlocal.taxonomy import inbox

        register_provider(
            TaskProvider("taxonomy.terms_to_review", _("Terms to review"), inbox.review_terms, 60)
        )
        search.register()
