"""Migration audit/0003: rehash the unkeyed SHA-256 chain of earlier releases with the audit key.

Only a chain that verifies as it stands is rehashed, so the move to keyed hashes cannot launder
an earlier edit: the migration stops, naming the first broken event, and changes nothing. Event
contents, seq and order are untouched; only prev_hash, hash and key_id are rewritten, then the
head. The old head hash is logged so that an operator who copied it somewhere can still match it.
"""

from __future__ import annotations

import logging
from typing import Any

from interlocal.audit.chain import GENESIS, event_hash, key_id, legacy_event_hash

__all__ = ["LegacyChainBroken", "rekey_legacy_chain"]

logger = logging.getLogger("interlocal.audit")
BATCH = 2000


class LegacyChainBroken(RuntimeError):
    """The unkeyed chain does not verify: rehashing it would hide the break."""


def _legacy_fields(event: Any) -> dict[str, Any]:
    # AuditEvent.chain_fields() as it was before key_id joined it (historical models have no methods).
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "consortium_id": event.consortium_id,
        "member_id": event.member_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "ip_address": event.ip_address,
        "request_id": event.request_id,
    }


def rekey_legacy_chain(event_model: Any, head_model: Any, connection: Any, key: bytes) -> int:
    """Check the unkeyed chain, then rehash every event and the head with `key`; return the count.

    The caller lifts the append-only triggers (guard.append_only_lifted) and holds a transaction.
    """
    using = connection.alias
    kid = key_id(key)
    events = event_model._base_manager.using(using)
    old_prev, new_prev, expected_seq, done = GENESIS, GENESIS, 1, 0
    while True:
        batch = list(events.filter(seq__gte=expected_seq).order_by("seq")[:BATCH])
        if not batch:
            break
        updates = []
        for event in batch:
            fields = _legacy_fields(event)
            if (
                event.seq != expected_seq
                or event.prev_hash != old_prev
                or legacy_event_hash(old_prev, fields) != event.hash
            ):
                raise LegacyChainBroken(
                    f"audit/0003: the audit chain does not verify at event {expected_seq}; it is not "
                    "rehashed, so the break stays visible. Run `interlocal audit verify` with the "
                    "previous release and investigate before migrating."
                )
            fields["key_id"] = kid
            new_hash = event_hash(new_prev, fields, key)
            updates.append((new_prev, new_hash, kid, event.seq))
            old_prev, new_prev = event.hash, new_hash
            expected_seq += 1
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {event_model._meta.db_table} SET prev_hash = %s, hash = %s, key_id = %s WHERE seq = %s",  # noqa: S608 - table name from the model
                updates,
            )
        done += len(updates)
    head = head_model._base_manager.using(using).filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (expected_seq - 1, old_prev):
        raise LegacyChainBroken(
            f"audit/0003: the audit chain ends at event {expected_seq - 1} but its head records event "
            f"{head_seq}; it is not rehashed. Investigate with `interlocal audit verify` first."
        )
    if head is not None:
        head_model._base_manager.using(using).filter(pk=1).update(last_hash=new_prev)
    if done:
        logger.warning(
            "audit chain rehashed with key %s: %s events; old head %s, new head %s",
            kid,
            done,
            old_prev,
            new_prev,
            extra={"audit_seq": head_seq, "audit_old_hash": old_prev, "audit_hash": new_prev},
        )
    return done
