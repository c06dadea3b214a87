"""Atom feed of open solicitations and award notices (Django syndication).

Open solicitations: titles, deadlines, links, nothing about bids. Awards: one entry per awarded
solicitation with the award notice's summary (winners and awarded amounts, every opened bid's
total, the date), from `queries.award_notices`, the same award lines the OCDS award release uses.
Nothing about bids appears before the award.
"""

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
from interlocal.procurement.queries import AwardNotice, award_notices, public_solicitations

__all__ = ["OpenSolicitationsFeed"]


class OpenSolicitationsFeed(Feed):
    """The 50 most recently published solicitations still open for bids, and the 50 latest awards."""

    feed_type = Atom1Feed
    title = _("Open solicitations and awards")
    subtitle = _("Joint purchases open for bids, and award notices, newest first.")

    def link(self) -> str:
        return reverse("procurement:public_list")

    def items(self) -> list[Solicitation]:
        open_ = list(
            public_solicitations()
            .filter(status=Solicitation.Status.PUBLISHED, submission_deadline__gt=timezone.now())
            .order_by("-published_at", "-pk")[:50]
        )
        awarded = list(
            public_solicitations()
            .filter(status=Solicitation.Status.AWARDED, award__isnull=False)
            .select_related("award")
            .order_by("-award__decided_at", "-pk")[:50]
        )
        notices = award_notices(awarded)
        for sol in awarded:
            sol.feed_notice = notices.get(sol.pk)  # type: ignore[attr-defined]
        awarded = [s for s in awarded if s.feed_notice is not None]  # type: ignore[attr-defined]
        return sorted(open_ + awarded, key=lambda s: self.item_pubdate(s) or s.updated_at, reverse=True)

    @staticmethod
    def _notice(item: Solicitation) -> AwardNotice | None:
        return getattr(item, "feed_notice", None)

    def item_title(self, item: Solicitation) -> str:
        if self._notice(item) is not None:
            return _g("Awarded: %(ref)s — %(title)s") % {"ref": item.reference_number, "title": item.title}
        return f"{item.reference_number} — {item.title}"

    def item_description(self, item: Solicitation) -> str:
        notice = self._notice(item)
        if notice is not None:
            return (
                _g("%(method)s issued by %(buyer)s.")
                % {
                    "method": item.get_method_display(),
                    "buyer": item.consortium.name,
                }
                + f" {notice.summary()}"
            )
        deadline = legal_text(item.submission_deadline, item.consortium)
        return _g("%(method)s issued by %(buyer)s. Submissions until %(deadline)s.") % {
            "method": item.get_method_display(),
            "buyer": item.consortium.name,
            "deadline": deadline,
        } + (f"\n\n{item.description}" if item.description else "")

    def item_link(self, item: Solicitation) -> str:
        url = reverse("procurement:public_solicitation", args=[item.pk])
        return f"{url}#award" if self._notice(item) is not None else url

    def item_guid(self, item: Solicitation) -> str:
        # The award entry is its own entry of the process (the OCDS award decision's id).
        return f"{item.ocid}/award-{item.award.pk}" if self._notice(item) is not None else item.ocid

    item_guid_is_permalink = False

    def item_pubdate(self, item: Solicitation) -> dt.datetime | None:
        notice = self._notice(item)
        return notice.decided_at if notice is not None else item.published_at

    def item_updateddate(self, item: Solicitation) -> dt.datetime | None:
        notice = self._notice(item)
        return notice.decided_at if notice is not None else item.updated_at

    def item_author_name(self, item: Solicitation) -> str:
        return item.consortium.name

    def item_categories(self, item: Solicitation) -> list[Any]:
        categories = [item.get_method_display(), item.get_category_display()]
        return [*categories, _g("Award")] if self._notice(item) is not None else categories
