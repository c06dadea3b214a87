"""API of the work inbox: `GET /inbox`, what waits on the person (the same items as the page)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from interlocal.core.api import MAX_OFFSET, error_response, error_responses, request_user
from interlocal.core.inbox.registry import inbox_for, provider_kinds

__all__ = ["router"]

router = Router(tags=["inbox"])


class InboxActionOut(Schema):
    """A button that does the job from the inbox: POST (with the browser session) to `url`."""

    label: str = Field(..., description="The button's label.", examples=["Remind now"])
    url: str = Field(
        ..., description="The page's path to POST to.", examples=["/assessment/campaigns/4/remind/"]
    )
    enabled: bool = Field(..., description="False while it may not be used now (see `note`).")
    note: str = Field(
        ..., description="Why not, or when it was last used.", examples=["Last reminded 2026-12-01 09:00."]
    )


class InboxItemOut(Schema):
    """One thing waiting on you."""

    kind: str = Field(..., description="The provider's kind.", examples=["assessment.late_members"])
    key: str = Field(..., description="Identifies the item within its kind.", examples=["campaign:4"])
    title: str = Field(..., description="What.", examples=["Needs assessment 2027"])
    why: str = Field(..., description="Why it waits on you.", examples=["3 members have not submitted."])
    url: str = Field(
        ...,
        description="The path of the page where the job is done.",
        examples=["/assessment/campaigns/4/progress/"],
    )
    due: dt.datetime | None = Field(..., description="By when (null: no due date).")
    priority: int = Field(..., description="1 urgent, 2 normal, 3 low.", examples=[2])
    actions: list[InboxActionOut] = Field(..., description="Buttons that do the job from the inbox.")


class InboxPage(Schema):
    """A page of the inbox, soonest due first."""

    items: list[InboxItemOut] = Field(..., description="This page of items.")
    count: int = Field(..., description="How many items wait in all (of the kind asked for).", examples=[7])
    kinds: list[str] = Field(..., description="Every kind the inbox knows, for the `kind` filter.")


class InboxQuery(Schema):
    kind: str = Field(
        "", description="Only items of this kind (one of `kinds`); empty for all.", max_length=60
    )
    limit: int = Field(
        settings.API_PAGE_SIZE, ge=1, le=settings.API_MAX_PAGE_SIZE, description="How many items to return."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


@router.get(
    "/inbox",
    response={200: InboxPage, **error_responses(401, 422)},
    operation_id="inbox_list",
    summary="What waits on you",
)
def inbox_list(request: HttpRequest, query: Query[InboxQuery]) -> object:
    """Bids ready to open, campaigns with late members, answers due, terms to review…: the items
    each module's providers find for you through the same scoped reads and rights as its pages."""
    kinds = [k for k, _label in provider_kinds()]
    if query.kind and query.kind not in kinds:
        return error_response(
            422, "Unknown kind.", [{"loc": ["query", "kind"], "msg": f"one of {', '.join(kinds)}"}]
        )
    kind = query.kind
    items = inbox_for(request_user(request), kind=kind)
    page = items[query.offset : query.offset + query.limit]
    return {
        "items": [
            {
                "kind": i.kind,
                "key": i.key,
                "title": i.title,
                "why": str(i.why),
                "url": i.url,
                "due": i.due,
                "priority": i.priority,
                "actions": [
                    {"label": str(a.label), "url": a.url, "enabled": a.enabled, "note": str(a.note)}
                    for a in i.actions
                ],
            }
            for i in page
        ],
        "count": len(items),
        "kinds": kinds,
    }
