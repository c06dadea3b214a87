"""API for services: the catalog, subscriptions (scoped) and usage (idempotent writes).

Reads go through services.queries, writes through services.actions.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from interlocal.core.api import (
    IdFilter,
    IdParam,
    InputSchema,
    LimitOffset,
    error_body,
    error_responses,
    optional,
    request_user,
)
from interlocal.services.actions import (
    IdempotencyConflict,
    UsageRow,
    do_record_usage,
    do_record_usage_idempotent,
)
from interlocal.services.models import Service, Subscription
from interlocal.services.queries import (
    get_service_for_user,
    get_subscription_for_user,
    services_visible_to,
    subscriptions_visible_to,
    usage_visible_to,
)
from interlocal.tenancy.queries import get_member_for_user

__all__ = ["router"]

router = Router(tags=["services"])


class ServiceOut(Schema):
    """A shared service in a consortium's catalog."""

    id: int = Field(..., examples=[1])
    consortium_id: int = Field(..., description="The consortium whose catalog it is in.")
    name: str = Field(..., examples=["Shared backup"])
    description: str
    status: str = Field(..., description="proposed, piloting, live or retiring.", examples=["live"])
    area_code: str | None = Field(..., description="The taxonomy service area's code.")
    provider_id: int | None = Field(..., description="The lead member; null: the consortium provides it.")
    availability_target: Decimal | None = Field(..., description="Availability target in percent.")
    support_hours: dict[str, Any] = Field(..., description='Business hours: {"mon": [["08:00", "17:00"]]}.')
    unit: str = Field(..., examples=["users"])
    pricing_rule: str = Field(..., examples=["per_capita"])
    pricing_params: dict[str, Any]
    scenario_id: int | None = Field(..., description="The costing scenario whose chosen rates price it.")

    @staticmethod
    def resolve_area_code(obj: Service) -> str | None:
        return obj.area.code if obj.area else None


class SubscriptionOut(Schema):
    """One member's participation in one service (as created; dated changes are on the pages)."""

    id: int
    service_id: int
    member_id: int
    member: str = Field(..., description="The member's name.")
    agreement_id: int | None
    start: dt.date
    end: dt.date | None = Field(..., description="Inclusive; null: open-ended.")
    units: Decimal
    options: dict[str, Any]

    @staticmethod
    def resolve_member(obj: Subscription) -> str:
        return obj.member.name


class UsageOut(Schema):
    """Metered usage of a service by a member over a period (dates inclusive)."""

    id: int
    service_id: int
    member_id: int
    period_start: dt.date
    period_end: dt.date
    quantity: Decimal
    source: str = Field(..., description="staff, upload or api.")
    idempotency_key: str = Field(..., description="The Idempotency-Key it was posted with ('' if none).")


class UsageIn(InputSchema):
    """A usage figure to record."""

    service_id: IdParam
    member_id: IdParam
    period_start: dt.date
    period_end: dt.date
    quantity: Decimal = Field(..., max_digits=16, decimal_places=4, examples=["1520"])


class ServiceFilter(Schema):
    status: str | None = optional(description="Only services with this status.", max_length=10)


class SubscriptionFilter(Schema):
    service: IdFilter | None = optional(description="Only subscriptions to this service (id).")
    member: IdFilter | None = optional(description="Only subscriptions of this member (id).")


class UsageFilter(Schema):
    service: IdFilter | None = optional(description="Only usage of this service (id).")
    member: IdFilter | None = optional(description="Only usage of this member (id).")


