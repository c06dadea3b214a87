"""API for the audit trail: consortium admins read their consortium's events."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AwareDatetime, field_validator

from interlocal.audit.models import AuditEvent
from interlocal.audit.queries import is_audit_reader
from interlocal.core.api import (
    CappedLimitOffset,
    IdFilter,
    SafeStr,
    aware_utc,
    error_responses,
    optional,
    request_user,
)

__all__ = ["router"]

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    """One thing that happened: who, acting for which member, when, what, before and after."""

    seq: int = Field(..., description="Position in the hash chain.", examples=[1042])
    occurred_at: dt.datetime = Field(..., description="When it happened (UTC).")
    actor_id: int | None = Field(
        ..., description="Who did it (person id); null for the system.", examples=[7]
    )
    actor_label: str = Field(..., description="Who did it, as recorded then.", examples=["ada@avon.example"])
    consortium_id: int | None = Field(..., description="The consortium it concerns.", examples=[1])
    member_id: int | None = Field(..., description="The member acted for.", examples=[3])
    action: str = Field(..., description="What happened.", examples=["tenancy.member.updated"])
    object_type: str = Field(..., description="The kind of object.", examples=["tenancy.member"])
    object_id: str = Field(..., description="The object's id.", examples=["3"])
    object_repr: str = Field(..., description="The object, as it was named then.", examples=["Avon"])
    before: dict[str, Any] | None = Field(..., description="Field values before the change.")
    after: dict[str, Any] | None = Field(..., description="Field values after the change.")
    request_id: str = Field(..., description="The request that did it, for matching with logs.")
    hash: str = Field(
        ..., description="This event's chain hash (HMAC-SHA256 under the installation's audit key, hex)."
    )


class AuditFilter(Schema):
    """Filters for the audit trail."""

    action: SafeStr | None = optional(
        max_length=80, description="Only events with this action.", examples=["access.denied"]
    )
    since: AwareDatetime | None = optional(
        description="Only events at or after this time (with a UTC offset).",
        examples=["2026-01-01T00:00:00Z"],
    )
    consortium: IdFilter | None = optional(description="Only events of this consortium (id).")

    @field_validator("since")
    @classmethod
    def _representable(cls, value: dt.datetime | None) -> dt.datetime | None:
        return aware_utc(value)


@router.get(
    "/audit/events",
    response={200: list[AuditEventOut], **error_responses(401, 403, 422)},
    operation_id="audit_events_list",
    summary="List audit events (consortium admins)",
)
@paginate(CappedLimitOffset)
def audit_events_list(request: HttpRequest, filters: Query[AuditFilter]) -> object:
    """The audit trail of the consortia you administer, newest first. Others get 403."""
    if not is_audit_reader(request_user(request)):
        raise PermissionDenied(_("Only consortium admins may read the audit trail."))
    # The output uses ids and the labels recorded at the time, so no related rows are loaded.
    qs = AuditEvent.objects.visible_to(request_user(request))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.since is not None:
        qs = qs.filter(occurred_at__gte=filters.since)
    if filters.consortium is not None:
        qs = qs.filter(consortium_id=filters.consortium)
    return qs.order_by("-seq")
