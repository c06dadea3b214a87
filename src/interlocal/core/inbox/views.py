"""The work inbox page ("Waiting on you") and its dashboard card."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from interlocal.core.inbox.registry import inbox_for, provider_kinds

__all__ = ["inbox", "inbox_card"]

PAGE_SIZE = 25
CARD_ITEMS = 5


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Everything waiting on the person, soonest due first; ?kind= keeps one kind."""
    kinds = provider_kinds()
    kind = request.GET.get("kind", "")
    if kind not in {k for k, _label in kinds}:
        kind = ""
    items = inbox_for(request.user, kind=kind)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/inbox/inbox.html",
        {
            "page_obj": page,
            "kinds": kinds,
            "kind": kind,
            "total": len(items),
            "query_prefix": f"kind={kind}&" if kind else "",
            "here": request.get_full_path(),
        },
    )


def inbox_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard: the first items waiting on the person and how many in all (hidden when none)."""
    items = inbox_for(request.user)
    if not items:
        return None
    return {"items": items[:CARD_ITEMS], "count": len(items), "here": request.get_full_path()}
