"""The results page of the global search: /search/?q=…&kind=…&page=…"""

from __future__ import annotations

from math import ceil
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from interlocal.core.search import backend
from interlocal.core.search.registry import provider_for, providers

__all__ = ["PAGE_SIZE", "PER_KIND", "search"]

PER_KIND = 5  # results of each kind on the overview
PAGE_SIZE = 20  # results per page of one kind


def _url(q: str, kind: str = "", page: int = 1) -> str:
    params: dict[str, Any] = {"q": q}
    if kind:
        params["kind"] = kind
    if page > 1:
        params["page"] = page
    return f"?{urlencode(params)}"


def _page_number(raw: str | None) -> int | None:
    try:
        number = int(raw or "1")
    except ValueError:
        return None
    return number if 1 <= number <= 10_000 else None


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Everything the person may see that matches: grouped by kind, or one kind page by page."""
    query = backend.parse(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    errors: list[str] = []
    if kind and provider_for(kind) is None:
        errors.append(
            str(_("There is no kind of result called “%(kind)s”; showing every kind.") % {"kind": kind})
        )
        kind = ""
    number = _page_number(request.GET.get("page"))
    if number is None:
        errors.append(str(_("That page number is not valid; showing the first page.")))
        number = 1
    context: dict[str, Any] = {"query": query, "q": query.text, "kind": kind, "errors": errors}
    if query.ok and not kind:
        groups = backend.overview(request.user, query, per_kind=PER_KIND)
        context.update(groups=groups, total=sum(g.count for g in groups))
        context["filters"] = [
            {"kind": g.kind, "label": g.label, "count": g.count, "url": _url(query.text, g.kind)}
            for g in groups
        ]
    elif query.ok:
        counts = {p.kind: backend.count(p, request.user, query) for p in providers() if p.kind != kind}
        hits, total = backend.page(
            request.user, query, kind, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        counts[kind] = total
        pages = max(1, ceil(total / PAGE_SIZE))
        if number > pages:
            errors.append(str(_("There are only %(n)d pages of results.") % {"n": pages}))
        provider = provider_for(kind)
        context.update(
            hits=hits,
            total=total,
            kind_label=provider.label if provider else "",
            page_number=number,
            pages=pages,
            first=(number - 1) * PAGE_SIZE + 1,
            last=(number - 1) * PAGE_SIZE + len(hits),
            previous_url=_url(query.text, kind, number - 1) if number > 1 else None,
            next_url=_url(query.text, kind, number + 1) if number < pages else None,
            filters=[
                {"kind": p.kind, "label": p.label, "count": counts[p.kind], "url": _url(query.text, p.kind)}
                for p in providers()
                if counts[p.kind]
            ],
        )
    if query.ok:
        context["all_url"] = _url(query.text)
    status = 200 if query.ok or not request.GET.get("q") else 400
    return render(request, "core/search/results.html", context, status=status)
