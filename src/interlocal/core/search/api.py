"""`GET /api/v1/search`: the global search for API clients, paginated like every list."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from interlocal.core.api import MAX_OFFSET, ErrorOut, SafeStr, error_responses, optional, request_user
from interlocal.core.search import backend
from interlocal.core.search.registry import provider_for, providers

__all__ = ["router"]

router = Router(tags=["search"])


class SearchFilters(Schema):
    q: SafeStr = Field(
        ...,
        min_length=1,
        max_length=backend.MAX_QUERY_LENGTH,
        description=(
            "What to look for: words (all must match; a word matches names that start with it), "
            '"quoted phrases", `or`, and `-word` to exclude (on PostgreSQL).'
        ),
    )
    kind: SafeStr | None = optional(
        max_length=40,
        description="Only results of this kind (e.g. `members`, `solicitations`); see `kind` in the results.",
    )
    limit: int = Field(
        settings.API_PAGE_SIZE,
        ge=1,
        le=settings.API_MAX_PAGE_SIZE,
        description=f"How many items to return (at most {settings.API_MAX_PAGE_SIZE}).",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class SearchHitOut(Schema):
    kind: str = Field(..., description="The kind of result.", examples=["members"])
    kind_label: str = Field(..., description="The kind, for people.", examples=["Members"])
    id: int = Field(..., description="The object's id (within its kind).")
    title: str
    snippet: str = Field(..., description="A piece of the matching text (plain text; may be empty).")
    detail: str = Field(..., description="A short line about the result (status, owner).")
    url: str = Field(..., description="The page of the result in the web application.")


class SearchPageOut(Schema):
    items: list[SearchHitOut] = Field(..., description="This page of results, kind by kind, best first.")
    count: int = Field(..., description="How many results there are in all.", examples=[42])


@router.get(
    "/search",
    response={200: SearchPageOut, **error_responses(401, 422)},
    operation_id="search",
    summary="Search everything you may see",
)
def search(request: HttpRequest, filters: Query[SearchFilters]) -> SearchPageOut | tuple[int, ErrorOut]:
    """Members, campaigns, cost models, solicitations, contracts, vendors, documents and service
    areas that match `q` and that you may see, grouped by kind (in a fixed order) and ranked
    within each kind."""
    user = request_user(request)
    if filters.kind is not None and provider_for(filters.kind) is None:
        known = ", ".join(p.kind for p in providers())
        raise ValidationError([{"loc": ["query", "kind"], "msg": f"Unknown kind; use one of: {known}."}])
    query = backend.parse(filters.q)
    if not query.ok:
        raise ValidationError([{"loc": ["query", "q"], "msg": str(query.problem)}])
    kinds = [filters.kind] if filters.kind else None
    hits, total = backend.search_page(user, query, kinds, offset=filters.offset, limit=filters.limit)
    return SearchPageOut(
        items=[
            SearchHitOut(
                kind=h.kind,
                kind_label=h.kind_label,
                id=h.pk,
                title=h.title,
                snippet=h.snippet,
                detail=h.detail,
                url=h.url,
            )
            for h in hits
        ],
        count=total,
    )
