"""What taxonomy puts in the work inbox (core/inbox): terms waiting in the review queue, for the
people who may map them (the consortium's admins and staff). Registered in TaxonomyConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import ngettext

from interlocal.core.inbox.registry import LOW, InboxItem
from interlocal.taxonomy.queries import terms_to_review

__all__ = ["review_terms"]


def review_terms(user: Any, now: dt.datetime) -> list[InboxItem]:
    """One item per consortium with waiting terms. It links to the most frequent term's page,
    which answers by the term's own consortium (the queue page follows "acting for")."""
    items = []
    for row in terms_to_review(user):
        items.append(
            InboxItem(
                kind="taxonomy.terms_to_review",
                key=f"terms:{row['consortium_id']}",
                title=ngettext("%(n)s term to review", "%(n)s terms to review", row["n"]) % {"n": row["n"]}
                + f" — {row['consortium__name']}",
                why=_g("These terms matched no service area. The most frequent: “%(term)s”.")
                % {"term": row["top_text"]},
                url=reverse("taxonomy:term_detail", args=[row["top_id"]]),
                due=None,
                priority=LOW,
            )
        )
    return items