@router.get(
    "/services",
    response={200: list[ServiceOut], **error_responses(401, 422)},
    operation_id="services_list",
    summary="List shared services",
)
@paginate(LimitOffset)
def services_list(request: HttpRequest, filters: Query[ServiceFilter]) -> object:
    """The catalogs of the consortia you belong to."""
    qs = services_visible_to(request_user(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("consortium_id", "name", "pk")


@router.get(
    "/services/subscriptions",
    response={200: list[SubscriptionOut], **error_responses(401, 422)},
    operation_id="services_subscriptions_list",
    summary="List subscriptions",
)
@paginate(LimitOffset)
def services_subscriptions_list(request: HttpRequest, filters: Query[SubscriptionFilter]) -> object:
    """Your own member's subscriptions; the council reads every member's."""
    qs = subscriptions_visible_to(request_user(request))
    if filters.service is not None:
        qs = qs.filter(service_id=filters.service)
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member)
    return qs.order_by("service_id", "member__name", "start", "pk")


@router.get(
    "/services/subscriptions/{subscription_id}",
    response={200: SubscriptionOut, **error_responses(401, 404, 422)},
    operation_id="services_subscriptions_get",
    summary="Get a subscription",
)
def services_subscriptions_get(request: HttpRequest, subscription_id: IdParam) -> Subscription:
    """One subscription; 404 if it is another member's."""
    return get_subscription_for_user(request_user(request), subscription_id)


@router.get(
    "/services/usage",
    response={200: list[UsageOut], **error_responses(401, 422)},
    operation_id="services_usage_list",
    summary="List usage records",
)
@paginate(LimitOffset)
def services_usage_list(request: HttpRequest, filters: Query[UsageFilter]) -> object:
    """Your own member's usage; the council reads every member's."""
    qs = usage_visible_to(request_user(request))
    if filters.service is not None:
        qs = qs.filter(service_id=filters.service)
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member)
    return qs.order_by("-period_start", "pk")


@router.post(
    "/services/usage",
    response={
        200: UsageOut,
        201: UsageOut,
        **error_responses(400, 401, 403, 404, 409, 413, 422),
    },
    operation_id="services_usage_post",
    summary="Record usage (idempotent with Idempotency-Key)",
)
def services_usage_post(
    request: HttpRequest,
    payload: UsageIn,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        max_length=200,
        description="Any unique string per usage figure; a retry with the same key and body returns "
        "the original record (200) and never counts twice; the same key with another body is a 409.",
    ),
) -> Any:
    """Record usage (the council): 201 created, 200 a retry of the same request; 400 when the
    member is not subscribed over the period, the quantity is negative or the period ends before
    it starts; 404 for a service or member you cannot see; 409 for a reused key with another body."""
    user = request_user(request)
    service = get_service_for_user(user, payload.service_id)
    member = get_member_for_user(user, payload.member_id)
    if not member.participations.filter(consortium_id=service.consortium_id).exists():
        raise Http404
    row = UsageRow(member, service, payload.period_start, payload.period_end, payload.quantity)
    body = payload.model_dump(mode="json")
    try:
        if idempotency_key:
            record, created = do_record_usage_idempotent(
                row, acting_user=user, key=idempotency_key, body=body
            )
        else:
            record, created = do_record_usage(row, acting_user=user, source="api"), True
    except IdempotencyConflict:
        return Status(
            409,
            error_body(
                "This Idempotency-Key was used before with a different request body.",
                [{"loc": ["header", "Idempotency-Key"], "msg": "reused with a different body"}],
            ),
        )
    except DjangoValidationError as exc:
        errors = (
            [{"loc": ["body", f], "msg": m} for f, ms in exc.message_dict.items() for m in ms]
            if hasattr(exc, "error_dict")
            else [{"loc": ["body"], "msg": m} for m in exc.messages]
        )
        return Status(400, error_body("The usage was refused; nothing was recorded.", errors))
    return Status(201 if created else 200, record)


@router.get(
    "/services/{service_id}",
    response={200: ServiceOut, **error_responses(401, 404, 422)},
    operation_id="services_get",
    summary="Get a shared service",
)
def services_get(request: HttpRequest, service_id: IdParam) -> Service:
    """One service; 404 if it is not in your consortia's catalogs."""
    return get_service_for_user(request_user(request), service_id)
