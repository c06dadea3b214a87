"""Write paths for services: do_* functions, each checks the actor, is audited and atomic."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.services.models import (
    Service,
    ServiceLevel,
    Subscription,
    SubscriptionChange,
    UsageRecord,
    UsageSource,
)
from interlocal.services.queries import can_manage_services, overlapping_subscriptions, subscribed_during
from interlocal.tenancy.models import Consortium, Member

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "SERVICE_FIELDS",
    "IdempotencyConflict",
    "UsageRow",
    "do_change_subscription",
    "do_create_service",
    "do_create_subscription",
    "do_import_usage",
    "do_record_usage",
    "do_record_usage_idempotent",
    "do_update_service",
    "request_digest",
]

SERVICE_FIELDS = (
    "name",
    "area",
    "provider",
    "description",
    "status",
    "availability_target",
    "support_hours",
    "unit",
    "pricing_rule",
    "pricing_params",
    "annual_amount",
    "scenario",
)


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with a different request body."""


@dataclass(frozen=True)
class UsageRow:
    """One usage figure to record (validated shape; the action checks the rules)."""

    member: Member
    service: Service
    period_start: dt.date
    period_end: dt.date
    quantity: Decimal


def _require_council(user: Any, consortium_id: int) -> None:
    if not can_manage_services(user, consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may do this."))


def _set_levels(service: Service, levels: Mapping[str, tuple[int, int] | None]) -> None:
    for priority, targets in levels.items():
        if targets is None:
            ServiceLevel.objects.filter(service=service, priority=priority).delete()
            continue
        ServiceLevel.objects.update_or_create(
            service=service,
            priority=priority,
            defaults={"first_response_minutes": targets[0], "resolution_minutes": targets[1]},
        )


def _levels_snapshot(service: Service) -> dict[str, list[int]]:
    return {
        lv.priority: [lv.first_response_minutes, lv.resolution_minutes]
        for lv in ServiceLevel.objects.filter(service=service)
    }


def _check_scenario(service: Service) -> None:
    scenario = service.scenario
    if scenario is not None and scenario.cost_model.consortium_id != service.consortium_id:
        raise ValidationError({"scenario": _("The scenario must be one of this consortium's cost models.")})


@transaction.atomic
def do_create_service(
    consortium: Consortium,
    *,
    acting_user: User,
    levels: Mapping[str, tuple[int, int] | None] | None = None,
    **fields: Any,
) -> Service:
    """Add a service to the consortium's catalog, with its service levels per priority."""
    _require_council(acting_user, consortium.pk)
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown service fields: {sorted(unknown)}")
    service = Service(consortium=consortium, created_by=acting_user, **fields)
    service.full_clean()
    _check_scenario(service)
    service.save()
    _set_levels(service, levels or {})
    audit.record(
        acting_user,
        "services.service.created",
        service,
        consortium_id=consortium.pk,
        after={**audit.snapshot(service), "levels": _levels_snapshot(service)},
    )
    return service


@transaction.atomic
def do_update_service(
    service: Service,
    *,
    acting_user: User,
    levels: Mapping[str, tuple[int, int] | None] | None = None,
    **changes: Any,
) -> Service:
    """Change a service's description, status, levels, hours or pricing."""
    _require_council(acting_user, service.consortium_id)
    before = {**audit.snapshot(service), "levels": _levels_snapshot(service)}
    for name, value in changes.items():
        if name not in SERVICE_FIELDS:
            raise TypeError(f"unknown service field: {name}")
        setattr(service, name, value)
    service.updated_at = timezone.now()
    service.full_clean()
    _check_scenario(service)
    service.save()
    if levels is not None:
        _set_levels(service, levels)
    audit.record(
        acting_user,
        "services.service.updated",
        service,
        consortium_id=service.consortium_id,
        before=before,
        after={**audit.snapshot(service), "levels": _levels_snapshot(service)},
    )
    return service


def _check_agreement(agreement: Any, member: Member, service: Service) -> None:
    """An agreement, when given, must be the service's consortium's, in force, with the member a party."""
    if agreement is None:
        return
    if agreement.consortium_id != service.consortium_id:
        raise ValidationError({"agreement": _("The agreement must be one of this consortium's.")})
    if agreement.status != "in_force":
        raise ValidationError({"agreement": _("The agreement is not in force.")})
    if not agreement.parties.filter(member=member, withdrawn_on__isnull=True).exists():
        raise ValidationError(
            {"agreement": _("%(m)s is not a party to this agreement (or has withdrawn).") % {"m": member}}
        )


def _check_no_overlap(
    service: Service, member: Member, start: dt.date, end: dt.date | None, exclude_pk: int | None = None
) -> None:
    other = overlapping_subscriptions(service.pk, member.pk, start, end, exclude_pk=exclude_pk).first()
    if other is not None:
        raise ValidationError(
            _(
                "%(m)s already subscribes to %(s)s from %(start)s to %(end)s: "
                "subscriptions of one member to one service may not overlap."
            )
            % {
                "m": member,
                "s": service,
                "start": other.start.isoformat(),
                "end": other.end.isoformat() if other.end else _("open-ended"),
            }
        )


@transaction.atomic
def do_create_subscription(
    service: Service,
    member: Member,
    *,
    start: dt.date,
    acting_user: User,
    end: dt.date | None = None,
    units: Decimal = Decimal(0),
    options: dict[str, Any] | None = None,
    agreement: Any = None,
) -> Subscription:
    """Subscribe a member of the consortium to a service (the council); never overlapping."""
    _require_council(acting_user, service.consortium_id)
    if not member.participations.filter(consortium_id=service.consortium_id).exists():
        raise ValidationError({"member": _("%(m)s is not a member of this consortium.") % {"m": member}})
    if end is not None and end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    _check_agreement(agreement, member, service)
    # Lock the service row: two concurrent subscriptions of one member cannot both pass the check.
    Service.objects.select_for_update().filter(pk=service.pk).first()
    _check_no_overlap(service, member, start, end)
    sub = Subscription(
        service=service,
        member=member,
        agreement=agreement,
        start=start,
        end=end,
        units=units,
        options=options or {},
        created_by=acting_user,
    )
    sub.full_clean()
    sub.save()
    audit.record(
        acting_user,
        "services.subscription.created",
        sub,
        consortium_id=service.consortium_id,
        member_id=member.pk,
        after=audit.snapshot(sub),
    )
    return sub


@transaction.atomic
def do_change_subscription(
    subscription: Subscription,
    *,
    effective: dt.date,
    units: Decimal,
    acting_user: User,
    options: dict[str, Any] | None = None,
    end: dt.date | None = None,
    note: str = "",
) -> SubscriptionChange:
    """Record a dated change (units, options, end) effective from `effective`; history is kept."""
    service = subscription.service
    _require_council(acting_user, service.consortium_id)
    if effective < subscription.start:
        raise ValidationError({"effective": _("The change takes effect before the subscription starts.")})
    if end is not None and end < subscription.start:
        raise ValidationError({"end": _("The end date is before the subscription's start.")})
    if units < 0:
        raise ValidationError({"units": _("Units must not be negative.")})
    Service.objects.select_for_update().filter(pk=service.pk).first()
    if end is not None:
        _check_no_overlap(service, subscription.member, subscription.start, end, exclude_pk=subscription.pk)
    change = SubscriptionChange(
        subscription=subscription,
        effective=effective,
        units=units,
        options=options if options is not None else dict(subscription.options or {}),
        end=end,
        note=note,
        recorded_by=acting_user,
    )
    change.full_clean()
    change.save()
    audit.record(
        acting_user,
        "services.subscription.changed",
        subscription,
        consortium_id=service.consortium_id,
        member_id=subscription.member_id,
        after=audit.snapshot(change),
    )
    return change


def _check_usage(row: UsageRow) -> None:
    if row.quantity < 0:
        raise ValidationError({"quantity": _("must not be negative")})
    if row.period_end < row.period_start:
        raise ValidationError({"period_end": _("the period ends before it starts")})
    if not subscribed_during(row.service.pk, row.member.pk, row.period_start, row.period_end):
        raise ValidationError(
            {
                "member": _("%(m)s does not subscribe to %(s)s for the whole period %(a)s to %(b)s")
                % {
                    "m": row.member,
                    "s": row.service,
                    "a": row.period_start.isoformat(),
                    "b": row.period_end.isoformat(),
                }
            }
        )


def _save_usage(
    row: UsageRow, *, acting_user: User, source: str, key: str = "", digest: str = ""
) -> UsageRecord:
    record = UsageRecord(
        service=row.service,
        member=row.member,
        period_start=row.period_start,
        period_end=row.period_end,
        quantity=row.quantity,
        source=source,
        idempotency_key=key,
        request_hash=digest,
        recorded_by=acting_user,
    )
    # The period order and quantity are checked by _check_usage; the key's uniqueness is left to
    # the database, so a concurrent retry shows as an IntegrityError.
    record.full_clean(validate_constraints=False)
    record.save()
    return record


@transaction.atomic
def do_record_usage(row: UsageRow, *, acting_user: User, source: str = UsageSource.STAFF) -> UsageRecord:
    """Record one usage figure (the council): only for a member subscribed over the whole period."""
    _require_council(acting_user, row.service.consortium_id)
    _check_usage(row)
    record = _save_usage(row, acting_user=acting_user, source=source)
    audit.record(
        acting_user,
        "services.usage.recorded",
        record,
        consortium_id=row.service.consortium_id,
        member_id=row.member.pk,
        after=audit.snapshot(record),
    )
    return record


def request_digest(body: Mapping[str, Any]) -> str:
    """The digest of a request body, canonical JSON (key order and spacing do not matter)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@transaction.atomic
def do_record_usage_idempotent(
    row: UsageRow, *, acting_user: User, key: str, body: Mapping[str, Any]
) -> tuple[UsageRecord, bool]:
    """(record, created). A retry with the same key and body returns the original record;
    the same key with another body raises IdempotencyConflict. Nothing counts twice."""
    _require_council(acting_user, row.service.consortium_id)
    digest = request_digest(body)

    def existing() -> UsageRecord | None:
        found = UsageRecord.objects.filter(service=row.service, idempotency_key=key).first()
        if found is not None and found.request_hash != digest:
            raise IdempotencyConflict
        return found

    found = existing()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            _check_usage(row)
            record = _save_usage(row, acting_user=acting_user, source=UsageSource.API, key=key, digest=digest)
            audit.record(
                acting_user,
                "services.usage.recorded",
                record,
                consortium_id=row.service.consortium_id,
                member_id=row.member.pk,
                after=audit.snapshot(record),
            )
    except IntegrityError:
        # A concurrent retry stored the same key first: answer with its record (or the conflict).
        found = existing()
        if found is None:
            raise
        return found, False
    return record, True


@transaction.atomic
def do_import_usage(
    consortium: Consortium, rows: Iterable[UsageRow], *, acting_user: User, source: str = ""
) -> int:
    """Record every uploaded usage row, or none (any refusal rolls back the whole upload)."""
    _require_council(acting_user, consortium.pk)
    count = 0
    for index, row in enumerate(rows, start=2):
        if row.service.consortium_id != consortium.pk:
            raise ValidationError(_("row %(n)s: the service is not this consortium's") % {"n": index})
        try:
            _check_usage(row)
        except ValidationError as exc:
            raise ValidationError([f"{_('row')} {index}: {m}" for m in exc.messages]) from None
        _save_usage(row, acting_user=acting_user, source=UsageSource.UPLOAD)
        count += 1
    audit.record(
        acting_user,
        "services.usage.imported",
        None,
        consortium_id=consortium.pk,
        object_type="services.usagerecord",
        object_repr=source[:200],
        after={"rows": count, "file": source},
    )
    return count
