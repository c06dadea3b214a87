"""Appending events to the audit trail. Every app records through `record()`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from interlocal.audit.chain import GENESIS, event_hash
from interlocal.audit.keys import current_key
from interlocal.audit.models import AuditEvent, AuditHead

__all__ = ["RequestInfo", "record", "record_denied", "request_info", "snapshot"]


@dataclass(frozen=True)
class RequestInfo:
    """What the audit trail keeps of the request being served (set by middleware)."""

    ip_address: str | None = None
    request_id: str = ""
    consortium_id: int | None = None
    member_id: int | None = None


# A ContextVar (not a thread-local global) carries request facts to record() for the duration
# of one request; it is reset after the response, and tenancy is never read from it.
request_info: ContextVar[RequestInfo | None] = ContextVar("audit_request_info", default=None)


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `instance`, for the before/after of an audit event."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if getattr(field, "audit_exclude", False) or field.name in {"password", "key_hash"}:
            continue
        value = field.value_from_object(instance)
        if isinstance(value, FieldFile):
            value = value.name  # the stored file's name; its content is never copied into the trail
        data[field.attname] = value
    return _jsonable(data)


def _owner_ids(obj: models.Model | None) -> tuple[int | None, int | None]:
    if obj is None:
        return None, None
    consortium_id = getattr(obj, "consortium_id", None)
    member_id = getattr(obj, "member_id", None)
    from interlocal.tenancy.models import Consortium, Member

    if isinstance(obj, Consortium):
        consortium_id = obj.pk
    if isinstance(obj, Member):
        member_id = obj.pk
    return consortium_id, member_id


def _locked_head() -> AuditHead:
    """The chain head, locked until the end of the transaction (created on first use)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Migration 0002 creates the row; after a flush it is gone. ON CONFLICT DO NOTHING lets
        # two first writers race safely: the loser waits for the winner's row, then locks it.
        AuditHead.objects.bulk_create([AuditHead(pk=1, last_seq=0, last_hash=GENESIS)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    consortium_id: int | None = None,
    member_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction when there is one.

    The chain head row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers
    with IMMEDIATE transactions), so concurrent writers produce one linear chain. The hash is keyed
    with INTERLOCAL_AUDIT_KEY (audit.keys.current_key).
    """
    info = request_info.get() or RequestInfo()
    obj_consortium, obj_member = _owner_ids(obj)
    consortium_id = consortium_id or obj_consortium or info.consortium_id
    member_id = member_id or obj_member or info.member_id
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_label=(actor_label or (actor.email if authenticated else "anonymous"))[:254],
        consortium_id=consortium_id,
        member_id=member_id,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        before=_jsonable(dict(before)) if before is not None else None,
        after=_jsonable(dict(after)) if after is not None else None,
        ip_address=info.ip_address,
        request_id=info.request_id,
    )
    event.key_id, key = current_key()
    with transaction.atomic():
        head = _locked_head()
        event.seq = head.last_seq + 1
        event.prev_hash = head.last_hash
        event.hash = event_hash(event.prev_hash, event.chain_fields(), key)
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def record_denied(
    actor: Any, model: type[models.Model], lookup: Mapping[str, Any], *, write: bool
) -> AuditEvent:
    """Record that `actor` was refused an object that exists (answered with 404 or 403)."""
    object_id = str(lookup.get("pk", lookup.get("id", "")) or json.dumps(dict(lookup), default=str))[:64]
    return record(
        actor,
        "access.denied",
        object_type=model._meta.label_lower,
        object_id=object_id,
        after={"write": write},
    )
