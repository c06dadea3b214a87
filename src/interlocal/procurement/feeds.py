"""Atom feed of open solicitations (Django syndication): titles, deadlines, links; nothing about bids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.core.moments import legal_text
from interlocal.procurement.models import Solicitation
from interlocal.procurement.queries import public_solicitations

__all__ = ["OpenSolicitationsFeed"]


class OpenSolicitationsFeed(Feed):
    """The 50 most recently published solicitations still open for bids."""

    feed_type = Atom1Feed
    title = _("Open solicitations")
    subtitle = _("Joint purchases open for bids, newest first.")

    def link(self) -> str:
        return reverse("procurement:public_list")

    def items(self) -> list[Solicitation]:
        return list(
            public_solicitations()
            .filter(status=Solicitation.Status.PUBLISHED, submission_deadline__gt=timezone.now())
            .order_by("-published_at", "-pk")[:50]
        )

    def item_title(self, item: Solicitation) -> str:
        return f"{item.reference_number} — {item.title}"

    def item_description(self, item: Solicitation) -> str:
        deadline = legal_text(item.submission_deadline, item.consortium)
        return _g("%(method)s issued by %(buyer)s. Submissions until %(deadline)s.") % {
            "method": item.get_method_display(),
            "buyer": item.consortium.name,
            "deadline": deadline,
        } + (f"\n\n{item.description}" if item.description else "")

    def item_link(self, item: Solicitation) -> str:
        return reverse("procurement:public_solicitation", args=[item.pk])

    def item_guid(self, item: Solicitation) -> str:
        return item.ocid

    item_guid_is_permalink = False

    def item_pubdate(self, item: Solicitation) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Solicitation) -> dt.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Solicitation) -> str:
        return item.consortium.name

    def item_categories(self, item: Solicitation) -> list[Any]:
        return [item.get_method_display(), item.get_category_display()]
